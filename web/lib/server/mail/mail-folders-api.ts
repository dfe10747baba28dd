// The webmail's folder operations: the folders with their counts, making, renaming and deleting
// one, moving, flagging and deleting messages, Empty Trash — over the model's MailFolders
// (cluster/model/mail/mail-folders.ts), with its refusals told as HTTP errors (folderCall).
import { z } from 'zod';
import type { FolderInfo } from '../../../../cluster/model/mail/mail-folders.ts';
import type { Folder, MessageFlag } from '../../../../cluster/model/mail/mailbox.ts';
import { HttpError } from '../errors';
import { folderCall, mailContext, messageGone } from './mail-context';
import { toApi, type FolderMessage } from './mail-list';

export interface FoldersAnswer {
  folders: FolderInfo[];
  quota: { usedBytes: number; quotaBytes: number };
}

export async function listFolders(user: string): Promise<FoldersAnswer> {
  const { folders, mailbox, quotaBytes } = mailContext();
  const [list, usage] = await Promise.all([folderCall(() => folders.listFolders(user)), mailbox.usage(user)]);
  return { folders: list, quota: { usedBytes: usage.bytes, quotaBytes } };
}

export const folderNameSchema = z.object({ name: z.string({ error: 'Send {"name": "…"}.' }).max(1000, 'The folder name is too long.') });

export async function createFolder(user: string, name: string): Promise<FolderInfo> {
  return folderCall(() => mailContext().folders.createFolder(user, name));
}

export async function renameFolder(user: string, id: string, name: string): Promise<FolderInfo> {
  const { folders } = mailContext();
  await folderCall(() => folders.renameFolder(user, id, name));
  return (await folders.folder(user, id)) as FolderInfo;
}

export async function deleteFolder(user: string, id: string): Promise<void> {
  await folderCall(() => mailContext().folders.deleteFolder(user, id));
}

/** Empty Trash (or Junk): every message in it deleted for good. */
export async function emptyFolder(user: string, folder: Folder): Promise<number> {
  if (folder !== 'trash' && folder !== 'junk') throw new HttpError(405, 'method_not_allowed', 'Only Trash and Junk can be emptied; move or delete messages from other folders.');
  return folderCall(() => mailContext().folders.emptyFolder(user, folder));
}

export const messagePatchSchema = z
  .object({
    unread: z.boolean().optional(),
    flagged: z.boolean().optional(),
    answered: z.boolean().optional(),
    /** Move to this folder (its id). */
    folder: z.string().max(20).optional(),
    /** From Trash: back to the folder it was deleted from (the Inbox when that folder is gone). */
    restore: z.literal(true).optional(),
  })
  .refine((b) => b.unread !== undefined || b.flagged !== undefined || b.answered !== undefined || b.folder !== undefined || b.restore !== undefined, {
    error: 'Send {"unread": true|false}, {"flagged": true|false}, {"answered": true|false}, {"folder": "<folder id>"} or {"restore": true}.',
  })
  .refine((b) => !(b.restore && b.folder !== undefined), { error: 'Send either "folder" or "restore", not both.' });

/** Sets flags, then moves (when asked); answers the message as it now is (a move gives it a new id). */
export async function patchMessage(user: string, folder: Folder, id: string, body: z.infer<typeof messagePatchSchema>): Promise<FolderMessage> {
  const { folders, mailbox } = mailContext();
  const add: MessageFlag[] = [];
  const remove: MessageFlag[] = [];
  const set = (flag: MessageFlag, on: boolean | undefined) => (on === undefined ? undefined : (on ? add : remove).push(flag));
  set('\\Seen', body.unread === undefined ? undefined : !body.unread);
  set('\\Flagged', body.flagged);
  set('\\Answered', body.answered);
  let here = folder;
  let current = id;
  if (add.length || remove.length) {
    const changed = await mailbox.changeFlags(user, folder, id, (flags) => [...flags.filter((f) => !remove.includes(f)), ...add]);
    if (!changed) throw messageGone();
  }
  const target = body.restore ? await restoreTarget(user, folder, id) : body.folder;
  if (target !== undefined && target !== folder) {
    const moved = await folderCall(() => folders.move(user, folder, [id], target));
    const to = moved.moved[0];
    if (!to) throw messageGone();
    here = target;
    current = to.newId;
  }
  const summary = await mailbox.summary(user, here, current);
  if (!summary) throw messageGone();
  return toApi(summary);
}

/** Where Restore puts a message of Trash: the folder it was deleted from while it exists, else the Inbox. */
async function restoreTarget(user: string, folder: Folder, id: string): Promise<Folder> {
  if (folder !== 'trash') throw new HttpError(400, 'invalid_argument', 'Only a message in Trash can be restored.');
  const { folders, mailbox } = mailContext();
  const summary = await mailbox.summary(user, folder, id);
  if (!summary) throw messageGone();
  const from = summary.trashedFrom;
  return from !== undefined && from !== 'trash' && (await folders.folder(user, from))?.id === from ? from : 'inbox';
}

/** Delete as a person means it: to Trash, or for good from Trash. */
export async function deleteMessage(user: string, folder: Folder, id: string): Promise<{ ok: true; trashId: string | null }> {
  const result = await folderCall(() => mailContext().folders.deleteMessage(user, folder, id));
  if (result === undefined) throw messageGone();
  return { ok: true, trashId: result };
}
