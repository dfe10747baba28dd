// Folders and what moves between them, for IMAP and the webmail, over the mailbox store
// (mailbox-store.ts; layout and the UID rules: mailbox.ts). Folders are named as a person and
// IMAP see them ("Projects/2026", levels split by "/"), and known inside by ids (inbox, drafts,
// sent, junk, trash, f<n>) that the URLs and index columns use.
//
// Moving a message writes its entry in the target folder first (a new id and UID, the same
// bytes: inline in the entry, or another reference to the same body) and then deletes the old
// one, so a crash midway leaves it in both folders, never in neither; its bytes are counted in
// at the start and out at the end (a move is not a new copy for the quota). Copying counts the
// bytes once more, against the quota. Deleting from a folder moves to Trash; from Trash it is
// final. Trash keeps a message mail.trashRetentionMs after it was put there (its id's time):
// purgeTrash takes out the older ones, and sweepTrashIfDue runs it at most once per
// mail.trashSweepIntervalMs per mailbox when the mailbox is opened (its folders listed), so
// no process has to walk every user; a mailbox nobody opens keeps its old Trash, counted
// against its own quota.
import { mapLimit } from './chunks.ts';
import { decodeIndexValue, flagsOf, indexColumn, indexRow, refColumn, refsRow, withFlags, type Folder, type MessageFlag, type MessageSummary } from './mailbox.ts';
import {
  addFolder,
  folderById,
  folderByName,
  FolderError,
  removeFolder,
  renameFolder,
  roleOf,
  specialUse,
  type CountChange,
  type FolderLimits,
  type FolderRole,
  type FolderState,
  type MailboxState,
} from './mailbox-state.ts';
import { bodyRowOf, idFor, MailboxStore, QuotaFull } from './mailbox-store.ts';
import { messageIdTime } from './message-id.ts';
import { toCrlf } from './message-text.ts';

/** Index reads and writes in flight for one request over many messages. */
const inFlightMax = 16;
/** Messages one move, copy, flag change or expunge takes at a time (each batch one state CPut each way). */
const batchMax = 500;

export interface FolderInfo {
  /** The URL-safe id: inbox, drafts, sent, junk, trash, or f<n>. */
  id: string;
  /** The name as shown, levels split by "/". */
  name: string;
  role: FolderRole;
  /** RFC 6154: \Drafts \Sent \Junk \Trash, or null. */
  specialUse: string | null;
  uidValidity: number;
  uidNext: number;
  total: number;
  unread: number;
  changeCounter: number;
}

export interface MessageMeta {
  uid: number;
  id: string;
  flags: MessageFlag[];
  size: number;
  internalDate: Date;
}

export interface Transferred {
  /** The target folder's UIDVALIDITY (RFC 4315 COPYUID). */
  uidValidity: number;
  /** Per message done, in the order asked: its old id and UID, and its new ones in the target. */
  moved: { id: string; uid: number | undefined; newId: string; newUid: number }[];
}

export interface FolderSettings extends FolderLimits {
  quotaBytes: number;
  trashRetentionMs: number;
  trashSweepIntervalMs: number;
}

export type FlagMode = 'add' | 'remove' | 'replace';

export class MailFolders {
  /** Counts of old unread messages under way in this process (user/folder). */
  private readonly counting = new Set<string>();

  constructor(
    readonly mailbox: MailboxStore,
    private readonly settings: FolderSettings,
    private readonly now: () => number = Date.now,
  ) {}

  // ---- Folders ----

  /** Every folder with its counts, system folders first; sweeps Trash when it is due. */
  async listFolders(user: string): Promise<FolderInfo[]> {
    const state = await this.mailbox.state.read(user);
    this.settleInBackground(user, state);
    const system = state.folders.filter((f) => roleOf(f) !== null);
    const own = state.folders.filter((f) => roleOf(f) === null).sort((a, b) => a.name.localeCompare(b.name));
    return [...system, ...own].map(infoOf);
  }

  /** One folder by id or name; undefined when there is none. */
  async folder(user: string, idOrName: string): Promise<FolderInfo | undefined> {
    const state = await this.mailbox.state.read(user);
    const f = folderById(state, idOrName) ?? folderByName(state, idOrName);
    return f && infoOf(f);
  }

  /** The folder's change counter: one small read, for an IMAP IDLE loop. */
  async changeCounter(user: string, folder: Folder): Promise<number> {
    const f = folderById(await this.mailbox.state.read(user), folder);
    if (!f) throw new FolderError('nonexistent', 'The folder does not exist (any more).');
    return f.changes;
  }

