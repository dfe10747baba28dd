// The mailbox state cell (`<user>#mail-usage`, column `state`): one small JSON value per user
// holding what the whole mailbox needs to agree on — its folders (names, IMAP UIDVALIDITY and
// UIDNEXT, message and unread counts, a change counter) and the bytes counted against the
// quota. Pure: the codec and the changes; state-cell.ts reads and CPuts it. Why one cell and
// how UIDs stay unique is in mailbox.ts's header.
import { z } from 'zod';

/** System folders: their ids (also their URL form and index prefix), names and IMAP roles. */
export const systemFolders = [
  { id: 'inbox', name: 'Inbox', role: 'inbox' },
  { id: 'drafts', name: 'Drafts', role: 'drafts' },
  { id: 'sent', name: 'Sent', role: 'sent' },
  { id: 'junk', name: 'Junk', role: 'junk' },
  { id: 'trash', name: 'Trash', role: 'trash' },
] as const;

export type SystemFolderId = (typeof systemFolders)[number]['id'];
export type FolderRole = SystemFolderId | null;

/** A folder id: a system folder's, or `f` and a base-36 number for a user's folder (never reused). */
export const folderIdPattern = /^(inbox|drafts|sent|junk|trash|f[0-9a-z]{1,8})$/;

export function isFolderId(value: string): boolean {
  return folderIdPattern.test(value);
}

/** IMAP's special-use attribute (RFC 6154) of a role; the inbox has none. */
export function specialUse(role: FolderRole): string | null {
  return role === 'drafts' ? '\\Drafts' : role === 'sent' ? '\\Sent' : role === 'junk' ? '\\Junk' : role === 'trash' ? '\\Trash' : null;
}

/** UIDs and UIDVALIDITY are 32-bit unsigned numbers in IMAP (RFC 3501 §9 nz-number). */
export const uidMax = 0xffff_ffff;

const count = z.number().int().min(0);
const folderStateSchema = z.object({
  id: z.string().regex(folderIdPattern),
  name: z.string().min(1).max(1000),
  uidValidity: z.number().int().min(1).max(uidMax),
  /** Greater than every UID this folder gave out; only grows. */
  uidNext: z.number().int().min(1).max(uidMax),
  total: count,
  unread: count,
  /** Moves on with every change to the folder's messages (MODSEQ-like). */
  changes: count,
  /** The arrival time (ms) of the last id given out here: ids grow with UIDs (mailbox.ts). */
  lastMs: count,
  /** Entries from before UIDs existed may still lack one (state-cell.ts assigns them). */
  legacy: z.boolean().optional(),
  /**
   * The unread entries from before UIDs are not counted in `unread` yet (state-cell.ts counts
   * them once, after the state was made from an old count); `legacyChanges` moves on with every
   * change to such an entry meanwhile, so the count is taken only if none came in between.
   */
  unreadPending: z.boolean().optional(),
  /** UIDs below this may belong to entries from before UIDs, whose ids do not carry them. */
  oldUidsBelow: count.optional(),
  legacyChanges: count.optional(),
});
export type FolderState = z.infer<typeof folderStateSchema>;

const stateSchema = z.object({
  v: z.literal(2),
  /** Octets of every copy in the mailbox (shared bodies counted per copy): the quota's count. */
  bytes: count,
  folders: z.array(folderStateSchema),
  /** The next user folder's number (its id is `f` + base 36). */
  nextFolder: count,
  /** The smallest UIDVALIDITY a new folder may take: a recreated folder never repeats one. */
  validityNext: z.number().int().min(1).max(uidMax),
  /** When Trash was last swept of old messages (ms). */
  trashSweptMs: count,
  /**
   * Random, new in every write: two writers that compute the same next state from the same
   * value still write different bytes, so the cluster client's read-back after a CPut with an
   * unknown outcome (a failover) never takes another writer's value for its own.
   */
  nonce: z.string().max(32).optional(),
  /**
   * The nonces of the writes before this one, newest first, run together (`nonceChars` each,
   * at most `writesRemembered - 1`): how a writer whose CPut applied, though it was not told so,
   * finds that out after others wrote on top of it (state-cell.ts). Lenient on read: a value
   * this code would not write is still a state.
   */
  earlier: z.string().max(4096).optional(),
});
export type MailboxState = z.infer<typeof stateSchema>;

/** A write's nonce: 6 random bytes in hex. */
export const nonceChars = 12;
/** How many writes a state remembers the nonces of, its own included. */
export const writesRemembered = 32;
const noncePattern = /^[0-9a-f]{12}$/;

