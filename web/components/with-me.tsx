// Server side of a page after login: fills the React Query cache with the user under meQuery's
// key (the same options object the client components use), so the page renders with it at once.
// When the session's storage node changed, the data is marked stale so the client fetches
// /api/me at once, and that route writes the new node into the cookie (a page cannot).
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { describeMe } from '../lib/server/me';
import { meQuery } from '../lib/queries/me';
import type { PageUser } from '../lib/server/page-user';

export async function WithMe({ user, children }: { user: PageUser; children: ReactNode }) {
  const queryClient = new QueryClient();
  await queryClient.prefetchQuery({ ...meQuery, queryFn: () => describeMe(user) });
  if (user.nodeChanged) queryClient.setQueryData(meQuery.queryKey, describeMe(user), { updatedAt: 0 });
  return <HydrationBoundary state={dehydrate(queryClient)}>{children}</HydrationBoundary>;
}
