// Sharing for the pages: queryOptions for the owner's shares, "Shared with me" and a link's
// public view, and the mutations as plain functions (docs/API.md, "Sharing").
import { infiniteQueryOptions, queryOptions } from '@tanstack/react-query';
import { apiRequest } from '../../lib/api-client';
import type { IncomingShare, LinkInfo, OwnedShare, SharedListing } from '../../lib/server/drive/drive-share-api';

export type { IncomingShare, LinkInfo, OwnedShare, SharedListing };

const enc = encodeURIComponent;

export const ownedSharesQuery = (itemId?: string) =>
  queryOptions({
    queryKey: ['shares', 'owned', itemId ?? ''] as const,
    queryFn: ({ signal }) => apiRequest<{ shares: OwnedShare[] }>('GET', `/api/drive/shares${itemId ? `?item=${enc(itemId)}` : ''}`, undefined, signal),
  });

export const incomingSharesQuery = queryOptions({
  queryKey: ['shares', 'incoming'] as const,
  queryFn: ({ signal }) => apiRequest<{ shares: IncomingShare[] }>('GET', '/api/drive/shares/with-me', undefined, signal),
});

/** A shared folder page by page (each page's `next` asks for the one after). */
const sharedFolderPages = (queryKey: readonly string[], url: string) =>
  infiniteQueryOptions({
    queryKey,
    queryFn: ({ pageParam, signal }) => apiRequest<SharedListing>('GET', pageParam ? `${url}?${new URLSearchParams({ cursor: pageParam })}` : url, undefined, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
  });

/** The pages loaded so far, as one listing. */
export function joinedListing(pages: SharedListing[]): SharedListing {
  return { ...pages[pages.length - 1]!, items: pages.flatMap((p) => p.items) };
}

export const incomingFolderQuery = (share: string, folder: string) =>
  sharedFolderPages(['shares', 'incoming', share, folder], `/api/drive/shares/with-me/${enc(share)}/folders/${enc(folder)}`);

export const incomingFileUrl = (share: string, file: string) => `/api/drive/shares/with-me/${enc(share)}/files/${enc(file)}`;

export const linkInfoQuery = (token: string) =>
  queryOptions({
    queryKey: ['link', token] as const,
    queryFn: ({ signal }) => apiRequest<LinkInfo>('GET', `/api/shared/${enc(token)}`, undefined, signal),
  });

export const linkFolderQuery = (token: string, folder: string) => sharedFolderPages(['link', token, folder], `/api/shared/${enc(token)}/folders/${enc(folder)}`);

export const linkFileUrl = (token: string, file: string) => `/api/shared/${enc(token)}/files/${enc(file)}`;

export const giveLinkPassword = (token: string, password: string) => apiRequest<null>('POST', `/api/shared/${enc(token)}/password`, { password });

export const createLink = (item: string, options: { expiresAt?: string; password?: string }) =>
  apiRequest<{ share: OwnedShare }>('POST', '/api/drive/shares', { kind: 'link', item, ...options });

export const shareWithUser = (item: string, username: string) => apiRequest<{ share: OwnedShare }>('POST', '/api/drive/shares', { kind: 'user', item, username });

export const revokeShare = (id: string) => apiRequest<{ revoked: string }>('DELETE', `/api/drive/shares/${enc(id)}`);
