import type { Metadata } from 'next';
import { AppShell } from '../../components/app-shell';
import { ComingSoon } from '../../components/coming-soon';
import { NotAllowed } from '../../components/not-allowed';
import { WithMe } from '../../components/with-me';
import { requirePageUser } from '../../lib/server/page-user';

export const metadata: Metadata = { title: 'Admin' };

export default async function AdminPage() {
  const user = await requirePageUser();
  return (
    <WithMe user={user}>
      <AppShell area="admin">
        {user.admin ? (
          <ComingSoon title="Admin console" icon="settings">
            The cluster view, halt and revive, and the raw data browser arrive with the admin console.
          </ComingSoon>
        ) : (
          <NotAllowed />
        )}
      </AppShell>
    </WithMe>
  );
}
