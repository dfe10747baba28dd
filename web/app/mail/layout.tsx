import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { Suspense, type ReactNode } from 'react';
import { AppShell } from '../../components/app-shell';
import { MailApp } from '../../components/mail/mail-app';
import { WithMe } from '../../components/with-me';
import { mailViewOf } from '../../components/mail/mail-route';
import { pagePathHeader } from '../../lib/next-path';
import { mailFolderQuery, mailFoldersQuery, mailPageSize } from '../../lib/queries/mail';
import { listFolders } from '../../lib/server/mail/mail-folders-api';
import { listFolder } from '../../lib/server/mail/mail-list';
import { requirePageUser } from '../../lib/server/page-user';

export const metadata: Metadata = { title: 'Mail' };

// Every /mail/<folder>[/<message>] URL shares this layout, so the webmail (a client component
// that reads its view from the URL) stays mounted as the person moves between folders and
// messages; the pages under it render nothing of their own. The folder list and the first page
// of the folder in the URL (which proxy.ts hands over, as a layout is not told its page's path)
// are prefetched under the client's keys, so the first paint shows them; a folder that is not
// there, or a store that is unavailable, is left to the client's query, which says why.
export default async function MailLayout({ children }: { children: ReactNode }) {
  const user = await requirePageUser();
  const queryClient = new QueryClient();
  const path = (await headers()).get(pagePathHeader);
  const view = path ? mailViewOf(new URL(path, 'http://page.invalid').pathname, new URLSearchParams()) : null;
  await Promise.all([
    queryClient.prefetchQuery({ ...mailFoldersQuery, queryFn: () => listFolders(user.username) }),
    view && /^[a-z0-9]{1,20}$/.test(view.folder)
      ? queryClient.prefetchQuery({ ...mailFolderQuery(view.folder, null), queryFn: () => listFolder(user.username, view.folder, { before: null, limit: mailPageSize, sort: 'date', order: 'desc' }) })
      : null,
  ]);
  return (
    <WithMe user={user}>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <AppShell area="mail">
          <Suspense>
            <MailApp />
          </Suspense>
          {children}
        </AppShell>
      </HydrationBoundary>
    </WithMe>
  );
}