/** `next`, to be written over `previous` with `nonce`: the previous write's nonce joins the remembered ones. */
export function stampWrite(next: MailboxState, previous: MailboxState | undefined, nonce: string): MailboxState {
  const before = previous?.nonce !== undefined && noncePattern.test(previous.nonce) ? previous.nonce : '';
  const earlier = (before + (previous?.earlier ?? '')).slice(0, (writesRemembered - 1) * nonceChars);
  const { earlier: _dropped, ...rest } = next;
  return earlier ? { ...rest, nonce, earlier } : { ...rest, nonce };
}

/** Whether the write with `nonce` is this state's or one of the last writes before it. */
export function remembersWrite(state: MailboxState, nonce: string): boolean {
  if (state.nonce === nonce) return true;
  const earlier = state.earlier ?? '';
  for (let at = 0; at + nonceChars <= earlier.length; at += nonceChars) if (earlier.startsWith(nonce, at)) return true;
  return false;
}

export function encodeState(state: MailboxState): Buffer {
  return Buffer.from(JSON.stringify(stateSchema.parse(state)), 'utf8');
}

/** undefined when the value is not a state (never throws on stored bytes). */
export function decodeState(value: Buffer): MailboxState | undefined {
  try {
    const parsed = stateSchema.safeParse(JSON.parse(value.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** A folder's state as first created. */
function newFolder(id: string, name: string, uidValidity: number): FolderState {
  return { id, name, uidValidity, uidNext: 1, total: 0, unread: 0, changes: 0, lastMs: 0 };
}

/** A fresh mailbox: the system folders, empty. `nowMs` seeds their UIDVALIDITY (seconds). */
export function initialState(nowMs: number): MailboxState {
  const validity = Math.max(1, Math.floor(nowMs / 1000)) % uidMax || 1;
  return {
    v: 2,
    bytes: 0,
    folders: systemFolders.map((f) => newFolder(f.id, f.name, validity)),
    nextFolder: 1,
    validityNext: validity + 1,
    // A new mailbox has nothing old in Trash.
    trashSweptMs: Math.max(0, Math.floor(nowMs)),
  };
}

export function folderById(state: MailboxState, id: string): FolderState | undefined {
  return state.folders.find((f) => f.id === id);
}

/** Names compare case-insensitively (IMAP's INBOX does; so do the other system folders here). */
export function folderByName(state: MailboxState, name: string): FolderState | undefined {
  const key = name.toLowerCase();
  return state.folders.find((f) => f.name.toLowerCase() === key) ?? (key === 'inbox' ? folderById(state, 'inbox') : undefined);
}

export function roleOf(folder: Pick<FolderState, 'id'>): FolderRole {
  return systemFolders.find((f) => f.id === folder.id)?.id ?? null;
}

/** Why a folder operation was refused: `code` says which (the IMAP adapter maps it). */
export class FolderError extends Error {
  constructor(
    readonly code: 'nonexistent' | 'exists' | 'cannot' | 'limit',
    message: string,
  ) {
    super(message);
    this.name = 'FolderError';
  }
}

export interface FolderLimits {
  /** Folders a user may create (the system folders not counted). */
  foldersMax: number;
  /** Characters of a folder's full name, levels included. */
  nameCharsMax: number;
}

/** Checks a folder name; throws FolderError('cannot') with the reason. Levels are separated by "/". */
export function checkFolderName(name: string, limits: FolderLimits): void {
  const bad = (why: string) => new FolderError('cannot', `The folder name ${why}.`);
  if (name.length === 0) throw bad('is empty');
  if (name.length > limits.nameCharsMax) throw bad(`is longer than ${limits.nameCharsMax} characters`);
  // IMAP's list wildcards and the quoting characters would make the name unusable there.
  if ([...name].some((ch) => ch.charCodeAt(0) < 0x20 || ch === '\u007f' || '*%\\"'.includes(ch))) throw bad('has a character that is not allowed (control characters, * % \\ ")');
  for (const level of name.split('/')) {
    if (level.length === 0) throw bad('has an empty level (a "/" at the start, at the end or twice)');
    if (level.trim() !== level) throw bad('has spaces at the start or end of a level');
    if (level === '.' || level === '..') throw bad('has a level named . or ..');
  }
}

function sameOrUnder(name: string, parent: string): boolean {
  const n = name.toLowerCase();
  const p = parent.toLowerCase();
  return n === p || n.startsWith(`${p}/`);
}

/** Adds a user folder; answers the new state and the folder. */
export function addFolder(state: MailboxState, name: string, limits: FolderLimits, nowMs: number): { state: MailboxState; folder: FolderState } {
  checkFolderName(name, limits);
  if (folderByName(state, name)) throw new FolderError('exists', `A folder named “${name}” exists already.`);
  const userFolders = state.folders.filter((f) => roleOf(f) === null).length;
  if (userFolders >= limits.foldersMax) throw new FolderError('limit', `You have ${limits.foldersMax} folders, the most there may be.`);
  // UIDVALIDITY: the time in seconds, but never one this mailbox gave out before (RFC 3501 §2.3.1.1).
  const validity = Math.min(uidMax, Math.max(state.validityNext, Math.floor(nowMs / 1000)));
  const folder = newFolder(`f${state.nextFolder.toString(36)}`, name, validity);
  return { state: { ...state, folders: [...state.folders, folder], nextFolder: state.nextFolder + 1, validityNext: Math.min(uidMax, validity + 1) }, folder };
}

/** Renames a user folder and the folders under it; system folders keep their names. */
export function renameFolder(state: MailboxState, from: string, to: string, limits: FolderLimits): MailboxState {
  const folder = folderByName(state, from);
  if (!folder) throw new FolderError('nonexistent', `There is no folder named “${from}”.`);
  if (roleOf(folder) !== null) throw new FolderError('cannot', `The ${folder.name} folder cannot be renamed.`);
  checkFolderName(to, limits);
  const taken = folderByName(state, to);
  if (taken && taken.id !== folder.id) throw new FolderError('exists', `A folder named “${to}” exists already.`);
  if (sameOrUnder(to, folder.name) && to.toLowerCase() !== folder.name.toLowerCase()) throw new FolderError('cannot', 'A folder cannot move under itself.');
  const moved = state.folders.map((f) => (roleOf(f) === null && sameOrUnder(f.name, folder.name) ? { ...f, name: to + f.name.slice(folder.name.length) } : f));
  for (const f of moved) if (f.name.length > limits.nameCharsMax) throw new FolderError('cannot', `The folder name ${f.name} would be longer than ${limits.nameCharsMax} characters.`);
  return { ...state, folders: moved };
}

/** Removes an empty user folder with no folders under it. */
export function removeFolder(state: MailboxState, name: string): MailboxState {
  const folder = folderByName(state, name);
  if (!folder) throw new FolderError('nonexistent', `There is no folder named “${name}”.`);
  if (roleOf(folder) !== null) throw new FolderError('cannot', `The ${folder.name} folder cannot be deleted.`);
  if (state.folders.some((f) => f.id !== folder.id && sameOrUnder(f.name, folder.name))) throw new FolderError('cannot', `“${folder.name}” has folders in it; delete those first.`);
  if (folder.total > 0) throw new FolderError('cannot', `“${folder.name}” still holds ${folder.total} messages; move or delete them first.`);
  return { ...state, folders: state.folders.filter((f) => f.id !== folder.id) };
}

/** One message counted into or out of a folder. */
export interface CountChange {
  folder: string;
  /** +1 a message comes, -1 it goes, 0 only its flags change. */
  total: -1 | 0 | 1;
  unread: number;
  /** Octets counted against the quota (a move counts none: the bytes stay one copy). */
  bytes: number;
  /** The entry is from before UIDs (none in its summary): see unreadPending. */
  legacy?: boolean;
}

/** The state with counts changed (never below zero) and the folders' change counters moved on. */
export function applyCounts(state: MailboxState, changes: readonly CountChange[]): MailboxState {
  let bytes = state.bytes;
  const folders = state.folders.map((f) => ({ ...f }));
  for (const c of changes) {
    bytes = Math.max(0, bytes + c.bytes);
    const f = folders.find((x) => x.id === c.folder);
    if (!f) continue;
    f.total = Math.max(0, f.total + c.total);
    // An old entry's unread state is not in `unread` until that count is taken.
    if (c.legacy && f.unreadPending) f.legacyChanges = (f.legacyChanges ?? 0) + 1;
    else f.unread = Math.max(0, f.unread + c.unread);
    f.changes++;
  }
  return { ...state, bytes, folders };
}

/**
 * Gives out `n` UIDs in a folder and, with them, arrival times (ms) that grow with the UIDs:
 * each at least `atMs` and past the folder's last one, so ids made from them sort like the
 * UIDs. undefined when the folder does not exist (deleted meanwhile).
 */
export function allocate(state: MailboxState, folderId: string, n: number, atMs: number): { state: MailboxState; uids: number[]; ms: number[] } | undefined {
  const f = folderById(state, folderId);
  if (!f) return undefined;
  if (f.uidNext + n > uidMax) throw new FolderError('limit', `The folder ${f.name} has used up its message numbers; make a new folder.`);
  const uids: number[] = [];
  const ms: number[] = [];
  let last = f.lastMs;
  for (let i = 0; i < n; i++) {
    uids.push(f.uidNext + i);
    last = Math.max(Math.floor(atMs), last + 1);
    ms.push(last);
  }
  const folders = state.folders.map((x) => (x.id === folderId ? { ...x, uidNext: x.uidNext + n, lastMs: last, changes: x.changes + 1 } : x));
  return { state: { ...state, folders }, uids, ms };
}
