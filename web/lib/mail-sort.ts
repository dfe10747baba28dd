// How a mail folder sorts, the same for the server (which sorts the whole folder) and the list
// (which labels its columns): by the other party ("who": the recipients in Sent and Drafts,
// the sender in every other folder), by subject, or by date; names and subjects without regard
// to case. The orders themselves (SortColumn, SortOrder) are part of the folder query, queries/mail.ts.
import type { MailFolder, MailSummary, SortColumn, SortOrder } from './queries/mail';

export const sortColumns: readonly SortColumn[] = ['who', 'subject', 'date'];

/** Folders whose mail is the user's own, listed by whom it goes to. */
export function listsRecipients(folder: MailFolder): boolean {
  return folder === 'sent' || folder === 'drafts';
}

export function who(folder: MailFolder, m: Pick<MailSummary, 'from' | 'to' | 'cc'>): string {
  if (!listsRecipients(folder)) return m.from || '(unknown sender)';
  // A draft's recipient typed as a bare username is listed as "bob <>".
  return [...m.to, ...m.cc].map((r) => r.replace(/ <>$/, '')).join(', ') || '(no recipients)';
}

/** Sorted copy; ties keep the newest first. */
export function sortMessages<M extends Pick<MailSummary, 'id' | 'from' | 'to' | 'cc' | 'subject' | 'date'>>(
  folder: MailFolder,
  messages: readonly M[],
  column: SortColumn,
  order: SortOrder,
): M[] {
  const key = (m: M) => (column === 'who' ? who(folder, m).toLowerCase() : column === 'subject' ? m.subject.toLowerCase() : m.date);
  const sign = order === 'asc' ? 1 : -1;
  return [...messages].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) return ka < kb ? -sign : sign;
    return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
  });
}
