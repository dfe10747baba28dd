// The admin console: for admins only (web.admins ∪ granted, cluster/model/accounts/admin-users.ts).
// Logged out: 401 (unauthorized.tsx); logged in but not an admin: 403 (forbidden.tsx). The
// cluster view is read here for the first paint, under the same query key the client then
// refreshes every 2 s.
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { forbidden, unauthorized } from 'next/navigation';
import { AdminConsole } from '../../components/admin/admin-console';
import { AppShell } from '../../components/app-shell';
import { WithMe } from '../../components/with-me';
import { adminStatusQuery } from '../../lib/queries/admin';
import { readClusterView } from '../../lib/server/admin/cluster-view';
import { logRefusal } from '../../lib/server/admin/require-admin';
import { pageUser } from '../../lib/server/page-user';

export const metadata: Metadata = { title: 'Admin' };

export default async function AdminPage() {
  const user = await pageUser();
  if (!user) unauthorized();
  if (!user.admin) {
    logRefusal(user.username, '/admin');
    forbidden();
  }
  const queryClient = new QueryClient();
  await queryClient.prefetchQuery({ ...adminStatusQuery, queryFn: () => readClusterView() });
  return (
    <WithMe user={user}>
      <AppShell area="admin">
        <HydrationBoundary state={dehydrate(queryClient)}>
          <AdminConsole />
        </HydrationBoundary>
      </AppShell>
    </WithMe>
  );
}
