import type { Metadata } from 'next';
import { AppShell } from '../../components/app-shell';
import { ComingSoon } from '../../components/coming-soon';
import { WithMe } from '../../components/with-me';
import { requirePageUser } from '../../lib/server/page-user';

export const metadata: Metadata = { title: 'Mail' };

export default async function MailPage() {
  const user = await requirePageUser();
  return (
    <WithMe user={user}>
      <AppShell area="mail">
        <ComingSoon title="Mail" icon="mail">
          Your inbox, sent mail and compose arrive with webmail.
        </ComingSoon>
      </AppShell>
    </WithMe>
  );
}