  async createFolder(user: string, name: string): Promise<FolderInfo> {
    const id = await this.mailbox.state.change(user, (s) => {
      const made = addFolder(s, name, this.settings, this.now());
      return { state: made.state, result: made.folder.id };
    });
    return (await this.folder(user, id)) as FolderInfo;
  }

  /** Renames a user folder (by id or name) and the folders under it; FolderError when it cannot. */
  async renameFolder(user: string, from: string, to: string): Promise<void> {
    await this.mailbox.state.change(user, (s) => ({ state: renameFolder(s, nameOf(s, from), to, this.settings), result: undefined }));
  }

  /** Deletes an empty user folder (by id or name): one that holds messages is refused, to be emptied first. */
  async deleteFolder(user: string, folder: string): Promise<void> {
    const state = await this.mailbox.state.read(user);
    const f = folderById(state, folder) ?? folderByName(state, folder);
    // A count can be high after a crash: a folder that looks full but lists empty is recounted.
    if (f && f.total > 0 && roleOf(f) === null && (await this.mailbox.listing.ids(user, f.id)).length === 0) await this.mailbox.state.recount(user);
    await this.mailbox.state.change(user, (s) => ({ state: removeFolder(s, nameOf(s, folder)), result: undefined }));
  }

  // ---- Messages ----

  /**
   * A folder's messages in UID order, a page at a time (`pageSize` entries, so memory stays
   * bounded however large the folder). Entries from before UIDs get theirs first.
   */
  async *messagePages(user: string, folder: Folder, pageSize = 1000): AsyncGenerator<MessageMeta[]> {
    await this.requireFolder(user, folder);
    await this.mailbox.state.assignLegacyUids(user, folder);
    for await (const ids of this.mailbox.listing.idPages(user, folder, pageSize)) {
      const summaries = await this.mailbox.summaries(user, folder, ids);
      yield summaries.filter((s) => s.uid !== undefined).map(metaOf);
    }
  }

  /** All of a folder's messages in UID order (up to about 100,000: a few MB). */
  async messages(user: string, folder: Folder): Promise<MessageMeta[]> {
    const all: MessageMeta[] = [];
    for await (const page of this.messagePages(user, folder)) all.push(...page);
    return all;
  }

  /** The ids of these UIDs in the folder (those still there). The UID is in each id, checked against its summary. */
  async idsOfUids(user: string, folder: Folder, uids: readonly number[]): Promise<Map<number, string>> {
    const wanted = new Set(uids);
    const candidates: string[] = [];
    await this.mailbox.listing.forEachIdPage(user, folder, async (ids) => {
      for (const id of ids) if (wanted.has(parseInt(id.slice(10, 18), 16))) candidates.push(id);
    });
    const found = new Map<number, string>();
    for (const s of await this.mailbox.summaries(user, folder, candidates)) if (s.uid !== undefined && wanted.has(s.uid)) found.set(s.uid, s.id);
    // Entries that got their UID late (from before UIDs) do not carry it in their id: they are
    // the folder's first entries, read until the UIDs pass theirs.
    const below = folderById(await this.mailbox.state.read(user), folder)?.oldUidsBelow ?? 0;
    if (![...wanted].some((u) => u < below && !found.has(u))) return found;
    for await (const page of this.messagePages(user, folder)) {
      for (const m of page) if (wanted.has(m.uid)) found.set(m.uid, m.id);
      if ((page[page.length - 1]?.uid ?? 0) >= below) break;
    }
    return found;
  }

  /** The raw message with this UID, or undefined. */
  async readByUid(user: string, folder: Folder, uid: number): Promise<{ summary: MessageSummary; raw: Buffer } | undefined> {
    const id = (await this.idsOfUids(user, folder, [uid])).get(uid);
    return id === undefined ? undefined : this.mailbox.read(user, folder, id);
  }

  /** Stores a message in a folder with these flags (IMAP APPEND, drafts); QuotaFull past the quota. */
  async append(user: string, folder: Folder, raw: Buffer, flags: readonly MessageFlag[], internalDate: Date = new Date(this.now())): Promise<{ uidValidity: number; uid: number; id: string }> {
    const f = await this.requireFolder(user, folder);
    const summary = await this.mailbox.store(user, folder, toCrlf(raw), { unread: !flags.includes('\\Seen'), flags, receivedAt: internalDate, quotaBytes: this.settings.quotaBytes });
    return { uidValidity: f.uidValidity, uid: summary.uid as number, id: summary.id };
  }

