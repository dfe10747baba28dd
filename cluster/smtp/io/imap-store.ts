// The IMAP storage port (core/imap/ports.ts) over the folder model the webmail and POP3 use
// (cluster/model/mail/mail-folders.ts), for one logged-in user. So flags, folders and UIDs are
// the same whichever way mail is read: a message read on the phone is read in the browser.
//
// Names and ids: the session speaks folder names ("Projects/2026"); the model keys folders by id
// (inbox, f3). Each call resolves the name against the mailbox state as it is now, by name only
// (a folder named "f3" is not the folder whose id is f3).
//
// The selected folder's listing (UID → message id, flags, size) is cached with the folder's
// change counter read before it was taken: while the counter stays put the listing is still
// true, so an IDLE poll or a NOOP costs one small read. When the counter moved, the folder is
// listed again in one pass of readColumns over its index columns (mail-search.ts scan). After
// this session's own flag changes and expunges, the cached listing is patched instead, when the
// counter moved by exactly as many steps as those changes took (nobody else wrote meanwhile).
//
// A delivery counts its message into the folder (moving the counter) before it writes the
// message's entry, so a listing taken between the two misses a message the counter already
// covers. Such a listing is short of the folder's total: it is not cached, and `changes`
// answers a new value at each probe until a listing comes out whole (or settleMs passes, for a
// total a crash left too high), so the session lists again and reports the message.
//
// An APPEND to Sent of a message the daemon already saved there when it went out over SMTP
// (the same Message-ID among the newest of Sent) stores nothing and answers that copy's UID:
// clients that save their own Sent copy, as Thunderbird does, would otherwise keep two.
//
// Errors: FolderError codes become ImapStoreError codes ('limit' → 'cannot'), a full mailbox
// 'over-quota'; anything else is left to the session, which answers NO [UNAVAILABLE].
import { MailFolders, type Transferred } from '../../model/mail/mail-folders.ts';
import { MailSearch, type SearchField } from '../../model/mail/mail-search.ts';
import { flagsOf, type MessageFlag, type MessageSummary } from '../../model/mail/mailbox.ts';
import { folderById, folderByName, FolderError, roleOf, type FolderState } from '../../model/mail/mailbox-state.ts';
import { QuotaFull } from '../../model/mail/mailbox-store.ts';
import { headerEnd } from '../../model/mail/message-text.ts';
import { ImapStoreError, type FlagMode, type FolderInfo, type ImapStore, type MessageMeta, type SystemFlag, type TextCriterion, type UidMapping } from '../core/imap/ports.ts';

interface Listing {
  /** The name it was listed under (a rename ends the selection: the session says BYE). */
  name: string;
  folderId: string;
  uidValidity: number;
  changes: number;
  metas: MessageMeta[];
  ids: Map<number, string>;
}

/** How many of the newest messages of Sent an APPEND to Sent looks through for the daemon's own copy. */
const sentCopyLookback = 20;

/** How long a folder whose listing stays short of its total is listed again at every probe. */
const settleMs = 10_000;

const searchedFields: ReadonlySet<string> = new Set<SearchField>(['from', 'to', 'cc', 'subject', 'body', 'text']);

export class ImapMailStore implements ImapStore {
  private listing: Listing | null = null;
  /** The folder whose last listing was short of its total (see above), since when. */
  private unsettled: { folderId: string; sinceMs: number } | null = null;
  /** Distinct answers of `changes` while unsettled: negative, so never a real counter. */
  private probes = 0;

  constructor(
    private readonly folders_: MailFolders,
    private readonly search: MailSearch,
    private readonly user: string,
    private readonly messageBytesMax: number,
    private readonly now: () => number = Date.now,
  ) {}

  async folders(): Promise<FolderInfo[]> {
    const list = await this.folders_.listFolders(this.user);
    return list.map((f) => ({ name: f.name, role: f.role, uidValidity: f.uidValidity, uidNext: f.uidNext, total: f.total, unread: f.unread, changes: f.changeCounter }));
  }

  async createFolder(name: string): Promise<void> {
    await mapped(() => this.folders_.createFolder(this.user, name));
  }

  async renameFolder(from: string, to: string): Promise<void> {
    const f = await this.folder(from);
    await mapped(() => this.folders_.renameFolder(this.user, f.id, to));
  }

  async deleteFolder(name: string): Promise<void> {
    const f = await this.folder(name);
    await mapped(() => this.folders_.deleteFolder(this.user, f.id));
  }

  async messages(folder: string): Promise<MessageMeta[]> {
    // Copies: the session keeps what it was handed as what its client was told, and the cached
    // listing changes under it (patch below).
    return (await this.list(await this.folder(folder))).metas.map((m) => ({ ...m }));
  }

