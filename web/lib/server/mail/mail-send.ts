// Sending from the web: the recipient fields as a person types them (commas, semicolons or
// spaces between addresses; a bare username means a local user) and files to attach, checked
// here so a bad address is named before anything is sent, then handed to the mail daemon's gRPC
// Send, which stores the Sent copy, delivers locally and queues the rest — the same path as SMTP.
import { z } from 'zod';
import { usernamePattern } from '../../../../cluster/model/accounts/username.ts';
import { parseAddress } from '../../../../cluster/model/mail/addresses.ts';
import { isMessageId } from '../../../../cluster/model/mail/message-id.ts';
import type { SendMailResult } from '../../queries/mail';
import type { Config } from '../../../../cluster/common/config.ts';
import { formatBytes } from '../../format-bytes';
import { serverContext } from '../context';
import { HttpError } from '../errors';
import { mailContext } from './mail-context';
import { dropSentDraft } from './mail-draft';

export const recipientsMax = 50;
export const attachmentsMax = 20;

const uploadedFile = z.object({
  filename: z.string().max(255, 'An attachment’s name is longer than 255 characters.'),
  contentType: z.string().max(255),
  content: z.instanceof(Buffer),
});

/** JSON, or a multipart form (files under `attachments`; `references` space-separated there). */
export const sendSchema = z.object({
  to: z.string().max(10_000),
  cc: z.string().max(10_000).optional().default(''),
  bcc: z.string().max(10_000).optional().default(''),
  subject: z.string().max(998, 'The subject is longer than 998 characters.').default(''),
  text: z.string().max(1_000_000, 'The message is longer than 1,000,000 characters.').default(''),
  inReplyTo: z.string().max(998).optional(),
  references: z
    .union([z.array(z.string().max(998)), z.string().max(50_000).transform((s) => s.split(/\s+/).filter(Boolean))])
    .pipe(z.array(z.string().max(998)).max(50))
    .optional(),
  attachments: z.array(uploadedFile).max(attachmentsMax, `At most ${attachmentsMax} attachments per message.`).default([]),
  /** The draft this message was written in: it leaves Drafts once the message is sent. */
  draftId: z.string().refine(isMessageId, '`draftId` must be the id of a draft.').optional(),
});

/** The send route's largest body: a whole message's worth of attachments, plus the form around them. */
export function sendBodyBytesMax(config: Readonly<Config>): number {
  return config.mail.messageBytesMax + 256 * 1024;
}

/** The addresses in a typed field; throws naming the first one that is not an address. */
export function parseRecipients(field: string, domain: string, label: string): string[] {
  const out: string[] = [];
  for (const token of field.split(/[\s,;]+/).filter(Boolean)) {
    // "Name <a@b>" pasted whole: the part in angle brackets.
    const address = token.replace(/^<(.*)>$/, '$1');
    const full = address.includes('@') ? address : usernamePattern.test(address.toLowerCase()) ? `${address.toLowerCase()}@${domain}` : address;
    const parsed = parseAddress(full);
    if (!parsed || !/^[^@\s]+$/.test(parsed.local) || !/^[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(parsed.domain)) {
      throw new HttpError(400, 'invalid_argument', `“${token}” in ${label} is not an email address.`);
    }
    out.push(full);
  }
  return out;
}

export async function sendMail(user: string, input: z.infer<typeof sendSchema>): Promise<SendMailResult> {
  const { sender, domain } = mailContext();
  const { config } = serverContext();
  const to = parseRecipients(input.to, domain, 'To');
  const cc = parseRecipients(input.cc, domain, 'Cc');
  const bcc = parseRecipients(input.bcc, domain, 'Bcc');
  if (to.length === 0) throw new HttpError(400, 'invalid_argument', 'Add at least one recipient in To.');
  if (to.length + cc.length + bcc.length > recipientsMax) throw new HttpError(400, 'invalid_argument', `At most ${recipientsMax} recipients per message.`);
  const attachments = input.attachments.map((a) => ({
    // A browser sends a file's own name; only its last path segment is kept, and never an empty one.
    filename: a.filename.split(/[\\/]/).pop()?.trim() || 'attachment',
    contentType: a.contentType === 'application/octet-stream' ? '' : a.contentType,
    content: a.content,
  }));
  const result = await sender
    .send({ user, to, cc, bcc, subject: input.subject, text: input.text, inReplyTo: input.inReplyTo, references: input.references, attachments })
    .catch((err: unknown) => {
      // The daemon's refusals name the address ("there is no user x@localhost"): told as a sentence.
      // Checked by shape, not instanceof: the MailClient is shared through globalThis, and Next
      // bundles cluster/common/errors.ts once per route, so its PennError may be another copy.
      const code = refusalCode(err);
      if (code === 'resource_exhausted' && err instanceof Error && /^the message is \d+ bytes/.test(err.message)) {
        // Attachments travel base64-encoded: a third larger than the files.
        const filesMax = formatBytes(Math.floor((config.mail.messageBytesMax * 3) / 4));
        throw new HttpError(413, 'too_large', `The message is too large to send: its attachments may be about ${filesMax} in all.`);
      }
      // The daemon's limits carry their RFC 3463 code in the text: X.7.1 a send limit, X.2.2 a full mailbox.
      if (code === 'resource_exhausted' && err instanceof Error && /4\.7\.1/.test(err.message)) {
        throw new HttpError(429, 'rate_limited', 'You have sent too many messages this hour; try again later.', { 'Retry-After': '300' });
      }
      if (code === 'resource_exhausted' && err instanceof Error && /[45]\.2\.2/.test(err.message)) {
        const text = err.message.replace(/^\d?\s*[45]\.2\.2\s*/, '');
        throw new HttpError(409, 'mailbox_full', /[.!?]$/.test(text) ? text : `${text}.`);
      }
      if (code === 'resource_exhausted') throw new HttpError(503, 'unavailable', 'Mail cannot be sent right now (the outgoing queue is full); try again later.');
      // The daemon's storage could not serve within its deadline (or the daemon is down): a
      // plain "try again" with Retry-After, like every other 503 (errors.ts).
      if (code === 'unavailable') throw new HttpError(503, 'unavailable', 'Mail cannot be sent right now (storage is recovering); try again in a moment.');
      if (code && err instanceof Error) {
        const sentence = err.message.charAt(0).toUpperCase() + err.message.slice(1);
        throw new HttpError(code === 'not_found' ? 404 : 400, code, /[.!?]$/.test(sentence) ? sentence : `${sentence}.`);
      }
      throw err;
    });
  // Sent: the draft it came from goes (a failure to remove it leaves a draft, never a lost send).
  await dropSentDraft(user, input.draftId).catch(() => {});
  return { sentId: result.sentId, delivered: result.delivered, queued: result.queued };
}

function refusalCode(err: unknown): 'not_found' | 'invalid_argument' | 'resource_exhausted' | 'unavailable' | undefined {
  if (!(err instanceof Error) || err.name !== 'PennError') return undefined;
  const code = (err as { code?: unknown }).code;
  if (code === 'deadline_exceeded') return 'unavailable';
  return code === 'not_found' || code === 'invalid_argument' || code === 'resource_exhausted' || code === 'unavailable' ? code : undefined;
}
