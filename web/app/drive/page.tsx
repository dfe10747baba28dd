import type { Metadata } from 'next';
import { AppShell } from '../../components/app-shell';
import { ComingSoon } from '../../components/coming-soon';
import { WithMe } from '../../components/with-me';
import { requirePageUser } from '../../lib/server/page-user';

export const metadata: Metadata = { title: 'Drive' };

export default async function DrivePage() {
  const user = await requirePageUser();
  return (
    <WithMe user={user}>
      <AppShell area="drive">
        <ComingSoon title="Drive" icon="folder open">
          Your files and folders arrive with the drive.
        </ComingSoon>
      </AppShell>
    </WithMe>
  );
}
