// Trash and search for the drive page: queryOptions for the Trash listing and a search, shared
// by the page's server prefetch and the client hooks, and the mutations as plain functions. The
// keys sit under ['drive'], so the page's one invalidation after any change refreshes them too.
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { apiRequest } from '../api-client';
import type { DriveItem } from '../drive-api';
import type { Restored, SearchResults, TrashListing } from '../drive-trash-api';

export type { Restored, SearchHit, SearchResults, TrashItem, TrashListing } from '../drive-trash-api';

/** Trash page by page, newest first; each page's `next` asks for the one after. */
export const trashQuery = infiniteQueryOptions({
  queryKey: ['drive', 'trash'] as const,
  queryFn: ({ pageParam, signal }) => apiRequest<TrashListing>('GET', `/api/drive/trash${pageParam ? `?${new URLSearchParams({ cursor: pageParam })}` : ''}`, undefined, signal),
  initialPageParam: null as string | null,
  getNextPageParam: (last) => last.next,
  staleTime: 5_000,
});

export const searchQuery = (q: string) =>
  queryOptions({
    queryKey: ['drive', 'search', q] as const,
    queryFn: ({ signal }) => apiRequest<SearchResults>('GET', `/api/drive/search?${new URLSearchParams({ q })}`, undefined, signal),
    staleTime: 5_000,
  });

export const moveToTrash = (id: string) => apiRequest<{ item: DriveItem }>('POST', '/api/drive/trash', { id });

export const restoreFromTrash = (id: string) => apiRequest<Restored>('POST', '/api/drive/trash/restore', { id });

export const emptyTrash = () => apiRequest<{ deleted: { files: number; folders: number; bytes: number } }>('DELETE', '/api/drive/trash');
