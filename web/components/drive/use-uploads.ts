'use client';
// The upload queue of the drive page. Added files are first checked against the target
// folder's names, fetched fresh (and against each other): for each clash the person chooses
// Replace, Keep both ("name (1).ext") or Skip, once or for the rest of the batch, before a byte
// is sent. Then files go up at most `parallel` at a time with the tus protocol (upload-tus.ts),
// each with its progress, a cancel, and its outcome; one interrupted (a reload, a frontend gone)
// resumes when the same file is added again. A file that cannot fit in the free room is refused
// here at once (the server refuses it too). When one finishes, its folder's listing is fetched
// again.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { formatBytes } from '../../lib/format-bytes';
import { folderQueryKey, namesHeld, namesPerAsk } from '../../lib/queries/drive';
import { unfinishedQueryKey } from './upload-interrupted';
import { findClashes, keepBothName, normalName, type ClashChoice } from './upload-names';
import { startTusUpload, type TusHandle, type UploadError } from './upload-tus';

export type UploadState = 'checking' | 'asking' | 'waiting' | 'sending' | 'saving' | 'done' | 'failed' | 'cancelled' | 'skipped';

/** A name clash waiting for the person's choice. */
export interface Clash {
  /** The name taken. */
  name: string;
  /** Only a file of the folder can be replaced (not a folder, nor another file of the same batch). */
  canReplace: boolean;
  keepBothName: string;
  /** Clashes of the same batch still to decide after this one. */
  later: number;
  answer(choice: ClashChoice, all: boolean): void;
}

export interface Upload {
  key: number;
  file: File;
  folder: string;
  folderName: string;
  /** The name it is stored under. */
  name: string;
  /** The id of the file it replaces once complete. */
  replace?: string;
  sent: number;
  state: UploadState;
  error?: string;
  /** It continues an earlier upload of the same file, from this many bytes. */
  resumedAt?: number;
  clash?: Clash;
}

const parallel = 3;
/** Keep both names ("a (1).txt" …) asked about for each name that clashes. */
const keepBothProbes = 20;

/** The first `count` names Keep both may pick for `name`, in the order it tries them. */
function keepBothCandidates(name: string, count: number): string[] {
  const picked = new Set<string>();
  for (let i = 0; i < count; i++) picked.add(keepBothName(name, picked));
  return [...picked];
}

export const activeStates: readonly UploadState[] = ['checking', 'asking', 'waiting', 'sending', 'saving'];

