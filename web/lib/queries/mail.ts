// The webmail's queries: one queryOptions per read, shared by the page's server prefetch (the
// first inbox page) and the client components' useQuery; the shapes are the /api/mail answers.
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from '../api-client';

export type MailFolder = 'inbox' | 'sent';

/** One row of a folder listing (the daemon's summary, cluster/model/mail/mailbox.ts). */
export interface MailSummary {
  id: string;
  folder: MailFolder;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  /** ISO 8601 */
  date: string;
  receivedAt: string;
  size: number;
  hasAttachments: boolean;
  unread: boolean;
}

export interface MailPage {
  /** In the order asked for (newest first by default). */
  messages: MailSummary[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: string | null;
  total: number;
  /** What the user's mailbox (inbox and sent) holds, against its quota. */
  quota: { usedBytes: number; quotaBytes: number };
}

export interface MailAddress {
  name: string;
  address: string;
}

export interface MailAttachment {
  index: number;
  filename: string;
  contentType: string;
  size: number;
}

export interface MailMessage {
  id: string;
  folder: MailFolder;
  from: string;
  fromAddresses: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  /** Only in the sender's copy. */
  bcc: MailAddress[];
  subject: string;
  date: string;
  messageId: string;
  references: string[];
  text: string;
  /** The sanitized HTML body as a whole document for a sandboxed iframe's srcdoc; null for plain text mail. */
  htmlDocument: string | null;
  attachments: MailAttachment[];
}

export interface SendMailInput {
  to: string;
  cc?: string;
  bcc?: string;
  subject: string;
  text: string;
  inReplyTo?: string;
  references?: string[];
  attachments?: File[];
}

/** The send request's body: JSON, or a multipart form when there are files to attach. */
export function sendMailBody(input: SendMailInput): SendMailInput | FormData {
  const { attachments = [], references, ...fields } = input;
  if (attachments.length === 0) return input;
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined) form.append(name, value);
  if (references) form.append('references', references.join(' '));
  for (const file of attachments) form.append('attachments', file, file.name);
  return form;
}

export interface SendMailResult {
  sentId: string;
  delivered: string[];
  queued: string[];
}

export const mailPageSize = 25;

/** The orders a folder can be listed in (../mail-sort.ts sorts by them). */
export type SortColumn = 'who' | 'subject' | 'date';
export type SortOrder = 'asc' | 'desc';

/** A page of a folder; `sort` the whole folder's order (default newest first). */
export function mailFolderQuery(folder: MailFolder, before: string | null, sort: { column: SortColumn; order: SortOrder } = { column: 'date', order: 'desc' }) {
  const query = new URLSearchParams({ limit: String(mailPageSize) });
  if (before) query.set('before', before);
  if (sort.column !== 'date' || sort.order !== 'desc') {
    query.set('sort', sort.column);
    query.set('order', sort.order);
  }
  return queryOptions({
    queryKey: ['mail', folder, before ?? '', sort.column, sort.order],
    queryFn: ({ signal }) => apiRequest<MailPage>('GET', `/api/mail/${folder}?${query}`, undefined, signal),
    staleTime: 5_000,
    // New mail shows up without a reload.
    refetchInterval: 30_000,
  });
}

export function mailMessageQuery(folder: MailFolder, id: string) {
  return queryOptions({
    queryKey: ['mail', folder, 'message', id],
    queryFn: ({ signal }) => apiRequest<MailMessage>('GET', `/api/mail/${folder}/${id}`, undefined, signal),
    staleTime: Infinity,
  });
}
