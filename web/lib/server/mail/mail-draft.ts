// Saving a draft as a person types: the fields of the send form, made into a plain-text
// RFC 5322 message and stored in Drafts with \Draft and \Seen; the draft it replaces (the one
// saved a moment before) is removed after (cluster/model/mail/mail-folders.ts saveDraft). The
// recipients are kept as typed, even half-written: they are only checked when the mail is sent.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isMessageId } from '../../../../cluster/model/mail/message-id.ts';
import { HttpError } from '../errors';
import { folderCall, mailContext } from './mail-context';

export const draftSchema = z.object({
  to: z.string().max(10_000).optional().default(''),
  cc: z.string().max(10_000).optional().default(''),
  bcc: z.string().max(10_000).optional().default(''),
  subject: z.string().max(998, 'The subject is longer than 998 characters.').default(''),
  text: z.string().max(1_000_000, 'The message is longer than 1,000,000 characters.').default(''),
  inReplyTo: z.string().max(998).optional(),
  references: z.array(z.string().max(998)).max(50).optional(),
  /** The id of the draft this one replaces (the last one saved). */
  replaces: z.string().refine(isMessageId, '`replaces` must be the id of a draft.').optional(),
});

/** A header value on one line: line breaks would start headers of their own. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').trim();
}

/** RFC 2047 encoded-word for a value that is not plain ASCII. */
function encodedWord(value: string): string {
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}

export function composeDraft(user: string, domain: string, input: z.infer<typeof draftSchema>, now: Date): Buffer {
  const headers = [
    `From: ${user}@${domain}`,
    ...(['to', 'cc', 'bcc'] as const).filter((k) => input[k].trim()).map((k) => `${k === 'to' ? 'To' : k === 'cc' ? 'Cc' : 'Bcc'}: ${encodedWord(oneLine(input[k]))}`),
    `Subject: ${encodedWord(oneLine(input.subject))}`,
    `Date: ${now.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${now.getTime().toString(36)}.${randomBytes(8).toString('hex')}@${domain}>`,
    ...(input.inReplyTo ? [`In-Reply-To: ${oneLine(input.inReplyTo)}`] : []),
    ...(input.references?.length ? [`References: ${input.references.map(oneLine).join(' ')}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
  ];
  const body = (Buffer.from(input.text, 'utf8').toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
  return Buffer.from(`${headers.join('\r\n')}\r\n\r\n${body}\r\n`, 'utf8');
}

export async function saveDraft(user: string, input: z.infer<typeof draftSchema>): Promise<{ id: string; uid: number }> {
  const { folders, domain } = mailContext();
  const raw = composeDraft(user, domain, input, new Date());
  return folderCall(() => folders.saveDraft(user, raw, input.replaces));
}

/** After a draft was sent: it leaves Drafts (quietly when it is gone already). */
export async function dropSentDraft(user: string, id: string | undefined): Promise<void> {
  if (id === undefined) return;
  if (!isMessageId(id)) throw new HttpError(400, 'invalid_argument', '`draftId` must be the id of a draft.');
  await mailContext().mailbox.remove(user, 'drafts', id);
}
