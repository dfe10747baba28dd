// A folder page for the API and the page's prefetch: the daemon's summaries, minus the fields
// that only concern storage (chunks, body) and POP3 (messageId), with what the user's mailbox
// holds against its quota. Newest first pages by message-id cursor, reading only the page's
// names and summaries, however large the folder; any other order sorts the folder's newest
// mail.sortMessagesMax messages (../../mail-sort.ts) and pages by position, its cursor
// `@<offset>` — so no listing reads a whole mailbox.
import type { Folder } from '../../../../cluster/model/mail/mailbox.ts';
import { isMessageId } from '../../../../cluster/model/mail/message-id.ts';
import type { MessageSummary } from '../../../../cluster/model/mail/mailbox.ts';
import { sortColumns, sortMessages } from '../../mail-sort';
import type { MailPage, MailSummary, SortColumn, SortOrder } from '../../queries/mail';
import { HttpError } from '../errors';
import { mailContext } from './mail-context';

export const mailPageLimitMax = 100;

export interface ListRequest {
  /** The `next` of the page before, or null for the first page. */
  before: string | null;
  limit: number;
  sort: SortColumn;
  order: SortOrder;
}

export async function listFolder(user: string, folder: Folder, request: ListRequest): Promise<MailPage> {
  const { before, limit, sort, order } = request;
  if (!Number.isInteger(limit) || limit < 1 || limit > mailPageLimitMax) {
    throw new HttpError(400, 'invalid_argument', `\`limit\` must be a whole number from 1 to ${mailPageLimitMax}.`);
  }
  const { mailbox, quotaBytes, sortMessagesMax } = mailContext();
  if (sort === 'date' && order === 'desc') {
    if (before !== null && !isMessageId(before)) throw new HttpError(400, 'invalid_argument', '`before` must be the `next` of a page.');
    // The usage cell is read twice (the page's total, the quota): one small read, kept apart.
    const [page, usage] = await Promise.all([mailbox.page(user, folder, { before: before ?? undefined, limit }), mailbox.usage(user)]);
    return { messages: page.messages.map(toApi), next: page.next, total: page.total, quota: { usedBytes: usage.bytes, quotaBytes } };
  }
  const offset = before === null ? 0 : /^@\d{1,9}$/.test(before) ? Number(before.slice(1)) : NaN;
  if (!Number.isInteger(offset)) throw new HttpError(400, 'invalid_argument', '`before` must be the `next` of a page.');
  const [newest, usage] = await Promise.all([mailbox.list(user, folder, sortMessagesMax), mailbox.usage(user)]);
  const all = sortMessages(folder, newest, sort, order);
  const next = offset + limit < all.length ? `@${offset + limit}` : null;
  return { messages: all.slice(offset, offset + limit).map(toApi), next, total: all.length, quota: { usedBytes: usage.bytes, quotaBytes } };
}

/** The `sort` and `order` query parameters (default: newest first). */
export function parseSort(params: URLSearchParams): { sort: SortColumn; order: SortOrder } {
  const sort = params.get('sort') ?? 'date';
  const order = params.get('order') ?? (sort === 'date' ? 'desc' : 'asc');
  if (!(sortColumns as readonly string[]).includes(sort)) throw new HttpError(400, 'invalid_argument', '`sort` must be who, subject or date.');
  if (order !== 'asc' && order !== 'desc') throw new HttpError(400, 'invalid_argument', '`order` must be asc or desc.');
  return { sort: sort as SortColumn, order };
}

function toApi(m: MessageSummary): MailSummary {
  return {
    id: m.id,
    folder: m.folder,
    from: m.from,
    to: m.to,
    cc: m.cc,
    subject: m.subject,
    date: m.date,
    receivedAt: m.receivedAt,
    size: m.size,
    hasAttachments: m.hasAttachments,
    unread: m.unread,
  };
}
