// The storage an IMAP session needs, for one logged-in user: the port the mail daemon's
// adapter implements over the folder model (cluster/model/mail/). The session holds no state
// of its own beyond what RFC 3501 asks it to remember about the selected folder (its message
// sequence numbers), so every method answers from the store as it is now.
//
// Conventions the adapter must keep:
// - Folder names are Unicode strings with "/" between levels ("Projects/2026"); the session
//   does the modified UTF-7 of RFC 3501 §5.1.3 and the INBOX spelling (the folder with role
//   'inbox' is shown as "INBOX" whatever its name here).
// - UIDs are positive integers that only grow within a folder while its uidValidity stays the
//   same (RFC 3501 §2.3.1.1); uidNext is greater than every UID the folder ever gave out.
// - `changes` moves on whenever anything about the folder's messages changes (an arrival, an
//   expunge, a flag) — it may move on for nothing, never stay put after a change.
// - Failures a client should hear about are thrown as ImapStoreError; anything else thrown is
//   taken as "storage unavailable, try again" and logged.

/** The five system flags of RFC 3501 §2.3.2 the model keeps (\Recent is not kept). */
export type SystemFlag = '\\Seen' | '\\Answered' | '\\Flagged' | '\\Deleted' | '\\Draft';
export const systemFlags: readonly SystemFlag[] = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft'];

/** A folder's role: the inbox, or a special-use folder of RFC 6154; null for a user's own folder. */
export type FolderRole = 'inbox' | 'drafts' | 'sent' | 'junk' | 'trash' | null;

export interface FolderInfo {
  /** The folder's name, levels separated by "/". */
  name: string;
  role: FolderRole;
  uidValidity: number;
  uidNext: number;
  /** Messages in the folder, and those without \Seen. */
  total: number;
  unread: number;
  /** The folder's change counter (see `changes` above). */
  changes: number;
}

export interface MessageMeta {
  uid: number;
  flags: readonly SystemFlag[];
  /** The raw message's size in octets, exactly as `read` returns it (RFC822.SIZE). */
  size: number;
  /** When the message arrived (or the date given to APPEND). */
  internalDate: Date;
}

export type FlagMode = 'add' | 'remove' | 'replace';

/** A text criterion of SEARCH (RFC 3501 §6.4.4) that needs the message's content. */
export type TextCriterion =
  | { key: 'from' | 'to' | 'cc' | 'bcc' | 'subject' | 'body' | 'text'; value: string }
  | { key: 'header'; field: string; value: string };

export interface UidMapping {
  /** The destination folder's uidValidity, for COPYUID (RFC 4315 §3). */
  uidValidity: number;
  /** [source uid, destination uid] for every message copied, in source UID order. */
  pairs: Array<[number, number]>;
}

export interface ImapStore {
  /** Every folder of the user, the inbox among them. */
  folders(): Promise<FolderInfo[]>;
  /** Throws 'exists' when the name is taken, 'cannot' when the name is not allowed. */
  createFolder(name: string): Promise<void>;
  /** Children move with their parent. Throws 'nonexistent', 'exists' or 'cannot' (a role folder). */
  renameFolder(from: string, to: string): Promise<void>;
  /** Throws 'nonexistent' or 'cannot' (the inbox, a special-use folder, one with children). */
  deleteFolder(name: string): Promise<void>;
  /** Optional: the model keeps no subscriptions, and every folder is listed as subscribed. */
  setSubscribed?(name: string, subscribed: boolean): Promise<void>;
  /** The folder's messages in UID order; throws 'nonexistent'. */
  messages(folder: string): Promise<MessageMeta[]>;
  /** The raw message, CRLF line ends; undefined when it is gone. */
  read(folder: string, uid: number): Promise<Buffer | undefined>;
  /** Stores a message; throws 'nonexistent', 'over-quota' or 'too-big'. */
  append(folder: string, raw: Buffer, flags: readonly SystemFlag[], internalDate: Date): Promise<{ uidValidity: number; uid: number }>;
  /** Changes the flags of those of `uids` still in the folder; missing ones are skipped. */
  setFlags(folder: string, uids: readonly number[], mode: FlagMode, flags: readonly SystemFlag[]): Promise<void>;
  /** Copies messages (their flags too) into `to`; throws 'nonexistent' or 'over-quota'. */
  copy(from: string, uids: readonly number[], to: string): Promise<UidMapping>;
  /** Moves messages into `to` (RFC 6851): the same as copy, then expunge from the source. */
  move(from: string, uids: readonly number[], to: string): Promise<UidMapping>;
  /** Removes these messages for good (the session passes only ones marked \Deleted). */
  expunge(folder: string, uids: readonly number[]): Promise<void>;
  /** The folder's change counter: a cheap probe, called every few seconds during IDLE. */
  changes(folder: string): Promise<number>;
  /**
   * Optional, for stores that index message text: the UIDs among `uids` that match, or
   * undefined to let the session read and match the messages itself. Matching is a
   * case-insensitive substring test on decoded text (RFC 3501 §6.4.4).
   */
  searchText?(folder: string, criterion: TextCriterion, uids: readonly number[]): Promise<ReadonlySet<number> | undefined>;
}

/** What a client hears, as RFC 5530 response codes. */
export type ImapStoreErrorCode = 'nonexistent' | 'exists' | 'cannot' | 'over-quota' | 'too-big' | 'unavailable';

export class ImapStoreError extends Error {
  constructor(
    readonly code: ImapStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ImapStoreError';
  }
}
