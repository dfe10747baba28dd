// Reading and changing a user's mailbox state cell (mailbox-state.ts) through the cluster
// client: every change is a CPut of the one cell, retried when another writer changed it first,
// so counts, UIDs and folder names never lose an update whatever the number of writers; and
// never apply one twice across a failover, as long as fewer than 32 writes (writesRemembered)
// land between a writer's lost reply and its next read of the cell. Changes of one user that
// arrive here while a write of that state is in flight go together in the next one, so a
// mailbox many sessions deliver to at once takes a write per round, not a lost race per message.
//
// A mailbox without a state (from before folders, or whose state was lost to a bad value) gets
// one made from its index: every entry is counted, page by page, and the state is written with
// CPut expect-absent, so of two processes doing it at once one wins and the other reads its
// result. No entry can be committed meanwhile: a commit takes its UID from the state first.
// - From the old usage count (inbox and Sent only): the entries are counted by their names
//   alone (a few list calls however many there are, so the first open of a large old mailbox
//   is quick), the bytes are the old count's; which of them are unread needs every summary, so
//   that is counted after (countLegacyUnread, in the background for the webmail, first thing
//   for IMAP) and `unread` leaves them out until then. Entries without a UID keep none until
//   assignLegacyUids gives them one, below every UID the folder gives out after (uidNext starts
//   past how many there are).
// - A state lost to a bad value: every folder found in the index comes back (a user folder
//   named after its id, "Recovered f2"), with a new UIDVALIDITY, as the UIDs it gave out before
//   are no longer known.
import { PennError } from '../../common/errors.ts';
import type { CPutCell, ClusterClient } from '../../kvs/cluster-client.ts';
import { mapLimit } from './chunks.ts';
import { decodeIndexValue, decodeUsage, encodeIndexValue, indexRow, parseIndexColumn, stateColumn, usageColumn, usageRow } from './mailbox.ts';
import { decodeState, encodeState, folderById, initialState, nonceChars, remembersWrite, stampWrite, systemFolders, uidMax, type FolderState, type MailboxState } from './mailbox-state.ts';
import { messageIdTime } from './message-id.ts';
import { randomHex } from './random-hex.ts';

/** Attempts at a CPut of the state that concurrent writers keep changing. */
const stateAttemptsMax = 100;
/** Changes of one user's state written together at most (StateCell.round). */
const roundChangesMax = 64;
/**
 * What a round's changes may add to the state's bytes, allowed for when deciding which cells
 * fit one CPutAll with it (remembered nonces, counts, a folder made).
 */
const stateGrowthBytes = 4096;
/** Users whose last state read or written a cell keeps, the least recently used dropped first. */
const knownUsersMax = 1024;
/** Column names asked for per ListColumns call, and summaries read at once. */
const namesPerCallMax = 2000;
const readsInFlightMax = 32;

/**
 * What a change answers: the new state (undefined: write nothing) and a result for the caller;
 * and cells to write with the state (`with`: a message's index entry), all or none in one
 * CPutAll when they fit one (rows of the state's group, within a Batch's bytes), else each
 * after the state.
 */
export type StateChange<T> = (state: MailboxState) => { state: MailboxState | undefined; result: T; with?: CPutCell[] };

/** A change waiting for its round, and its caller's answer. */
interface Pending {
  change: StateChange<unknown>;
  skipWhenRebuilt: boolean;
  resolve: (result: unknown) => void;
  reject: (err: unknown) => void;
}

/** What one change answers, and the cells it writes with the state. */
interface Answer {
  pending: Pending;
  result?: unknown;
  error?: unknown;
  cells: CPutCell[];
}

/**
 * A round's changes computed on one state (StateCell.plan): the state they make (undefined:
 * nothing to write) and what each answers; changes not among the answers wait for the next round.
 */
interface Plan {
  next: MailboxState | undefined;
  answers: Answer[];
}

/** The cells a plan writes with the state, its changes' in order. */
function cellsOf(plan: Plan): CPutCell[] {
  return plan.answers.flatMap((a) => a.cells);
}

/**
 * Answers the plan's changes (its write applied, or there was nothing to write); the changes of
 * `active` it did not answer go to the next round.
 */
