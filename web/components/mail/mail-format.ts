// Small pure helpers of the webmail's components: dates, names, and the prefilled drafts of a
// reply and a forward.
import type { MailAddress, MailMessage, MailRow } from '../../lib/queries/mail';

export interface Draft {
  to: string;
  cc: string;
  bcc?: string;
  subject: string;
  text: string;
  inReplyTo?: string;
  references?: string[];
}

export const emptyDraft: Draft = { to: '', cc: '', subject: '', text: '' };

/** Today: the time; otherwise the date. */
export function shortDate(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  return d.toLocaleDateString([], { year: d.getFullYear() === now.getFullYear() ? undefined : 'numeric', month: 'short', day: 'numeric' });
}

export function longDate(iso: string): string {
  return new Date(iso).toLocaleString();
}

function withPrefix(prefix: string, subject: string): string {
  return subject.toLowerCase().startsWith(prefix.toLowerCase()) ? subject : `${prefix} ${subject}`;
}

function quoted(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => (line ? `> ${line}` : '>'))
    .join('\n');
}

export function replyDraft(m: MailMessage): Draft {
  const to = m.fromAddresses.map((a) => a.address).join(', ');
  return {
    to,
    cc: '',
    subject: withPrefix('Re:', m.subject),
    text: `\n\nOn ${longDate(m.date)}, ${m.from} wrote:\n${quoted(m.text)}\n`,
    inReplyTo: m.messageId || undefined,
    references: m.messageId ? [...m.references, m.messageId].slice(-20) : m.references.slice(-20),
  };
}

export function forwardDraft(m: MailMessage): Draft {
  const list = (xs: { name: string; address: string }[]) => xs.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');
  const header = [
    '---------- Forwarded message ----------',
    `From: ${m.from}`,
    `Date: ${longDate(m.date)}`,
    `Subject: ${m.subject}`,
    `To: ${list(m.to)}`,
    ...(m.cc.length ? [`Cc: ${list(m.cc)}`] : []),
  ].join('\n');
  return { to: '', cc: '', subject: withPrefix('Fwd:', m.subject), text: `\n\n${header}\n\n${m.text}\n` };
}

/**
 * A saved draft's recipients as they were typed. A bare username ("bob") is no address to the
 * message parser, so the message as read drops it; its listing row keeps it, as "bob <>".
 */
export function typedRecipients(listed: string[] | undefined, parsed: MailAddress[]): string {
  if (!listed) return parsed.map((a) => a.address).join(', ');
  return listed.map((entry) => /^(.*) <>$/.exec(entry)?.[1] ?? entry).join(', ');
}

/** A draft read back from Drafts (with its listing row when there is one), as compose fields. */
export function draftOf(m: MailMessage, row: MailRow | undefined): Draft {
  return {
    to: typedRecipients(row?.to, m.to),
    cc: typedRecipients(row?.cc, m.cc),
    bcc: m.bcc.map((a) => a.address).join(', '),
    subject: m.subject,
    text: m.text.replace(/\n$/, ''),
    references: m.references.length ? m.references : undefined,
  };
}

export { formatBytes } from '../../lib/format-bytes';
