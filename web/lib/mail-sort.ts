// How a mail folder sorts, the same for the server (which sorts the whole folder) and the list
// (which labels its columns): by the other party ("who": the sender in the inbox, the
// recipients in Sent), by subject, or by date; names and subjects without regard to case.
// The orders themselves (SortColumn, SortOrder) are part of the folder query, queries/mail.ts.
import type { MailFolder, MailSummary, SortColumn, SortOrder } from './queries/mail';

export const sortColumns: readonly SortColumn[] = ['who', 'subject', 'date'];

export function who(folder: MailFolder, m: Pick<MailSummary, 'from' | 'to' | 'cc'>): string {
  if (folder === 'inbox') return m.from || '(unknown sender)';
  return [...m.to, ...m.cc].join(', ') || '(no recipients)';
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
