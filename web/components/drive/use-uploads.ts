'use client';
// The upload queue of the drive page: files wait, then go up at most `parallel` at a time, each
// with its progress, a cancel, and its outcome. A file that cannot fit in the free room is
// refused here at once (the server refuses it too). When one finishes, its folder's listing is
// fetched again.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { formatBytes } from '../../lib/format-bytes';
import { folderQueryKey, uploadFile, type UploadHandle } from '../../lib/queries/drive';

export type UploadState = 'waiting' | 'sending' | 'saving' | 'done' | 'failed' | 'cancelled';

export interface Upload {
  key: number;
  file: File;
  folder: string;
  folderName: string;
  sent: number;
  state: UploadState;
  error?: string;
}

const parallel = 3;

export function useUploads(freeBytes: number | undefined) {
  const queryClient = useQueryClient();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const handles = useRef(new Map<number, UploadHandle>());
  const nextKey = useRef(1);
  const update = useCallback((key: number, change: Partial<Upload>) => {
    setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...change } : u)));
  }, []);

  const add = useCallback(
    (files: File[], folder: string, folderName: string) => {
      let room = freeBytes ?? Infinity;
      const added = files.map((file): Upload => {
        const upload: Upload = { key: nextKey.current++, file, folder, folderName, sent: 0, state: 'waiting' };
        if (file.size > room) return { ...upload, state: 'failed', error: `Not enough room: ${formatBytes(file.size)} needed.` };
        room -= file.size;
        return upload;
      });
      setUploads((list) => [...list, ...added]);
    },
    [freeBytes],
  );

  // Start waiting uploads while fewer than `parallel` are running.
  useEffect(() => {
    const running = uploads.filter((u) => u.state === 'sending' || u.state === 'saving').length;
    const start = uploads.filter((u) => u.state === 'waiting').slice(0, Math.max(0, parallel - running));
    for (const upload of start) {
      const handle = uploadFile(upload.folder, upload.file, (sent, total) =>
        update(upload.key, { sent, state: sent >= total ? 'saving' : 'sending' }),
      );
      handles.current.set(upload.key, handle);
      update(upload.key, { state: 'sending' });
      handle.done
        .then(() => update(upload.key, { state: 'done', sent: upload.file.size }))
        .catch((err: Error & { code?: string }) =>
          update(upload.key, err.code === 'cancelled' ? { state: 'cancelled' } : { state: 'failed', error: err.message }),
        )
        .finally(() => {
          handles.current.delete(upload.key);
          void queryClient.invalidateQueries({ queryKey: folderQueryKey(upload.folder) });
        });
    }
  }, [uploads, update, queryClient]);

  const cancel = useCallback(
    (key: number) => {
      const handle = handles.current.get(key);
      if (handle) handle.cancel();
      else update(key, { state: 'cancelled' });
    },
    [update],
  );

  const clearFinished = useCallback(() => {
    setUploads((list) => list.filter((u) => u.state === 'waiting' || u.state === 'sending' || u.state === 'saving'));
  }, []);

  // Leaving the page cancels what is still going (the server then frees its chunks).
  useEffect(() => {
    const running = handles.current;
    return () => running.forEach((h) => h.cancel());
  }, []);

  return { uploads, add, cancel, clearFinished };
}