  /** Changes the flags of these messages (missing ones skipped); the summaries as they now are. */
  async setFlags(user: string, folder: Folder, ids: readonly string[], mode: FlagMode, flags: readonly MessageFlag[]): Promise<MessageSummary[]> {
    const change = (current: MessageFlag[]): MessageFlag[] =>
      mode === 'replace' ? [...flags] : mode === 'add' ? [...current, ...flags] : current.filter((f) => !flags.includes(f));
    const done = await mapLimit(ids, inFlightMax, (id) => this.mailbox.changeFlags(user, folder, id, change));
    return done.filter((s): s is MessageSummary => s !== undefined);
  }

  /** Copies messages into `to` (their flags too), counted against the quota; QuotaFull when they do not fit. */
  async copy(user: string, from: Folder, ids: readonly string[], to: Folder): Promise<Transferred> {
    return this.transfer(user, from, ids, to, false);
  }

  /** Moves messages into `to`: the same as copy, then removed from `from`; the quota does not change. */
  async move(user: string, from: Folder, ids: readonly string[], to: Folder): Promise<Transferred> {
    return this.transfer(user, from, ids, to, true);
  }

  /** Removes messages for good; answers how many were there. */
  async expunge(user: string, folder: Folder, ids: readonly string[]): Promise<number> {
    const done = await mapLimit(ids, inFlightMax, (id) => this.mailbox.remove(user, folder, id));
    return done.filter(Boolean).length;
  }

  /** Deletes a message as a person means it: to Trash, or for good when it is in Trash. The new id in Trash, or null when gone for good; undefined when there was no such message. */
  async deleteMessage(user: string, folder: Folder, id: string): Promise<string | null | undefined> {
    if (folder === 'trash') return (await this.mailbox.remove(user, folder, id)) ? null : undefined;
    const moved = await this.move(user, folder, [id], 'trash');
    return moved.moved[0]?.newId;
  }

  /** Removes every message of a folder (Empty Trash); answers how many. */
  async emptyFolder(user: string, folder: Folder): Promise<number> {
    await this.requireFolder(user, folder);
    let removed = 0;
    await this.mailbox.listing.forEachIdPage(
      user,
      folder,
      async (ids) => {
        removed += await this.expunge(user, folder, ids);
      },
      batchMax,
    );
    return removed;
  }

  /** Removes from Trash the messages put there more than `olderThanMs` ago (their ids' time); answers how many. */
  async purgeTrash(user: string, olderThanMs: number): Promise<number> {
    const cutoff = this.now() - olderThanMs;
    let removed = 0;
    const old: string[] = [];
    await this.mailbox.listing.forEachIdPage(
      user,
      'trash',
      async (ids) => {
        // Ids sort by their time: everything after the first young one is young too.
        for (const id of ids) if (messageIdTime(id) < cutoff) old.push(id);
        if (old.length) removed += await this.expunge(user, 'trash', old.splice(0));
      },
      batchMax,
    );
    return removed;
  }

  /**
   * What opening a mailbox starts in the background: the Trash sweep when due, and the count of
   * unread messages from before UIDs (state-cell.ts countLegacyUnread) where it was not taken
   * yet — once per folder at a time in this process.
   */
  settleInBackground(user: string, state: MailboxState): void {
    this.sweepTrashIfDue(user, state);
    for (const f of state.folders) {
      const key = `${user}/${f.id}`;
      if (!f.unreadPending || this.counting.has(key)) continue;
      this.counting.add(key);
      void this.mailbox.state
        .countLegacyUnread(user, f.id)
        .catch(() => {
          // Taken again the next time the mailbox is opened.
        })
        .finally(() => this.counting.delete(key));
    }
  }

  /** Runs purgeTrash in the background when this mailbox's Trash was last swept long enough ago. */
  sweepTrashIfDue(user: string, state: MailboxState): void {
    const nowMs = this.now();
    if (nowMs - state.trashSweptMs < this.settings.trashSweepIntervalMs) return;
    void (async () => {
      // Claimed with the CPut: of two frontends opening the mailbox at once, one sweeps.
      const claimed = await this.mailbox.state.change(user, (s) => (nowMs - s.trashSweptMs < this.settings.trashSweepIntervalMs ? { state: undefined, result: false } : { state: { ...s, trashSweptMs: nowMs }, result: true }));
      if (claimed && (folderById(state, 'trash')?.total ?? 0) > 0) await this.purgeTrash(user, this.settings.trashRetentionMs);
    })().catch(() => {
      // A sweep that fails (storage recovering) is tried again at the next due time.
    });
  }