  async read(folder: string, uid: number): Promise<Buffer | undefined> {
    // FETCH reads message after message of the selected folder: its listing names the folder
    // and the message, so a read is the message's own Get (and its chunks), nothing more.
    const cached = this.listing;
    const known = cached && cached.name === folder ? cached.ids.get(uid) : undefined;
    if (cached && known !== undefined) return (await this.folders_.mailbox.read(this.user, cached.folderId, known))?.raw;
    const f = await this.folder(folder);
    const id = (await this.idsOf(f, [uid])).get(uid);
    if (id === undefined) return undefined;
    return (await this.folders_.mailbox.read(this.user, f.id, id))?.raw;
  }

  async append(folder: string, raw: Buffer, flags: readonly SystemFlag[], internalDate: Date): Promise<{ uidValidity: number; uid: number }> {
    if (raw.length > this.messageBytesMax) throw new ImapStoreError('too-big', `Messages may be at most ${this.messageBytesMax} octets`);
    const f = await this.folder(folder);
    if (roleOf(f) === 'sent') {
      const saved = await this.savedSentCopy(f, raw);
      if (saved !== undefined) return { uidValidity: f.uidValidity, uid: saved };
    }
    const stored = await mapped(() => this.folders_.append(this.user, f.id, raw, flags, internalDate));
    return { uidValidity: stored.uidValidity, uid: stored.uid };
  }

  async setFlags(folder: string, uids: readonly number[], mode: FlagMode, flags: readonly SystemFlag[]): Promise<void> {
    const f = await this.folder(folder);
    const ids = await this.idsOf(f, uids);
    if (ids.size === 0) return;
    const done = await mapped(() => this.folders_.setFlags(this.user, f.id, [...ids.values()], mode, flags as readonly MessageFlag[]));
    await this.patch(f, (listing) => {
      const byId = new Map(done.map((s) => [s.id, s]));
      let steps = 0;
      for (const meta of listing.metas) {
        const now = byId.get(listing.ids.get(meta.uid) ?? '');
        if (!now) continue;
        const flagsNow = flagsOf(now) as SystemFlag[];
        if (flagsNow.join() === meta.flags.join()) continue;
        meta.flags = flagsNow;
        steps++;
      }
      return steps;
    });
  }

  async copy(from: string, uids: readonly number[], to: string): Promise<UidMapping> {
    return this.transfer(from, uids, to, false);
  }

  async move(from: string, uids: readonly number[], to: string): Promise<UidMapping> {
    return this.transfer(from, uids, to, true);
  }

  async expunge(folder: string, uids: readonly number[]): Promise<void> {
    const f = await this.folder(folder);
    const ids = await this.idsOf(f, uids);
    if (ids.size === 0) return;
    const removed = await this.folders_.expunge(this.user, f.id, [...ids.values()]);
    await this.patch(f, (listing) => {
      const gone = new Set(ids.keys());
      listing.metas = listing.metas.filter((m) => !gone.has(m.uid));
      for (const uid of gone) listing.ids.delete(uid);
      return removed;
    });
  }

  async changes(folder: string): Promise<number> {
    const f = await this.folder(folder);
    return this.settling(f.id) ? -++this.probes : f.changes;
  }

  async searchText(folder: string, criterion: TextCriterion, uids: readonly number[]): Promise<ReadonlySet<number> | undefined> {
    if (criterion.key === 'header' || !searchedFields.has(criterion.key)) return undefined;
    const f = await this.folder(folder);
    return this.search.matchingUids(this.user, f.id, criterion.key as SearchField, criterion.value, new Set(uids));
  }

  // ---- Inside ----

  /** The folder of this name as the mailbox state has it now; 'nonexistent' when there is none. */
  private async folder(name: string): Promise<FolderState> {
    const f = folderByName(await this.folders_.mailbox.state.read(this.user), name);
    if (!f) throw new ImapStoreError('nonexistent', 'No such folder');
    return f;
  }

  /** The folder's listing in UID order: the cached one while its change counter stays put. */
  private async list(f: FolderState): Promise<Listing> {
    const cached = this.listing;
    if (cached && cached.folderId === f.id && cached.uidValidity === f.uidValidity && cached.changes === f.changes) return cached;
    // Entries from before UIDs get theirs first (the webmail counts them lazily; IMAP needs them now).
    if (f.legacy || f.unreadPending) await this.folders_.mailbox.state.assignLegacyUids(this.user, f.id);
    const summaries: MessageSummary[] = [];
    const complete = await this.search.scan(this.user, f.id, (entry) => {
      if (entry.summary.uid !== undefined) summaries.push(entry.summary);
    });
    const metas: MessageMeta[] = [];
    const ids = new Map<number, string>();
    if (complete) {
      summaries.sort((a, b) => (a.uid as number) - (b.uid as number));
      for (const s of summaries) {
        metas.push({ uid: s.uid as number, flags: flagsOf(s) as SystemFlag[], size: s.size, internalDate: new Date(s.receivedAt) });
        ids.set(s.uid as number, s.id);
      }
    } else {
      // Past the search's byte budget (a folder of very many inline messages): page by page.
      for (const m of await this.folders_.messages(this.user, f.id)) {
        metas.push({ uid: m.uid, flags: m.flags as SystemFlag[], size: m.size, internalDate: m.internalDate });
        ids.set(m.uid, m.id);
      }
    }
    // The counter read before the listing: a change made meanwhile shows as a moved counter next
    // time. A listing short of the total is used once and not kept (see above).
    const listing = { name: f.name, folderId: f.id, uidValidity: f.uidValidity, changes: f.changes, metas, ids };
    const u = this.unsettled;
    this.unsettled = metas.length < f.total ? { folderId: f.id, sinceMs: u?.folderId === f.id ? u.sinceMs : this.now() } : null;
    this.listing = this.settling(f.id) ? null : listing;
    return listing;
  }

