'use client';
// What can be done to messages, one at a time or several selected: move, flag, mark read or
// unread, delete (to Trash, with Undo: back to the folder it left), restore from Trash, delete
// for good, Empty Trash. Each answers through `say` (a notice) and refreshes every mail query,
// since a change in one folder changes counts in the sidebar and rows elsewhere.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { apiRequest } from '../../lib/api-client';
import { mailFoldersQuery, refreshMail, type MailRow } from '../../lib/queries/mail';
import { notice, type Notice } from './mail-notice';

type Say = (n: Notice) => void;

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

export function patchMessage(folder: string, id: string, change: { unread?: boolean; flagged?: boolean; folder?: string; restore?: true }): Promise<MailRow> {
  return apiRequest<MailRow>('PATCH', `/api/mail/${folder}/${id}`, change);
}

function failure(err: unknown): string {
  return err instanceof Error ? err.message : 'That did not work; try again.';
}

export function useMailActions(say: Say) {
  const queryClient = useQueryClient();
  const refresh = useCallback(() => refreshMail(queryClient), [queryClient]);

  /** Runs each change (in turn: one mailbox, one state cell), then refreshes; the first failure is said. */
  const each = useCallback(
    async <T>(ids: string[], one: (id: string) => Promise<T>): Promise<T[] | null> => {
      const done: T[] = [];
      try {
        for (const id of ids) done.push(await one(id));
        return done;
      } catch (err) {
        say(notice(failure(err), { error: true }));
        return null;
      } finally {
        await refresh();
      }
    },
    [refresh, say],
  );

  const move = useCallback(
    async (folder: string, ids: string[], to: { id: string; name: string }) => {
      const moved = await each(ids, (id) => patchMessage(folder, id, { folder: to.id }));
      if (moved) say(notice(`${ids.length === 1 ? 'Message' : plural(ids.length, 'message')} moved to ${to.name}.`));
      return moved;
    },
    [each, say],
  );

  const setFlags = useCallback((folder: string, ids: string[], change: { unread?: boolean; flagged?: boolean }) => each(ids, (id) => patchMessage(folder, id, change)), [each]);

  /** To Trash, with Undo; from Trash (or with `forGood`), gone for good. */
  const remove = useCallback(
    async (folder: string, ids: string[]) => {
      const answers = await each(ids, (id) => apiRequest<{ ok: true; trashId: string | null }>('DELETE', `/api/mail/${folder}/${id}`));
      if (!answers) return false;
      const trashIds = answers.flatMap((a) => (a.trashId ? [a.trashId] : []));
      const what = ids.length === 1 ? 'Message' : plural(ids.length, 'message');
      if (trashIds.length === 0) {
        say(notice(`${what} deleted for good.`));
        return true;
      }
      const undo = () => {
        void each(trashIds, (id) => patchMessage('trash', id, { folder })).then((back) => back && say(notice(`${what} put back.`)));
      };
      say(notice(`${what} moved to Trash.`, { undo }));
      return true;
    },
    [each, say],
  );

  const restore = useCallback(
    async (ids: string[]) => {
      // Each goes back to the folder it was deleted from (the Inbox when that one is gone).
      const back = await each(ids, (id) => patchMessage('trash', id, { restore: true }));
      if (back) {
        const names = new Map(queryClient.getQueryData(mailFoldersQuery.queryKey)?.folders.map((f) => [f.id, f.name]));
        const places = [...new Set(back.map((row) => names.get(row.folder) ?? row.folder))];
        say(notice(`${ids.length === 1 ? 'Message' : plural(ids.length, 'message')} restored to ${places.length === 1 ? places[0] : 'the folders they came from'}.`));
      }
      return back;
    },
    [each, queryClient, say],
  );

  const emptyFolder = useCallback(
    async (folder: 'trash' | 'junk') => {
      try {
        const { removed } = await apiRequest<{ removed: number }>('DELETE', `/api/mail/${folder}`);
        say(notice(`${folder === 'trash' ? 'Trash' : 'Junk'} emptied: ${plural(removed, 'message')} deleted for good.`));
      } catch (err) {
        say(notice(failure(err), { error: true }));
      } finally {
        await refresh();
      }
    },
    [refresh, say],
  );

  return { move, setFlags, remove, restore, emptyFolder, refresh };
}

export type MailActions = ReturnType<typeof useMailActions>;
