// A folder page for the API and the page's prefetch: the daemon's summaries, minus the fields
// that only concern storage (chunks) and POP3 (messageId).
import type { Folder } from '../../../../cluster/smtp/core/mailbox.ts';
import { isMessageId } from '../../../../cluster/smtp/core/message-id.ts';
import type { MailPage } from '../../queries/mail';
import { HttpError } from '../errors';
import { mailContext } from './mail-context';

export const mailPageLimitMax = 100;

export async function listFolder(user: string, folder: Folder, before: string | null, limit: number): Promise<MailPage> {
  if (before !== null && !isMessageId(before)) throw new HttpError(400, 'invalid_argument', '`before` must be a message id (the `next` of a page).');
  if (!Number.isInteger(limit) || limit < 1 || limit > mailPageLimitMax) {
    throw new HttpError(400, 'invalid_argument', `\`limit\` must be a whole number from 1 to ${mailPageLimitMax}.`);
  }
  const page = await mailContext().mailbox.page(user, folder, { before: before ?? undefined, limit });
  return {
    messages: page.messages.map((m) => ({
      id: m.id,
      folder: m.folder,
      from: m.from,
      to: m.to,
      cc: m.cc,
      subject: m.subject,
      date: m.date,
      receivedAt: m.receivedAt,
      size: m.size,
      hasAttachments: m.hasAttachments,
      unread: m.unread,
    })),
    next: page.next,
    total: page.total,
  };
}
