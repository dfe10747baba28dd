import type { Metadata } from 'next';
import { AppShell } from '../../components/app-shell';
import { MenuScreen } from '../../components/menu-screen';
import { WithMe } from '../../components/with-me';
import { requirePageUser } from '../../lib/server/page-user';

export const metadata: Metadata = { title: 'Menu' };

export default async function MenuPage() {
  const user = await requirePageUser();
  return (
    <WithMe user={user}>
      <AppShell area="menu">
        <MenuScreen />
      </AppShell>
    </WithMe>
  );
}
