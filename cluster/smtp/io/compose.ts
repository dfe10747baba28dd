// Composing a message for Mail.Send with nodemailer's MailComposer: MIME structure, encodings,
// Date and Message-ID. File and URL access are off — content comes only from the request.
import { randomBytes } from 'node:crypto';
import addressparser from 'nodemailer/lib/addressparser';
import MailComposer from 'nodemailer/lib/mail-composer';

export interface ComposeInput {
  from: { name: string; address: string };
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; contentType: string; content: Buffer }[];
  inReplyTo: string;
  references: string[];
  domain: string;
  date: Date;
}

export interface Composed {
  /** What recipients get (no Bcc header). */
  message: Buffer;
  /** The sender's copy, with the Bcc header kept. */
  sentCopy: Buffer;
  messageId: string;
}

export async function compose(input: ComposeInput): Promise<Composed> {
  const messageId = `<${input.date.getTime().toString(36)}.${randomBytes(8).toString('hex')}@${input.domain}>`;
  const options = {
    from: input.from,
    to: input.to,
    cc: input.cc,
    bcc: input.bcc,
    subject: input.subject,
    text: input.text,
    ...(input.html ? { html: input.html } : {}),
    attachments: input.attachments.map((a) => ({ filename: a.filename, content: a.content, ...(a.contentType ? { contentType: a.contentType } : {}) })),
    ...(input.inReplyTo ? { inReplyTo: input.inReplyTo } : {}),
    ...(input.references.length ? { references: input.references } : {}),
    messageId,
    date: input.date,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
  const build = (keepBcc: boolean) => {
    const node = new MailComposer(options).compile();
    node.keepBcc = keepBcc;
    return node.build();
  };
  const [message, sentCopy] = await Promise.all([build(false), build(true)]);
  return { message, sentCopy, messageId };
}

/** The bare addresses in an address field entry ("Bob <bob@x>", "a@x, b@y"); [] when none parse. */
export function addressesIn(field: string): string[] {
  return addressparser(field, { flatten: true })
    .map((a) => a.address)
    .filter((a) => a !== '');
}
