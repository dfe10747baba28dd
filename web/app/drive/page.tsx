import type { Metadata } from 'next';
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { AppShell } from '../../components/app-shell';
import { DriveScreen } from '../../components/drive/drive-screen';
import '../../components/drive/drive.css';
import { WithMe } from '../../components/with-me';
import { folderQuery, rootFolderId } from '../../lib/queries/drive';
import { driveContext } from '../../lib/server/drive/drive-context';
import { listFolder } from '../../lib/server/drive/drive-tree';
import { serverContext } from '../../lib/server/context';
import { requirePageUser } from '../../lib/server/page-user';

export const metadata: Metadata = { title: 'Drive' };

// The folder in ?folder=<id> (the root without it), prefetched under the key the client uses;
// a folder that cannot be listed is left to the client, which shows why.
export default async function DrivePage({ searchParams }: { searchParams: Promise<{ folder?: string | string[] }> }) {
  const user = await requirePageUser();
  const requested = (await searchParams).folder;
  const folder = typeof requested === 'string' && requested !== '' ? requested : rootFolderId;
  const queryClient = new QueryClient();
  await queryClient.prefetchQuery({ ...folderQuery(folder), queryFn: () => listFolder(driveContext(serverContext(), user.username), folder) });
  return (
    <WithMe user={user}>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <AppShell area="drive">
          <DriveScreen initialFolder={folder} />
        </AppShell>
      </HydrationBoundary>
    </WithMe>
  );
}
