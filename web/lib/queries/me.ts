// The signed-in user: one queryOptions object shared by the pages' server prefetch (which fills
// the cache under the same key) and the client components' useQuery.
import { queryOptions } from '@tanstack/react-query';
import { apiRequest } from '../api-client';

export interface Me {
  username: string;
  admin: boolean;
  /** The frontend that answered (1…n). */
  frontend: number;
  /** The storage node that holds this session's user rows. */
  storageNode: { id: string; group: number };
}

export const meQuery = queryOptions({
  queryKey: ['me'],
  queryFn: ({ signal }) => apiRequest<Me>('GET', '/api/me', undefined, signal),
  staleTime: 30_000,
});