export function useUploads(freeBytes: number | undefined) {
  const queryClient = useQueryClient();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const handles = useRef(new Map<number, TusHandle>());
  const cancelled = useRef(new Set<number>());
  const nextKey = useRef(1);
  const update = useCallback((key: number, change: Partial<Upload>) => {
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));
  }, []);

  /** Which of `names` items of the folder hold now (asked of the server: a folder may be too big to list whole). */
  const namesIn = useCallback(async (folder: string, names: string[]) => {
    const held = new Map<string, { id: string; kind: 'file' | 'folder' }>();
    for (let i = 0; i < names.length; i += namesPerAsk) {
      const answer = await namesHeld(folder, names.slice(i, i + namesPerAsk));
      for (const h of answer.held) held.set(h.name, { id: h.id, kind: h.kind });
    }
    return held;
  }, []);

  const settleNames = useCallback(
    async (batch: Upload[], folder: string) => {
      const none = () => new Map<string, { id: string; kind: 'file' | 'folder' }>();
      const wanted = batch.map((u) => normalName(u.file.name));
      const existing = await namesIn(folder, wanted).catch(none);
      const plan = findClashes(wanted, existing);
      // Keep both picks "name (n).ext": ask which of the first few such names are taken too.
      const candidates = wanted.filter((n) => existing.has(n)).flatMap((n) => keepBothCandidates(n, keepBothProbes));
      const alsoTaken = candidates.length > 0 ? await namesIn(folder, candidates).catch(none) : none();
      const taken = new Set([...existing.keys(), ...alsoTaken.keys()]);
      for (const p of plan) if (!p.holder && !p.inBatch) taken.add(p.name);
      let remaining = plan.filter((p) => p.holder || p.inBatch).length;
      let forAll: ClashChoice | undefined;
      for (const [i, upload] of batch.entries()) {
        const p = plan[i]!;
        if (cancelled.current.has(upload.key)) continue;
        if (!p.holder && !p.inBatch) {
          update(upload.key, { state: 'waiting', name: p.name });
          continue;
        }
        remaining--;
        const canReplace = p.holderIsFile === true && !p.inBatch;
        let choice = forAll === 'replace' && !canReplace ? undefined : forAll;
        if (!choice) {
          const answer = await new Promise<{ choice: ClashChoice; all: boolean }>((resolve) => {
            const clash: Clash = { name: p.name, canReplace, keepBothName: keepBothName(p.name, taken), later: remaining, answer: (c, all) => resolve({ choice: c, all }) };
            update(upload.key, { state: 'asking', clash });
          });
          choice = answer.choice;
          if (answer.all) forAll = choice;
        }
        if (cancelled.current.has(upload.key)) continue;
        if (choice === 'skip') {
          update(upload.key, { state: 'skipped', clash: undefined });
        } else if (choice === 'replace') {
          update(upload.key, { state: 'waiting', clash: undefined, name: p.name, replace: p.holder });
        } else {
          const name = keepBothName(p.name, taken);
          taken.add(name);
          update(upload.key, { state: 'waiting', clash: undefined, name });
        }
      }
    },
    [namesIn, update],
  );

  const add = useCallback(
    (files: File[], folder: string, folderName: string) => {
      let room = freeBytes ?? Infinity;
      // An interrupted upload's room is reserved already: adding its file again resumes it.
      const unfinished = queryClient.getQueryData<{ uploads: { folder: string; name: string; size: number }[] }>(unfinishedQueryKey)?.uploads ?? [];
      const resumes = (file: File) => unfinished.some((u) => u.folder === folder && u.name === file.name.normalize('NFC') && u.size === file.size);
      const added = files.map((file): Upload => {
        const upload: Upload = { key: nextKey.current++, file, folder, folderName, name: file.name, sent: 0, state: 'checking' };
        if (resumes(file)) return upload;
        if (file.size > room) return { ...upload, state: 'failed', error: `Not enough room: ${formatBytes(file.size)} needed.` };
        room -= file.size;
        return upload;
      });
      setUploads((list) => [...list, ...added]);
      void settleNames(
        added.filter((u) => u.state === 'checking'),
        folder,
      );
    },
    [freeBytes, settleNames, queryClient],
  );

  // Start waiting uploads while fewer than `parallel` are running.
  useEffect(() => {
    const running = uploads.filter((u) => u.state === 'sending' || u.state === 'saving').length;
    const start = uploads.filter((u) => u.state === 'waiting').slice(0, Math.max(0, parallel - running));
    for (const upload of start) {
      const handle = startTusUpload(
        upload.file,
        { folder: upload.folder, name: upload.name, replace: upload.replace },
        {
          onProgress: (sent, total) => update(upload.key, { sent, state: sent >= total ? 'saving' : 'sending' }),
          onResumed: (offset) => update(upload.key, { resumedAt: offset, sent: offset }),
          // The room shown counts what the server has set aside for the upload.
          onCreated: () => void queryClient.invalidateQueries({ queryKey: folderQueryKey(upload.folder) }),
        },
      );
      handles.current.set(upload.key, handle);
      update(upload.key, { state: 'sending' });
      handle.done
        .then(() => update(upload.key, { state: 'done', sent: upload.file.size }))
        .catch((err: UploadError) => update(upload.key, err.code === 'cancelled' ? { state: 'cancelled' } : { state: 'failed', error: err.message }))
        .finally(() => {
          handles.current.delete(upload.key);
          void queryClient.invalidateQueries({ queryKey: folderQueryKey(upload.folder) });
          void queryClient.invalidateQueries({ queryKey: unfinishedQueryKey });
        });
    }
  }, [uploads, update, queryClient]);

  const cancel = useCallback(
    (key: number) => {
      cancelled.current.add(key);
      const handle = handles.current.get(key);
      if (handle) {
        handle.cancel();
        // The room shown (and the list of unfinished uploads) follows once the server has let it go.
        void handle.freed.then(() => queryClient.invalidateQueries({ queryKey: ['drive'] }));
        return;
      }
      setUploads((list) =>
        list.map((u) => {
          if (u.key !== key) return u;
          // A question open for it is answered for this file alone.
          u.clash?.answer('skip', false);
          return { ...u, state: 'cancelled', clash: undefined };
        }),
      );
    },
    [queryClient],
  );

  const clearFinished = useCallback(() => {
    setUploads((list) => list.filter((u) => activeStates.includes(u.state)));
  }, []);

  // Leaving the page stops what is still going, keeping it on the server: adding the same file
  // again resumes it (or, left alone, drive.resumableUploadTtlMs frees it).
  useEffect(() => {
    const running = handles.current;
    return () => running.forEach((h) => h.pause());
  }, []);

  return { uploads, add, cancel, clearFinished };
}
