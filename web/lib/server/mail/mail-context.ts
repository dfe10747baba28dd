// What the webmail's route handlers hold once per process: the mailbox store (the model layer's
// cluster/model/mail/mailbox-store.ts, the one the daemon uses too, over this frontend's one
// ClusterClient) and a gRPC client of the mail daemon for sending. Kept on globalThis like
// context.ts, because Next may load this module once per route bundle.
import { MailClient } from '../../../../cluster/smtp/client.ts';
import { MailboxStore } from '../../../../cluster/model/mail/mailbox-store.ts';
import { isFolder, type Folder } from '../../../../cluster/model/mail/mailbox.ts';
import { isMessageId } from '../../../../cluster/model/mail/message-id.ts';
import { serverContext } from '../context';
import { HttpError } from '../errors';
import { pathSegments } from '../request';

export interface MailContext {
  mailbox: MailboxStore;
  sender: MailClient;
  domain: string;
  /** mail.mailboxQuotaBytes and mail.sortMessagesMax. */
  quotaBytes: number;
  sortMessagesMax: number;
}

const key = Symbol.for('penncloud.web.mail');

export function mailContext(): MailContext {
  const holder = globalThis as { [key]?: MailContext };
  if (!holder[key]) {
    const { config, cluster } = serverContext();
    holder[key] = { mailbox: new MailboxStore(cluster, config.mail.chunkBytes), sender: new MailClient(config), domain: config.mail.domain, quotaBytes: config.mail.mailboxQuotaBytes, sortMessagesMax: config.mail.sortMessagesMax };
  }
  return holder[key];
}

/** The path segments after /api/mail/, checked: a folder, then optionally a message id and more. */
export function mailPath(req: Request): { folder: Folder; id: string | undefined; rest: string[] } {
  const [folder, id, ...rest] = pathSegments(req, 2);
  if (!folder || !isFolder(folder)) throw new HttpError(404, 'not_found', 'There is no such mail folder (inbox or sent).');
  if (id !== undefined && !isMessageId(id)) throw new HttpError(404, 'not_found', 'There is no such message.');
  return { folder, id, rest };
}

export function messageGone(): HttpError {
  return new HttpError(404, 'not_found', 'The message does not exist (any more).');
}