function answer(plan: Plan, active: readonly Pending[]): Pending[] {
  const answered = new Set<Pending>();
  for (const a of plan.answers) {
    answered.add(a.pending);
    if ('error' in a) a.pending.reject(a.error);
    else a.pending.resolve(a.result);
  }
  return active.filter((p) => !answered.has(p));
}

export class StateCell {
  /**
   * The state last read or written here, per user: a change starts from it instead of a Get.
   * Its CPut expects exactly those bytes, so a change computed on a stale state never lands;
   * it fails, and the next attempt reads. A mail daemon, the cell's usual only writer, then
   * spends one replicated write per change of the state and no read.
   */
  private readonly known = new Map<string, { value: Buffer; state: MailboxState; atMs: number }>();
  /** Per user with a round of changes being written: the changes waiting for the next round. */
  private readonly waiting = new Map<string, Pending[]>();

  constructor(
    private readonly cluster: ClusterClient,
    private readonly now: () => number = Date.now,
  ) {}

  /** The user's mailbox state, made from the index the first time. */
  async read(user: string): Promise<MailboxState> {
    return (await this.readRaw(user)).state;
  }

  /**
   * The state as last read or written here when that was at most maxAgeMs ago (no call), else
   * read afresh. The age counts from when the answer came, so a slow read's state may be a
   * little older than that. Only for a decision that a change made later decides again from
   * the cell itself: its CPut expects the bytes it started from, so a stale answer cannot land.
   */
  async readRecent(user: string, maxAgeMs: number): Promise<MailboxState> {
    const known = this.known.get(user);
    // A negative age is the clock set back: read afresh rather than trust the known state longer.
    const ageMs = known ? this.now() - known.atMs : -1;
    if (known && ageMs >= 0 && ageMs <= maxAgeMs) return known.state;
    return this.read(user);
  }

  private remember(user: string, value: Buffer, state: MailboxState): void {
    this.known.delete(user);
    this.known.set(user, { value, state, atMs: this.now() });
    if (this.known.size > knownUsersMax) this.known.delete(this.known.keys().next().value as string);
  }

  private async readRaw(user: string): Promise<{ value: Buffer; state: MailboxState; rebuilt: boolean }> {
    let rebuilt = false;
    for (let attempt = 0; attempt < 3; attempt++) {
      const value = await this.cluster.get(usageRow(user), stateColumn);
      const state = value && decodeState(value);
      if (value && state) {
        this.remember(user, value, state);
        return { value, state, rebuilt };
      }
      this.known.delete(user);
      await this.rebuild(user, value ?? null);
      rebuilt = true;
    }
    throw new PennError('aborted', `${user}'s mailbox state could not be made; try again later`);
  }

  /**
   * Applies `change` with a CPut, retried on a concurrent change; answers its result. A change
   * may throw (a refused folder name, a full mailbox): nothing is written for it then. Changes of
   * one user made here while a write of that user's state is in flight wait for it, then go
   * together in the next write (see `round`). With changeUnlessRebuilt (counting out an entry
   * already gone), nothing is written when the state had to be made from the index just now:
   * that count already left the entry out.
   */
  change<T>(user: string, change: StateChange<T>): Promise<T> {
    return this.enqueue(user, change, false) as Promise<T>;
  }

  /** As change, for counting out entries already gone (see above). */
  async changeUnlessRebuilt(user: string, change: StateChange<unknown>): Promise<void> {
    await this.enqueue(user, change, true);
  }

