// The parsed summary of a raw message (mailparser): what a mailbox listing shows, and for a
// larger message the start of its text for search (mailbox.ts searchTextBytesMax). Pure: the
// arrival time comes in as an argument. Never throws on a malformed message — a message whose
// headers cannot be read is still delivered, with what could be read.
import { simpleParser, type AddressObject, type EmailAddress } from 'mailparser';
import { clip, inlineBytesMax, searchTextBytesMax, summaryLimits, type Folder, type MessageSummary } from './mailbox.ts';
import { messageBodyText } from './message-body-text.ts';
import { headerEnd } from './message-text.ts';

export interface SummaryFields {
  id: string;
  folder: Folder;
  size: number;
  chunks: number;
  receivedAt: Date;
  unread: boolean;
}

/** The fields of a summary that come from the message itself. */
export type ParsedFields = Pick<MessageSummary, 'from' | 'to' | 'cc' | 'subject' | 'date' | 'hasAttachments' | 'messageId' | 'snippet' | 'searchText'>;

/**
 * Messages of more than this many octets get a search text when parsed; summarize keeps it only
 * for a message stored in chunks. Half of inlineBytesMax, not all of it: the octets parsed can be
 * fewer than those stored (a delivery parses the message before its trace fields are added), and
 * a store whose chunkBytes is under inlineBytesMax chunks smaller messages. Below it the work
 * would be thrown away for nearly every message, as most mail is stored inline.
 */
export const searchTextFromBytes = inlineBytesMax / 2;

/** Body octets of a one-part message parsed for its snippet: enough for snippetChars of text in any encoding. */
const snippetBodyBytes = 2048;

/** The first characters of a body's text, whitespace runs as one space; HTML without its tags. */
export function snippetOf(text: string | undefined, html: string | false | undefined): string {
  const source = text?.trim() ? text : typeof html === 'string' ? html.replace(/<(style|script|head)[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ').replace(/&nbsp;/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>') : '';
  const flat = source.replace(/\s+/g, ' ').trim();
  return flat.length <= summaryLimits.snippetChars ? flat : flat.slice(0, summaryLimits.snippetChars - 1) + '…';
}

/**
 * A message whose one part is plain text or HTML (no multipart, no Content-Disposition) has no
 * attachments, and its summary needs only the header section: parsing just that gives the same
 * fields at a fraction of the cost of the whole body (most mail is such a message).
 */
function headerOnlyWillDo(head: string): boolean {
  if (/^content-disposition[ \t]*:/im.test(head)) return false;
  const type = /^content-type[ \t]*:[ \t]*(?:\r?\n[ \t]+)?([^;\s]*)/im.exec(head);
  return !type || /^text\/(plain|html)$/i.test(type[1] ?? '');
}

export async function parseMessage(raw: Buffer, receivedAt: Date): Promise<ParsedFields> {
  try {
    const end = headerEnd(raw);
    // A one-part message: its header and the start of its body (for the snippet) will do.
    const input = headerOnlyWillDo(raw.subarray(0, end).toString('latin1')) ? raw.subarray(0, Math.min(raw.length, end + snippetBodyBytes)) : raw;
    // skipHtmlToText/skipTextToHtml: the listing needs neither conversion.
    const mail = await simpleParser(input, { skipHtmlToText: true, skipTextToHtml: true, skipTextLinks: true });
    // mailparser puts the current time in place of a malformed Date; read the header itself so
    // the summary depends only on the message and the arrival time.
    const dateLine = mail.headerLines.find((h) => h.key === 'date')?.line ?? '';
    const headerDate = new Date(dateLine.slice(dateLine.indexOf(':') + 1).trim());
    const date = dateLine && !Number.isNaN(headerDate.getTime()) ? headerDate : receivedAt;
    return {
      from: clip(mail.from ? displayList(mail.from)[0] ?? '' : ''),
      to: displayList(mail.to),
      cc: displayList(mail.cc),
      subject: clip(mail.subject ?? ''),
      date: date.toISOString(),
      // Inline images of an HTML body (related parts) are not attachments to the reader.
      hasAttachments: mail.attachments.some((a) => !a.related),
      messageId: clip(mail.messageId ?? ''),
      snippet: snippetOf(mail.text, mail.html),
      ...(raw.length > searchTextFromBytes ? { searchText: searchTextOf(raw) } : {}),
    };
  } catch {
    const searchText = raw.length > searchTextFromBytes ? { searchText: searchTextOf(raw) } : {};
    return { from: '', to: [], cc: [], subject: '', date: receivedAt.toISOString(), hasAttachments: false, messageId: '', snippet: '', ...searchText };
  }
}

/**
 * The start of a message's body text as mail search reads it (message-body-text.ts), whitespace
 * runs as one space, cut on a character boundary at searchTextBytesMax bytes of UTF-8.
 */
export function searchTextOf(raw: Buffer): string {
  return cutUtf8(messageBodyText(raw, searchTextBytesMax).replace(/\s+/g, ' ').trim(), searchTextBytesMax);
}

/** `text` cut to at most `bytesMax` bytes of UTF-8, never inside a character. */
export function cutUtf8(text: string, bytesMax: number): string {
  // A UTF-16 code unit takes at most three bytes of UTF-8: most text is known short unencoded.
  if (text.length <= bytesMax / 3) return text;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= bytesMax) return text;
  let end = bytesMax;
  // A continuation byte (10xxxxxx) at the cut belongs to a character begun before it.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.toString('utf8', 0, end);
}

export function summarize(parsed: ParsedFields, fields: SummaryFields): MessageSummary {
  // Only a chunked message carries its search text: an inline one's raw follows its summary.
  const { searchText, ...rest } = parsed;
  return {
    ...rest,
    id: fields.id,
    folder: fields.folder,
    size: fields.size,
    chunks: fields.chunks,
    receivedAt: fields.receivedAt.toISOString(),
    unread: fields.unread,
    ...(fields.chunks > 0 && searchText ? { searchText } : {}),
  };
}

function displayList(header: AddressObject | AddressObject[] | undefined): string[] {
  if (!header) return [];
  const out: string[] = [];
  const visit = (a: EmailAddress) => {
    if (a.group) a.group.forEach(visit);
    else if (a.address || a.name) out.push(clip(a.name ? `${a.name} <${a.address ?? ''}>` : (a.address ?? '')));
  };
  for (const object of Array.isArray(header) ? header : [header]) object.value.forEach(visit);
  return out.slice(0, summaryLimits.addressesMax);
}