  /**
   * Saves a draft: a new message in Drafts with \Draft and \Seen, then the draft it replaces
   * (when given, and still there) removed. Answers the new draft's id and UID.
   */
  async saveDraft(user: string, raw: Buffer, replaces?: string): Promise<{ id: string; uid: number }> {
    const saved = await this.append(user, 'drafts', raw, ['\\Seen', '\\Draft']);
    if (replaces !== undefined && replaces !== saved.id) await this.mailbox.remove(user, 'drafts', replaces);
    return { id: saved.id, uid: saved.uid };
  }

  // ---- Inside ----

  private async requireFolder(user: string, folder: Folder): Promise<{ uidValidity: number }> {
    const f = folderById(await this.mailbox.state.read(user), folder);
    if (!f) throw new FolderError('nonexistent', 'The folder does not exist (any more).');
    return f;
  }

  private async transfer(user: string, from: Folder, ids: readonly string[], to: Folder, move: boolean): Promise<Transferred> {
    await this.requireFolder(user, from);
    const target = await this.requireFolder(user, to);
    const result: Transferred = { uidValidity: target.uidValidity, moved: [] };
    if (from === to && move) return result;
    const unique = [...new Set(ids)];
    for (let at = 0; at < unique.length; at += batchMax) result.moved.push(...(await this.transferBatch(user, from, unique.slice(at, at + batchMax), to, move)));
    return result;
  }

  private async transferBatch(user: string, from: Folder, ids: readonly string[], to: Folder, move: boolean): Promise<Transferred['moved']> {
    const row = indexRow(user);
    const values = await mapLimit(ids, inFlightMax, (id) => this.mailbox.client.get(row, indexColumn(from, id)));
    const entries = values.map((v, i) => ({ id: ids[i] as string, entry: v && decodeIndexValue(v) })).filter((e) => e.entry) as { id: string; entry: NonNullable<ReturnType<typeof decodeIndexValue>> }[];
    if (entries.length === 0) return [];
    const incoming: CountChange[] = entries.map(({ entry }) => ({ folder: to, total: 1, unread: entry.summary.unread ? 1 : 0, bytes: entry.summary.size }));
    const slot = await this.mailbox.reserve(user, incoming, move ? undefined : this.settings.quotaBytes, this.now(), entries.length);
    if (!slot) throw new QuotaFull(user);
    const moved = await mapLimit(entries.map((e, i) => ({ ...e, i })), inFlightMax, async ({ id, entry, i }) => {
      const newUid = slot.uids[i] as number;
      const newId = idFor(slot.times[i] as number, newUid);
      const old = entry.summary;
      const summary: MessageSummary = withFlags({ ...old, id: newId, folder: to, uid: newUid }, flagsOf(old));
      // Into Trash, it remembers where it came from (for Restore); out of Trash, it forgets.
      if (to === 'trash') summary.trashedFrom = from === 'trash' ? old.trashedFrom : from;
      else delete summary.trashedFrom;
      if (old.chunks > 0) {
        // The new entry shares the body: a reference of its own first (then the old entry's
        // deletion leaves the chunks alone). An entry from before shared bodies names its own row.
        const body = bodyRowOf(user, old);
        await this.mailbox.client.put(refsRow(body), refColumn(user, to, newId), Buffer.alloc(0));
        summary.body = body;
      }
      await this.mailbox.commit(user, summary, entry.inlineRaw);
      return { id, uid: old.uid, newId, newUid, old };
    });
    if (move) {
      const gone = await mapLimit(moved, inFlightMax, async (m) => {
        // Not the old entry's chunks: the new entry refers to them now.
        await this.mailbox.client.delete(row, indexColumn(from, m.id));
        if (m.old.chunks > 0 && m.old.body !== undefined) await this.mailbox.client.delete(refsRow(m.old.body), refColumn(user, from, m.id));
        return { folder: from, total: 1, unread: m.old.unread ? 1 : 0, bytes: m.old.size, legacy: m.old.uid === undefined } satisfies CountChange;
      });
      await this.mailbox.release(user, gone);
    }
    return moved.map(({ id, uid, newId, newUid }) => ({ id, uid, newId, newUid }));
  }
}

function infoOf(f: FolderState): FolderInfo {
  const role = roleOf(f);
  return { id: f.id, name: f.name, role, specialUse: specialUse(role), uidValidity: f.uidValidity, uidNext: f.uidNext, total: f.total, unread: f.unread, changeCounter: f.changes };
}

function metaOf(s: MessageSummary): MessageMeta {
  return { uid: s.uid as number, id: s.id, flags: flagsOf(s), size: s.size, internalDate: new Date(s.receivedAt) };
}

/** A folder's name from its id or name (for the state's name-based changes). */
function nameOf(state: MailboxState, idOrName: string): string {
  return folderById(state, idOrName)?.name ?? idOrName;
}
