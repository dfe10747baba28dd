// The webmail's queries: one queryOptions per read, shared by the page's server prefetch (the
// folder list) and the client components' useQuery; the shapes are the /api/mail answers
// (docs/API.md, "Mail"). Every key starts with 'mail', so one invalidation refreshes the lot
// after a change; the second part is a folder id, or 'folders' / 'search', which no folder id is.
import { queryOptions, type QueryClient } from '@tanstack/react-query';
import { apiRequest } from '../api-client';

/** A folder's id as the API gives it: inbox, drafts, sent, junk, trash, or f<base 36> for the user's own. */
export type MailFolder = string;

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

/** A listing row with its IMAP flags and the snippet stored at delivery. */
export interface MailRow extends MailSummary {
  uid: number | null;
  flags: string[];
  flagged: boolean;
  answered: boolean;
  draft: boolean;
  snippet: string;
}

export interface MailPage {
  /** In the order asked for (newest first by default). */
  messages: MailSummary[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  next: string | null;
  total: number;
  /** What the user's mailbox holds, against its quota. */
  quota: { usedBytes: number; quotaBytes: number };
}

export interface MailFolderPage extends MailPage {
  messages: MailRow[];
  unread: number;
}

export type FolderRole = 'inbox' | 'drafts' | 'sent' | 'junk' | 'trash';

export interface MailFolderInfo {
  id: MailFolder;
  /** Levels split by "/" ("Projects/2026"). */
  name: string;
  role: FolderRole | null;
  total: number;
  unread: number;
}

export interface MailFolders {
  folders: MailFolderInfo[];
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
  /** Only in the sender's copy (and a draft). */
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
  /** The draft it was written in: it leaves Drafts once sent. */
  draftId?: string;
  attachments?: File[];
}

/** The send request's body: JSON, or a multipart form when there are files to attach. */
export function sendMailBody(input: SendMailInput): SendMailInput | FormData {
  const { attachments = [], references, ...fields } = input;
  if (attachments.length === 0) return { ...fields, references };
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

/** POST /api/mail/drafts: the fields as typed, and the draft saved before, which it replaces. */
export type SaveDraftInput = Omit<SendMailInput, 'attachments' | 'draftId'> & { replaces?: string };

export const mailPageSize = 25;
export const mailSearchLimit = 50;

/** The orders a folder can be listed in (../mail-sort.ts sorts by them). */
export type SortColumn = 'who' | 'subject' | 'date';
export type SortOrder = 'asc' | 'desc';

/** After a change: every listing, count and search again, but no open message (see mailMessageQuery). */
export function refreshMail(queryClient: QueryClient): Promise<void> {
  return queryClient.invalidateQueries({ queryKey: ['mail'], predicate: (q) => q.queryKey[2] !== 'message' });
}

export const mailFoldersQuery = queryOptions({
  queryKey: ['mail', 'folders'],
  queryFn: ({ signal }) => apiRequest<MailFolders>('GET', '/api/mail/folders', undefined, signal),
  staleTime: 5_000,
  // Unread counts of mail that arrived meanwhile.
  refetchInterval: 30_000,
});

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
    queryFn: ({ signal }) => apiRequest<MailFolderPage>('GET', `/api/mail/${folder}?${query}`, undefined, signal),
    staleTime: 5_000,
    // New mail shows up without a reload.
    refetchInterval: 30_000,
  });
}

export function mailMessageQuery(folder: MailFolder, id: string) {
  return queryOptions({
    queryKey: ['mail', folder, 'message', id],
    queryFn: ({ signal }) => apiRequest<MailMessage>('GET', `/api/mail/${folder}/${id}`, undefined, signal),
    // Reading marks the message read: it is fetched once per opening, never again behind the
    // person's back (a refetch after Mark unread would undo it), and forgotten once closed.
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
  });
}

export interface MailSearchAnswer {
  /** Rows as a folder listing gives them, each with its folder. */
  messages: MailRow[];
  more: boolean;
}

/** Messages whose sender, recipients, subject or text hold `q`: in one folder, or all when `folder` is null. */
export function mailSearchQuery(q: string, folder: MailFolder | null) {
  const query = new URLSearchParams({ q, limit: String(mailSearchLimit) });
  if (folder) query.set('folder', folder);
  return queryOptions({
    queryKey: ['mail', 'search', q, folder ?? ''],
    queryFn: ({ signal }) => apiRequest<MailSearchAnswer>('GET', `/api/mail/search?${query}`, undefined, signal),
    staleTime: 5_000,
  });
}
