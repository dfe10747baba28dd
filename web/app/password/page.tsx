import type { Metadata } from 'next';
import { AppShell } from '../../components/app-shell';
import { PasswordScreen } from '../../components/password-screen';
import { WithMe } from '../../components/with-me';
import { formErrorMessage } from '../../lib/form-errors';
import { requirePageUser } from '../../lib/server/page-user';

export const metadata: Metadata = { title: 'Change password' };

export default async function PasswordPage({ searchParams }: { searchParams: Promise<{ error?: string | string[]; changed?: string }> }) {
  const query = await searchParams;
  const user = await requirePageUser();
  return (
    <WithMe user={user}>
      <AppShell area="password">
        <PasswordScreen initialError={formErrorMessage(query.error)} changed={query.changed === '1'} />
      </AppShell>
    </WithMe>
  );
}
