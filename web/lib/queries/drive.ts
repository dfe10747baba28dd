// The drive for the pages: one queryOptions per folder listing, shared by the page's server
// prefetch and the client hook, the mutations as plain functions, and uploads through
// XMLHttpRequest, whose upload events give the progress bar (fetch has none for request bodies).
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { ApiError, apiRequest } from '../api-client';
import type { DriveItem, FolderListing } from '../drive-api';

export type { Crumb, DriveItem, FolderListing } from '../drive-api';

export const rootFolderId = 'root';

export const folderQueryKey = (id: string) => ['drive', 'folder', id] as const;

const folderPageUrl = (id: string, cursor: string | null) => `/api/drive/folders/${encodeURIComponent(id)}${cursor ? `?${new URLSearchParams({ cursor })}` : ''}`;

/** A folder's listing page by page (the server's order: folders first, then by name); each page's `next` asks for the one after. */
export const folderQuery = (id: string) =>
  infiniteQueryOptions({
    queryKey: folderQueryKey(id),
    queryFn: ({ pageParam, signal }) => apiRequest<FolderListing>('GET', folderPageUrl(id, pageParam), undefined, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
    staleTime: 5_000,
  });

/** Only the first page of a folder (the move dialog: folders come first). */
export const folderFirstPageQuery = (id: string) =>
  queryOptions({
    queryKey: ['drive', 'folder-first-page', id] as const,
    queryFn: ({ signal }) => apiRequest<FolderListing>('GET', folderPageUrl(id, null), undefined, signal),
    staleTime: 5_000,
  });

/** Names asked about at once (the server's limit). */
export const namesPerAsk = 1000;

/** Which of `names` items of the folder hold now. */
export const namesHeld = (folder: string, names: string[]) =>
  apiRequest<{ held: { name: string; id: string; kind: 'file' | 'folder' }[] }>('POST', `/api/drive/folders/${encodeURIComponent(folder)}/names`, { names });

export const downloadUrl = (id: string) => `/api/drive/files/${encodeURIComponent(id)}`;

export const createFolder = (parent: string, name: string) => apiRequest<{ item: DriveItem }>('POST', '/api/drive/folders', { parent, name });

export const deleteItem = (id: string) =>
  apiRequest<{ deleted: { files: number; folders: number; bytes: number } }>('DELETE', `/api/drive/items/${encodeURIComponent(id)}`);

/** Rename and/or move. */
export const updateItem = (id: string, change: { name?: string; parent?: string }) =>
  apiRequest<{ item: DriveItem }>('PATCH', `/api/drive/items/${encodeURIComponent(id)}`, change);

export interface UploadHandle {
  done: Promise<DriveItem>;
  cancel(): void;
}

/** Sends one file as the raw body of POST /api/drive/files, reporting bytes sent. */
export function uploadFile(folder: string, file: File, onProgress: (sent: number, total: number) => void): UploadHandle {
  const xhr = new XMLHttpRequest();
  const done = new Promise<DriveItem>((resolve, reject) => {
    const query = new URLSearchParams({ folder, name: file.name });
    xhr.open('POST', `/api/drive/files?${query}`);
    xhr.setRequestHeader('Content-Type', file.type || 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.responseType = 'json';
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    xhr.onload = () => {
      const data = xhr.response as { item?: DriveItem; error?: string; code?: string } | null;
      if (xhr.status === 201 && data?.item) resolve(data.item);
      else reject(new ApiError(xhr.status, data?.code ?? 'error', data?.error ?? `The server answered ${xhr.status}.`));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'The connection was lost during the upload.'));
    xhr.onabort = () => reject(new ApiError(0, 'cancelled', 'Cancelled.'));
    xhr.send(file);
  });
  return { done, cancel: () => xhr.abort() };
}
