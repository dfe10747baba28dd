import { dehydrate, HydrationBoundary, QueryClient } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { AppShell } from '../../components/app-shell';
import { MailApp } from '../../components/mail/mail-app';
import { WithMe } from '../../components/with-me';
import { mailFolderQuery, mailPageSize } from '../../lib/queries/mail';
import { listFolder } from '../../lib/server/mail/mail-list';
import { requirePageUser } from '../../lib/server/page-user';

export const metadata: Metadata = { title: 'Mail' };

export default async function MailPage() {
  const user = await requirePageUser();
  // The first inbox page under the client's own query key, so the list renders at once. When
  // the store is unavailable the client's query tries again and shows the error itself.
  const queryClient = new QueryClient();
  await queryClient.prefetchQuery({ ...mailFolderQuery('inbox', null), queryFn: () => listFolder(user.username, 'inbox', { before: null, limit: mailPageSize, sort: 'date', order: 'desc' }) });
  return (
    <WithMe user={user}>
      <HydrationBoundary state={dehydrate(queryClient)}>
        <AppShell area="mail">
          <MailApp />
        </AppShell>
      </HydrationBoundary>
    </WithMe>
  );
}
