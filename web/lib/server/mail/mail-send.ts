// Sending from the web: the recipient fields as a person types them (commas, semicolons or
// spaces between addresses; a bare username means a local user), checked here so a bad
// address is named before anything is sent, then handed to the mail daemon's gRPC Send, which
// stores the Sent copy, delivers locally and queues the rest — the same path as SMTP.
import { z } from 'zod';
import { parseAddress, usernamePattern } from '../../../../cluster/smtp/core/addresses.ts';
import type { SendMailResult } from '../../queries/mail';
import { HttpError } from '../errors';
import { mailContext } from './mail-context';

export const recipientsMax = 50;

export const sendSchema = z.object({
  to: z.string().max(10_000),
  cc: z.string().max(10_000).optional().default(''),
  subject: z.string().max(998, 'The subject is longer than 998 characters.').default(''),
  text: z.string().max(1_000_000, 'The message is longer than 1,000,000 characters.').default(''),
  inReplyTo: z.string().max(998).optional(),
  references: z.array(z.string().max(998)).max(50).optional(),
});

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
  const to = parseRecipients(input.to, domain, 'To');
  const cc = parseRecipients(input.cc, domain, 'Cc');
  if (to.length === 0) throw new HttpError(400, 'invalid_argument', 'Add at least one recipient in To.');
  if (to.length + cc.length > recipientsMax) throw new HttpError(400, 'invalid_argument', `At most ${recipientsMax} recipients per message.`);
  const result = await sender
    .send({ user, to, cc, subject: input.subject, text: input.text, inReplyTo: input.inReplyTo, references: input.references })
    .catch((err: unknown) => {
      // The daemon's refusals name the address ("there is no user x@localhost"): told as a sentence.
      // Checked by shape, not instanceof: the MailClient is shared through globalThis, and Next
      // bundles cluster/common/errors.ts once per route, so its PennError may be another copy.
      const code = refusalCode(err);
      if (code && err instanceof Error) {
        const sentence = err.message.charAt(0).toUpperCase() + err.message.slice(1);
        throw new HttpError(code === 'not_found' ? 404 : 400, code, /[.!?]$/.test(sentence) ? sentence : `${sentence}.`);
      }
      throw err;
    });
  return { sentId: result.sentId, delivered: result.delivered, queued: result.queued };
}

function refusalCode(err: unknown): 'not_found' | 'invalid_argument' | undefined {
  if (!(err instanceof Error) || err.name !== 'PennError') return undefined;
  const code = (err as { code?: unknown }).code;
  return code === 'not_found' || code === 'invalid_argument' ? code : undefined;
}
