// A folder page for the API and the page's prefetch: the daemon's summaries, minus the fields
// that only concern storage (chunks, body) and POP3 (messageId), with what the user's mailbox
// holds against its quota. Newest first pages by message-id cursor, reading only the page's
// names and summaries, however large the folder; any other order sorts the folder's newest
// mail.sortMessagesMax messages (../../mail-sort.ts) and pages by position, its cursor
// `@<offset>` — so no listing reads a whole mailbox. Each row also carries its flags, its UID
// and the snippet stored with it at delivery, so a listing needs no read of a message's body.
import { flagsOf, type Folder, type MessageFlag, type MessageSummary } from '../../../../cluster/model/mail/mailbox.ts';
import { folderById } from '../../../../cluster/model/mail/mailbox-state.ts';
import { isMessageId } from '../../../../cluster/model/mail/message-id.ts';
import { sortColumns, sortMessages } from '../../mail-sort';
import type { MailFolder, MailPage, MailSummary, SortColumn, SortOrder } from '../../queries/mail';
import { HttpError } from '../errors';
import { mailContext, noSuchFolder } from './mail-context';

/**
 * A listing row: the UI's MailSummary and what folders added. `folder` is any folder id (the
 * UI's type names the two it shows so far).
 */
export interface FolderMessage extends MailSummary {
  uid: number | null;
  flags: MessageFlag[];
  flagged: boolean;
  answered: boolean;
  draft: boolean;
  snippet: string;
}

export interface FolderPage extends MailPage {
  messages: FolderMessage[];
  /** The folder's unread messages (its total is `total`). */
  unread: number;
}

export const mailPageLimitMax = 100;

export interface ListRequest {
  /** The `next` of the page before, or null for the first page. */
  before: string | null;
  limit: number;
  sort: SortColumn;
  order: SortOrder;
}

export async function listFolder(user: string, folder: Folder, request: ListRequest): Promise<FolderPage> {
  const { before, limit, sort, order } = request;
  if (!Number.isInteger(limit) || limit < 1 || limit > mailPageLimitMax) {
    throw new HttpError(400, 'invalid_argument', `\`limit\` must be a whole number from 1 to ${mailPageLimitMax}.`);
  }
  const { mailbox, folders, quotaBytes, sortMessagesMax } = mailContext();
  const state = await mailbox.state.read(user);
  folders.settleInBackground(user, state);
  const here = folderById(state, folder);
  if (!here) throw noSuchFolder();
  const quota = { usedBytes: state.bytes, quotaBytes };
  if (sort === 'date' && order === 'desc') {
    if (before !== null && !isMessageId(before)) throw new HttpError(400, 'invalid_argument', '`before` must be the `next` of a page.');
    const page = await mailbox.page(user, folder, { before: before ?? undefined, limit });
    return { messages: page.messages.map(toApi), next: page.next, total: page.total, unread: here.unread, quota };
  }
  const offset = before === null ? 0 : /^@\d{1,9}$/.test(before) ? Number(before.slice(1)) : NaN;
  if (!Number.isInteger(offset)) throw new HttpError(400, 'invalid_argument', '`before` must be the `next` of a page.');
  const newest = await mailbox.list(user, folder, sortMessagesMax);
  // Sent and Drafts sort by recipient, every other folder by sender.
  const all = sortMessages((folder === 'sent' || folder === 'drafts' ? 'sent' : 'inbox') as MailFolder, newest, sort, order);
  const next = offset + limit < all.length ? `@${offset + limit}` : null;
  return { messages: all.slice(offset, offset + limit).map(toApi), next, total: all.length, unread: here.unread, quota };
}

/** The `sort` and `order` query parameters (default: newest first). */
export function parseSort(params: URLSearchParams): { sort: SortColumn; order: SortOrder } {
  const sort = params.get('sort') ?? 'date';
  const order = params.get('order') ?? (sort === 'date' ? 'desc' : 'asc');
  if (!(sortColumns as readonly string[]).includes(sort)) throw new HttpError(400, 'invalid_argument', '`sort` must be who, subject or date.');
  if (order !== 'asc' && order !== 'desc') throw new HttpError(400, 'invalid_argument', '`order` must be asc or desc.');
  return { sort: sort as SortColumn, order };
}

export function toApi(m: MessageSummary): FolderMessage {
  const flags = flagsOf(m);
  return {
    id: m.id,
    folder: m.folder as MailFolder,
    from: m.from,
    to: m.to,
    cc: m.cc,
    subject: m.subject,
    date: m.date,
    receivedAt: m.receivedAt,
    size: m.size,
    hasAttachments: m.hasAttachments,
    unread: m.unread,
    uid: m.uid ?? null,
    flags,
    flagged: flags.includes('\\Flagged'),
    answered: flags.includes('\\Answered'),
    draft: flags.includes('\\Draft'),
    snippet: m.snippet ?? '',
  };
}