  private enqueue(user: string, change: StateChange<unknown>, skipWhenRebuilt: boolean): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const pending: Pending = { change, skipWhenRebuilt, resolve, reject };
      const waiting = this.waiting.get(user);
      if (waiting) {
        waiting.push(pending);
        return;
      }
      this.waiting.set(user, [pending]);
      void this.drain(user);
    });
  }

  /** Writes the user's waiting changes, a round at a time, until none is left. */
  private async drain(user: string): Promise<void> {
    const waiting = this.waiting.get(user) as Pending[];
    while (waiting.length > 0) {
      const round = waiting.splice(0, roundChangesMax);
      try {
        waiting.unshift(...(await this.round(user, round)));
      } catch (err) {
        // Answers the round's changes not answered yet (a settled promise ignores it).
        for (const p of round) p.reject(err);
      }
    }
    this.waiting.delete(user);
  }

  /**
   * One write of the user's state for several changes, in order: each is computed on the state
   * the ones before it made, and the state they all made is written with one CPut (with their
   * cells, in one CPutAll when they fit one), retried whole on a concurrent change. A change
   * whose cells would not fit with the others' waits for the next round (answered here). So a
   * mailbox that many sessions deliver to at once takes one write per round, not one CPut race
   * per message that all but one lose.
   */
  private async round(user: string, participants: Pending[]): Promise<Pending[]> {
    let active = participants;
    // Each attempt's nonce and plan. A CPut that applied may still answer "not applied": its
    // reply was lost in a failover, and another writer changed the cell before the cluster
    // client read it back. The state remembers the last writes' nonces, so the next read finds
    // ours among them, and the changes are not applied a second time (a message counted twice).
    const tried = new Map<string, Plan>();
    let known = this.known.get(user);
    for (let attempt = 0; attempt < stateAttemptsMax; attempt++) {
      // The first attempt starts from the state known here. A refusal or "nothing to write" is
      // only an answer when it comes from a fresh read: a stale state may say "full".
      const stale = known !== undefined;
      const { value, state, rebuilt } = known ? { ...known, rebuilt: false } : await this.readRaw(user);
      known = undefined;
      for (const [nonce, landed] of tried) {
        if (!remembersWrite(state, nonce)) continue;
        await this.writeEachCells(landed);
        return answer(landed, active);
      }
      if (rebuilt && active.some((p) => p.skipWhenRebuilt)) {
        // The count just made from the index already left these changes' entries out: they are
        // done, and must not be applied to a later read of the state either.
        for (const p of active) if (p.skipWhenRebuilt) p.resolve(undefined);
        active = active.filter((p) => !p.skipWhenRebuilt);
        if (active.length === 0) return [];
      }
      const plan = this.plan(user, value, state, active, stale);
      if (!plan) continue;
      if (!plan.next) return answer(plan, active);
      const nonce = randomHex(nonceChars / 2);
      tried.set(nonce, plan);
      const written = stampWrite(plan.next, state, nonce);
      const bytes = encodeState(written);
      const stateCell: CPutCell = { row: usageRow(user), column: stateColumn, expected: value, value: bytes };
      const cells = cellsOf(plan);
      if (cells.length > 0 && this.cluster.fitsCPutAll([stateCell, ...cells])) {
        // One round of replicated writes for the state and its cells. After an unknown outcome
        // the state may have applied alone (a crash between the log entries): the next read
        // finds its nonce, and the cells are written then.
        const { applied, uncertain } = await this.cluster.cputAll([stateCell, ...cells]);
        if (applied) {
          this.remember(user, bytes, written);
          return answer(plan, active);
        }
        this.known.delete(user);
        // A stale state known here is the likely reason: read at once.
        if (uncertain || stale) continue;
        // A cell that no longer holds what its change expects (a delivery's claim taken over)
        // fails that change whatever the state: trying it again would only fail again.
        const refused = await this.refusing(plan.answers);
        if (refused.size > 0) {
          for (const p of refused) p.reject(new PennError('aborted', 'a cell written with the mailbox state changed meanwhile; try again'));
          active = active.filter((p) => !refused.has(p));
          if (active.length === 0) return [];
          continue;
        }
      } else if (await this.cluster.cput(stateCell.row, stateCell.column, value, bytes)) {
        this.remember(user, bytes, written);
        await this.writeEachCells(plan);
        return answer(plan, active);
      } else {
        this.known.delete(user);
      }
      // Another writer changed it at the same moment: a short random pause spreads the retries.
      // A stale state known here is no collision: read at once.
      if (!stale) await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, 2 * (attempt + 1))));
    }
    throw new PennError('aborted', `${user}'s mailbox is being changed too often at once; try again later`);
  }

  /**
   * The changes computed in order on `state`: the state they make and what each answers;
   * undefined when a change refused, or had nothing to write, on a state known here (stale,
   * perhaps): read afresh and plan again. A change whose cells cannot go in one CPutAll with
   * the others' (too many, too large, or naming a cell one of them writes: two deliveries of one
   * Message-ID, its claim taken over) waits for the next round, and so do the changes after it.
   */
  private plan(user: string, value: Buffer, state: MailboxState, active: readonly Pending[], stale: boolean): Plan | undefined {
    const plan: Plan = { next: undefined, answers: [] };
    // What the state cell will weigh in the CPutAll: the state as it is, with room to grow.
    // Made only once a second change is asked to join: a lone change never needs it.
    let stateCell: CPutCell | undefined;
    for (const pending of active) {
      let outcome: ReturnType<StateChange<unknown>>;
      try {
        outcome = pending.change(plan.next ?? state);
      } catch (error) {
        if (stale) return undefined;
        plan.answers.push({ pending, error, cells: [] });
        continue;
      }
      if (!outcome.state) {
        if (stale) return undefined;
        plan.answers.push({ pending, result: outcome.result, cells: [] });
        continue;
      }
      const own = outcome.with ?? [];
      if (plan.next && own.length > 0) {
        stateCell ??= { row: usageRow(user), column: stateColumn, expected: value, value: Buffer.allocUnsafe(value.length + stateGrowthBytes) };
        if (!this.cluster.fitsCPutAll([stateCell, ...cellsOf(plan), ...own])) break;
      }
      plan.next = outcome.state;
      plan.answers.push({ pending, result: outcome.result, cells: own });
    }
    return plan;
  }

  /**
   * Writes each change's cells after the state they go with applied alone (see writeCells): a
   * change whose cell holds something else fails alone, and the others' cells are still
   * written. A store that cannot be reached fails the round (each change would wait for it).
   */
  private async writeEachCells(plan: Plan): Promise<void> {
    for (const a of plan.answers) {
      if (a.cells.length === 0 || 'error' in a) continue;
      try {
        await this.writeCells(a.cells);
      } catch (err) {
        if (!(err instanceof PennError && err.code === 'aborted')) throw err;
        a.error = err;
      }
    }
  }

  /** The changes among these whose own cells fail their expectation now. */
  private async refusing(answers: readonly Answer[]): Promise<Set<Pending>> {
    const refused = new Set<Pending>();
    for (const a of answers) if (a.cells.length > 0 && (await this.refuses(a.cells))) refused.add(a.pending);
    return refused;
  }

  /** Whether one of the cells fails its expectation now. */
  private async refuses(cells: readonly CPutCell[]): Promise<boolean> {
    const values = await Promise.all(cells.map((c) => this.cluster.get(c.row, c.column)));
    return cells.some((c, i) => (c.expected === null ? values[i] !== undefined : !values[i]?.equals(c.expected)));
  }

  /**
   * Writes a change's cells after its state applied: each one unless it already holds its value
   * (the CPutAll applied whole). A cell that holds something else fails the change (aborted);
   * the state keeps counting it, which a recount repairs, as after a crash.
   */
  private async writeCells(cells: readonly CPutCell[]): Promise<void> {
    for (const c of cells) {
      const now = await this.cluster.get(c.row, c.column);
      if (now?.equals(c.value)) continue;
      if (!(await this.cluster.cput(c.row, c.column, c.expected, c.value))) {
        throw new PennError('aborted', `${c.row} ${c.column} changed while it was being written; try again`);
      }
    }
  }

  /** Counts the index, page by page: per folder, entries, unread, bytes, the highest UID and time, and entries without a UID. */
  async countIndex(user: string): Promise<Map<string, IndexCount>> {
    const counts = new Map<string, IndexCount>();
    let after = '';
    for (;;) {
      const page = await this.cluster.listColumnsPage(indexRow(user), { after, limit: namesPerCallMax });
      const entries = page.columns.map((c) => ({ name: c.name, parsed: parseIndexColumn(c.name) })).filter((e) => e.parsed);
      const values = await mapLimit(entries, readsInFlightMax, (e) => this.cluster.get(indexRow(user), e.name));
      entries.forEach((e, i) => {
        const value = values[i];
        const summary = value && decodeIndexValue(value)?.summary;
        if (!summary || !e.parsed) return;
        const c = counts.get(e.parsed.folder) ?? { total: 0, unread: 0, bytes: 0, maxUid: 0, lastMs: 0, withoutUid: 0 };
        c.total++;
        if (summary.unread) c.unread++;
        c.bytes += summary.size;
        c.maxUid = Math.max(c.maxUid, summary.uid ?? 0);
        c.lastMs = Math.max(c.lastMs, messageIdTime(summary.id));
        if (summary.uid === undefined) c.withoutUid++;
        counts.set(e.parsed.folder, c);
      });
      const last = page.columns[page.columns.length - 1];
      if (!page.more || !last) return counts;
      after = last.name;
    }
  }

  /** Counts the index by column names only: entries and the latest time per folder; none has a UID (an old mailbox). */
  private async countNames(user: string): Promise<Map<string, IndexCount>> {
    const counts = new Map<string, IndexCount>();
    let after = '';
    for (;;) {
      const page = await this.cluster.listColumnsPage(indexRow(user), { after, limit: 5000 });
      for (const col of page.columns) {
        const parsed = parseIndexColumn(col.name);
        if (!parsed) continue;
        const c = counts.get(parsed.folder) ?? { total: 0, unread: 0, bytes: 0, maxUid: 0, lastMs: 0, withoutUid: 0 };
        c.total++;
        c.withoutUid++;
        c.lastMs = Math.max(c.lastMs, messageIdTime(parsed.id));
        counts.set(parsed.folder, c);
      }
      const last = page.columns[page.columns.length - 1];
      if (!page.more || !last) return counts;
      after = last.name;
    }
  }

  /** Makes the state from the index where `found` (absent, or not a state) still stands. */
  private async rebuild(user: string, found: Buffer | null): Promise<void> {
    const oldValue = found === null ? await this.cluster.get(usageRow(user), usageColumn) : undefined;
    const old = oldValue && decodeUsage(oldValue);
    const counts = old ? await this.countNames(user) : await this.countIndex(user);
    const base = initialState(this.now());
    const folders: FolderState[] = [...base.folders];
    let nextFolder = base.nextFolder;
    for (const id of counts.keys()) {
      if (folderById(base, id)) continue;
      folders.push({ ...(base.folders[0] as FolderState), id, name: `Recovered ${id}` });
      nextFolder = Math.max(nextFolder, parseInt(id.slice(1), 36) + 1);
    }
    let bytes = 0;
    const state: MailboxState = {
      ...base,
      nextFolder,
      folders: folders.map((f) => {
        const c = counts.get(f.id);
        if (!c) return f;
        bytes += c.bytes;
        // Room below uidNext for every entry still without a UID (assignLegacyUids).
        const uidNext = Math.min(uidMax, Math.max(c.maxUid, 0) + c.withoutUid + 1);
        const pending = old && c.withoutUid > 0 ? { unreadPending: true, legacyChanges: 0 } : {};
        return { ...f, total: c.total, unread: c.unread, uidNext, lastMs: c.lastMs, ...(c.withoutUid ? { legacy: true, oldUidsBelow: uidNext } : {}), ...pending };
      }),
    };
    state.bytes = old ? old.bytes : bytes;
    const made = await this.cluster.cput(usageRow(user), stateColumn, found, encodeState(stampWrite(state, undefined, randomHex(nonceChars / 2))));
    // The old count has served: gone, so that a state lost some day is made again from every
    // summary (whose UIDs it must not reuse), never again from names alone.
    if (made && oldValue) await this.cluster.delete(usageRow(user), usageColumn);
  }

  /**
   * Sets the counts from the index (a repair, after a crash left them high), keeping every
   * folder's names and UIDs. Not exact while other writers change the mailbox.
   */
  async recount(user: string): Promise<MailboxState> {
    const counts = await this.countIndex(user);
    return this.change(user, (s) => {
      let bytes = 0;
      const folders = s.folders.map((f) => {
        const c = counts.get(f.id);
        bytes += c?.bytes ?? 0;
        const { unreadPending: _pending, legacyChanges: _changes, ...rest } = f;
        return { ...rest, total: c?.total ?? 0, unread: c?.unread ?? 0, uidNext: Math.max(f.uidNext, (c?.maxUid ?? 0) + 1), changes: f.changes + 1 };
      });
      const next = { ...s, bytes, folders };
      return { state: next, result: next };
    });
  }

  /**
   * Counts the folder's unread entries from before UIDs into `unread` (see unreadPending in
   * mailbox-state.ts): the entries are read, then the count is added with a CPut only if no
   * such entry changed meanwhile (`legacyChanges`); otherwise it is taken again. Entries with a
   * UID are counted as they change, so they are left out here.
   */
  async countLegacyUnread(user: string, folderId: string): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const start = folderById(await this.read(user), folderId);
      if (!start?.unreadPending) return;
      const mark = start.legacyChanges ?? 0;
      let unread = 0;
      let after = '';
      for (;;) {
        const page = await this.cluster.listColumnsPage(indexRow(user), { after, prefix: `${folderId}/`, limit: namesPerCallMax });
        const values = await mapLimit(page.columns, readsInFlightMax, (c) => this.cluster.get(indexRow(user), c.name));
        for (const v of values) {
          const summary = v && decodeIndexValue(v)?.summary;
          if (summary && summary.uid === undefined && summary.unread) unread++;
        }
        const last = page.columns[page.columns.length - 1];
        if (!page.more || !last) break;
        after = last.name;
      }
      const done = await this.change(user, (s) => {
        const f = folderById(s, folderId);
        if (!f?.unreadPending) return { state: undefined, result: true };
        if ((f.legacyChanges ?? 0) !== mark) return { state: undefined, result: false };
        const folders = s.folders.map((x) => {
          if (x.id !== folderId) return x;
          const { unreadPending: _pending, legacyChanges: _changes, ...rest } = x;
          return { ...rest, unread: x.unread + unread, changes: x.changes + 1 };
        });
        return { state: { ...s, folders }, result: true };
      });
      if (done) return;
    }
  }

  /**
   * Gives a UID to every entry of the folder that has none (mailboxes from before UIDs), in id
   * order: each one past the UID of the entry before it. Several processes may do it at once:
   * an entry takes its UID with a CPut, and whoever loses reads the winner's. Every entry
   * without a UID dates from before the state, so there are at most as many as the room left
   * below uidNext when it was made; the UIDs stay below it and grow with the ids.
   */
  async assignLegacyUids(user: string, folderId: string): Promise<void> {
    await this.countLegacyUnread(user, folderId);
    let state = await this.read(user);
    // Old entries kept changing while they were counted: count everything instead (entries
    // that get a UID below are counted as they change from then on).
    if (folderById(state, folderId)?.unreadPending) state = await this.recount(user);
    if (!folderById(state, folderId)?.legacy) return;
    const row = indexRow(user);
    let previous = 0;
    let after = '';
    for (;;) {
      const page = await this.cluster.listColumnsPage(row, { after, prefix: `${folderId}/`, limit: namesPerCallMax });
      for (const c of page.columns) {
        for (let attempt = 0; attempt < 10; attempt++) {
          const value = await this.cluster.get(row, c.name);
          const entry = value && decodeIndexValue(value);
          if (!value || !entry) break;
          if (entry.summary.uid !== undefined) {
            previous = entry.summary.uid;
            break;
          }
          const uid = previous + 1;
          if (await this.cluster.cput(row, c.name, value, encodeIndexValue({ ...entry.summary, uid }, entry.inlineRaw))) {
            previous = uid;
            break;
          }
        }
      }
      const last = page.columns[page.columns.length - 1];
      if (!page.more || !last) break;
      after = last.name;
    }
    await this.change(user, (s) => {
      const folders = s.folders.map((f) => {
        if (f.id !== folderId || !f.legacy) return f;
        const { legacy: _legacy, ...rest } = f;
        return { ...rest, changes: f.changes + 1 };
      });
      return { state: folders.some((f, i) => f !== s.folders[i]) ? { ...s, folders } : undefined, result: undefined };
    });
  }
}

export interface IndexCount {
  total: number;
  unread: number;
  bytes: number;
  maxUid: number;
  lastMs: number;
  withoutUid: number;
}

/** The system folders' ids, for callers that walk them. */
export const systemFolderIds: readonly string[] = systemFolders.map((f) => f.id);
