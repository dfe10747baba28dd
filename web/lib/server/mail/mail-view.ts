// A stored message as the webmail shows it: headers, the plain text, the HTML sanitized into a
// document for a sandboxed iframe (mail-sanitize.ts), and the attachments by position. Parsed
// per request with mailparser from the raw message the daemon stored; nothing is cached.
import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser';
import type { Folder, MessageSummary } from '../../../../cluster/model/mail/mailbox.ts';
import type { MailAttachment, MailFolder, MailMessage } from '../../queries/mail';
import { attachmentHeaders } from '../download';
import { HttpError } from '../errors';
import { mailContext, messageGone } from './mail-context';
import { mailDocument, sanitizeMailHtml } from './mail-sanitize';

function addresses(field: AddressObject | AddressObject[] | undefined): { name: string; address: string }[] {
  const list = field === undefined ? [] : Array.isArray(field) ? field : [field];
  return list.flatMap((a) => a.value).flatMap((v) => (v.address ? [{ name: v.name ?? '', address: v.address }] : []));
}

/** What a reader counts as attachments: inline parts of an HTML body are not. */
function attachmentsOf(mail: ParsedMail): Attachment[] {
  return mail.attachments.filter((a) => !a.related);
}

async function load(user: string, folder: Folder, id: string): Promise<{ summary: MessageSummary; mail: ParsedMail }> {
  const found = await mailContext().mailbox.read(user, folder, id);
  if (!found) throw messageGone();
  // skipTextLinks: the plain text is shown as text, never turned into links.
  const mail = await simpleParser(found.raw, { skipTextLinks: true, skipImageLinks: true });
  return { summary: found.summary, mail };
}

/** Reads a message; opening an unread one marks it read. */
export async function viewMessage(user: string, folder: Folder, id: string): Promise<MailMessage> {
  const { summary, mail } = await load(user, folder, id);
  if (summary.unread) await mailContext().mailbox.setUnread(user, folder, id, false);
  const references = typeof mail.references === 'string' ? [mail.references] : (mail.references ?? []);
  const attachments: MailAttachment[] = attachmentsOf(mail).map((a, index) => ({
    index,
    filename: a.filename || `attachment-${index + 1}`,
    contentType: a.contentType,
    size: a.size,
  }));
  return {
    id,
    folder: folder as MailFolder,
    from: mail.from?.text ?? summary.from,
    fromAddresses: addresses(mail.from),
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    // Only the sender's own copy (Sent) carries a Bcc header.
    bcc: addresses(mail.bcc),
    subject: mail.subject ?? summary.subject,
    date: summary.date,
    messageId: mail.messageId ?? summary.messageId,
    references,
    text: mail.text ?? '',
    htmlDocument: typeof mail.html === 'string' && mail.html.trim() ? mailDocument(sanitizeMailHtml(mail.html)) : null,
    attachments,
  };
}

/** One attachment as a download: never rendered by the browser, never sniffed, never run. */
export async function downloadAttachment(user: string, folder: Folder, id: string, indexText: string | undefined): Promise<Response> {
  const index = Number(indexText);
  const { mail } = await load(user, folder, id);
  const attachment = Number.isInteger(index) && index >= 0 ? attachmentsOf(mail)[index] : undefined;
  if (!attachment) throw new HttpError(404, 'not_found', 'The message has no such attachment.');
  const name = attachment.filename || `attachment-${index + 1}`;
  return new Response(new Uint8Array(attachment.content), {
    headers: {
      'Content-Type': 'application/octet-stream',
      ...attachmentHeaders(name),
      'Cache-Control': 'private, no-store',
    },
  });
}
