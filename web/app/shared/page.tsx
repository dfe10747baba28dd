import type { Metadata } from 'next';
import { AppShell } from '../../components/app-shell';
import { ShareScreen } from '../../components/drive/share-screen';
import '../../components/drive/drive.css';
import { WithMe } from '../../components/with-me';
import { requirePageUser } from '../../lib/server/page-user';

export const metadata: Metadata = { title: 'Shared' };

// Sharing for a logged-in user: what others share with them, what they share, and (with
// ?item=<id>&name=<name>) the Share dialog of one of their items. The lists load in the client.
export default async function SharedPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser();
  const params = await searchParams;
  const item = typeof params.item === 'string' ? params.item : undefined;
  const name = typeof params.name === 'string' ? params.name : item;
  return (
    <WithMe user={user}>
      <AppShell area="drive">
        <ShareScreen shareItem={item && name ? { id: item, name } : undefined} />
      </AppShell>
    </WithMe>
  );
}
