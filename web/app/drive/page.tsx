import type { Metadata } from 'next';
import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import { AppShell } from '../../components/app-shell';
import { DriveScreen } from '../../components/drive/drive-screen';
import { viewInUrl } from '../../components/drive/drive-view';
import '../../components/drive/drive.css';
import { WithMe } from '../../components/with-me';
import { folderQuery } from '../../lib/queries/drive';
import { trashQuery } from '../../lib/queries/drive-trash';
import { driveContext } from '../../lib/server/drive/drive-context';
import { listTrash } from '../../lib/server/drive/drive-trash';
import { listFolder } from '../../lib/server/drive/drive-tree';
import { serverContext } from '../../lib/server/context';
import { requirePageUser } from '../../lib/server/page-user';

export const metadata: Metadata = { title: 'Drive' };

// The view in the URL (a folder, ?view=trash, or ?q= a search), prefetched under the key the
// client uses; a folder that cannot be listed is left to the client, which shows why, and so is
// a search (the client asks for it as the page opens).
export default async function DrivePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const user = await requirePageUser();
  const view = viewInUrl(await searchParams);
  const d = driveContext(serverContext(), user.username);
  const queryClient = new QueryClient();
  if (view.kind === 'folder') await queryClient.prefetchInfiniteQuery({ ...folderQuery(view.id), queryFn: ({ pageParam }) => listFolder(d, view.id, { cursor: pageParam ?? undefined }) });
  if (view.kind === 'trash') await queryClient.prefetchInfiniteQuery({ ...trashQuery, queryFn: ({ pageParam }) => listTrash(d, { cursor: pageParam ?? undefined }) });
  return (
    <WithMe user={user}>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <AppShell area="drive">
          <DriveScreen initialView={view} />
        </AppShell>
      </HydrationBoundary>
    </WithMe>
  );
}
