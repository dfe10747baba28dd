// What the webmail's route handlers hold once per process: the mailbox store and its folders
// (the model layer's cluster/model/mail/mailbox-store.ts and mail-folders.ts, the ones the
// daemon uses too, over this frontend's one ClusterClient) and a gRPC client of the mail daemon
// for sending. Kept on globalThis like context.ts, because Next may load this module once per
// route bundle. Folders appear in URLs by id (inbox, drafts, sent, junk, trash, f<n>).
import { MailClient } from '../../../../cluster/smtp/client.ts';
import { MailboxStore, QuotaFull } from '../../../../cluster/model/mail/mailbox-store.ts';
import { MailFolders } from '../../../../cluster/model/mail/mail-folders.ts';
import { isFolder, type Folder } from '../../../../cluster/model/mail/mailbox.ts';
import { isMessageId } from '../../../../cluster/model/mail/message-id.ts';
import { serverContext } from '../context';
import { HttpError } from '../errors';
import { pathSegments } from '../request';

export interface MailContext {
  mailbox: MailboxStore;
  folders: MailFolders;
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
    const mailbox = new MailboxStore(cluster, config.mail.chunkBytes);
    const { foldersMax, folderNameCharsMax, mailboxQuotaBytes, trashRetentionMs, trashSweepIntervalMs } = config.mail;
    const folders = new MailFolders(mailbox, { foldersMax, nameCharsMax: folderNameCharsMax, quotaBytes: mailboxQuotaBytes, trashRetentionMs, trashSweepIntervalMs });
    holder[key] = { mailbox, folders, sender: new MailClient(config), domain: config.mail.domain, quotaBytes: config.mail.mailboxQuotaBytes, sortMessagesMax: config.mail.sortMessagesMax };
  }
  return holder[key];
}

/** The path segments after /api/mail/, checked: a folder, then optionally a message id and more. */
export function mailPath(req: Request): { folder: Folder; id: string | undefined; rest: string[] } {
  const [folder, id, ...rest] = pathSegments(req, 2);
  if (!folder || !isFolder(folder)) throw noSuchFolder();
  if (id !== undefined && !isMessageId(id)) throw new HttpError(404, 'not_found', 'There is no such message.');
  return { folder, id, rest };
}

export function messageGone(): HttpError {
  return new HttpError(404, 'not_found', 'The message does not exist (any more).');
}

export function noSuchFolder(): HttpError {
  return new HttpError(404, 'not_found', 'There is no such mail folder.');
}

/**
 * Runs a folder operation, telling the person what the model refused: by the FolderError's
 * code (checked by shape, as Next may bundle the model once per route) or a full mailbox.
 */
export async function folderCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof Error && err.name === 'FolderError') {
      const code = (err as { code?: string }).code;
      if (code === 'nonexistent') throw new HttpError(404, 'not_found', err.message);
      if (code === 'exists') throw new HttpError(409, 'exists', err.message);
      if (code === 'limit') throw new HttpError(409, 'limit', err.message);
      throw new HttpError(400, 'invalid_argument', err.message);
    }
    if (err instanceof QuotaFull || (err instanceof Error && /mailbox is full$/.test(err.message))) {
      throw new HttpError(409, 'mailbox_full', 'Your mailbox is full: delete some mail first.');
    }
    throw err;
  }
}