  /** Whether this folder's last listing was short of its total, less than settleMs ago. */
  private settling(folderId: string): boolean {
    const u = this.unsettled;
    return u !== null && u.folderId === folderId && this.now() - u.sinceMs < settleMs;
  }

  /**
   * The UID of the Sent copy the daemon saved of this message, if it did. A client that sends
   * through our SMTP and then saves its own copy to Sent (Thunderbird does by default) would
   * otherwise leave two: the daemon keeps the sender's copy already (delivery.ts). Its copy is
   * among the newest few of Sent, with the same Message-ID.
   */
  private async savedSentCopy(sent: FolderState, raw: Buffer): Promise<number | undefined> {
    const wanted = messageIdOf(raw);
    if (wanted === undefined) return undefined;
    const newest = await this.folders_.mailbox.list(this.user, sent.id, sentCopyLookback);
    return newest.find((s) => s.uid !== undefined && bareMessageId(s.messageId) === wanted)?.uid;
  }

  /** Message ids of these UIDs (those still there): from the cached listing when it has them all. */
  private async idsOf(f: FolderState, uids: readonly number[]): Promise<Map<number, string>> {
    const cached = this.listing;
    if (cached && cached.folderId === f.id && cached.uidValidity === f.uidValidity) {
      const found = new Map<number, string>();
      for (const uid of uids) {
        const id = cached.ids.get(uid);
        if (id !== undefined) found.set(uid, id);
      }
      // A UID the listing does not know may have arrived since: ask the store.
      if (found.size === uids.length) return found;
    }
    return this.folders_.idsOfUids(this.user, f.id, uids);
  }

  /**
   * Applies this session's own change to the cached listing (taken when the folder's counter was
   * `before`), and keeps it as current when the counter moved by exactly the steps the change
   * took — nobody else wrote meanwhile; otherwise the next look lists the folder again.
   */
  private async patch(before: FolderState, apply: (listing: Listing) => number): Promise<void> {
    const cached = this.listing;
    if (!cached || cached.folderId !== before.id || cached.uidValidity !== before.uidValidity || cached.changes !== before.changes) return;
    const steps = apply(cached);
    const now = folderById(await this.folders_.mailbox.state.read(this.user), before.id);
    if (now && now.changes === before.changes + steps) cached.changes = now.changes;
  }

  private async transfer(from: string, uids: readonly number[], to: string, move: boolean): Promise<UidMapping> {
    const source = await this.folder(from);
    const target = await this.folder(to);
    const ids = await this.idsOf(source, uids);
    const done: Transferred = await mapped(() => (move ? this.folders_.move(this.user, source.id, [...ids.values()], target.id) : this.folders_.copy(this.user, source.id, [...ids.values()], target.id)));
    const pairs = done.moved.filter((m) => m.uid !== undefined).map((m) => [m.uid as number, m.newUid] as [number, number]);
    pairs.sort((a, b) => a[0] - b[0]);
    if (move) this.listing = null;
    return { uidValidity: done.uidValidity, pairs };
  }
}

/** The Message-ID field's value without its angle brackets; undefined when there is none. */
export function messageIdOf(raw: Buffer): string | undefined {
  const head = raw.subarray(0, headerEnd(raw)).toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const field = /^message-id[ \t]*:(.*)$/im.exec(head);
  const id = field ? bareMessageId(field[1] as string) : '';
  return id === '' ? undefined : id;
}

function bareMessageId(text: string): string {
  return text.trim().replace(/^<(.*)>$/, '$1').trim();
}

/** Runs a model call, turning what it refused into what an IMAP client hears. */
async function mapped<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof FolderError) throw new ImapStoreError(err.code === 'limit' ? 'cannot' : err.code, err.message);
    if (err instanceof QuotaFull) throw new ImapStoreError('over-quota', 'The mailbox is full: delete some mail first');
    throw err;
  }
}
