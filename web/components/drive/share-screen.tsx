'use client';
// /shared: "Shared with me" (items other users shared with me: open a folder, download a file,
// nothing more) and "Shared by me" (my links and shares, each with Revoke). The view is in the
// URL: ?view=mine, ?share=<id>&folder=<id> for a folder shared with me, and ?item=<id>&name=<name>
// opens the Share dialog of one of my items (how the drive's item menu reaches it).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type MouseEvent } from 'react';
import { Button, Header, Icon, Menu, Message, Segment, Table } from 'semantic-ui-react';
import { formatBytes } from '../../lib/format-bytes';
import { ShareDialog, linkAddress, type ShareTarget } from './share-dialog';
import { ShareListing } from './share-listing';
import { incomingFileUrl, incomingFolderQuery, joinedListing, incomingSharesQuery, ownedSharesQuery, revokeShare, type IncomingShare } from './share-queries';

type View = { kind: 'with-me' } | { kind: 'folder'; share: string; folder: string } | { kind: 'mine' };

function viewOf(search: string): View {
  const q = new URLSearchParams(search);
  const share = q.get('share');
  const folder = q.get('folder');
  if (share && folder) return { kind: 'folder', share, folder };
  return q.get('view') === 'mine' ? { kind: 'mine' } : { kind: 'with-me' };
}

function urlOf(view: View): string {
  if (view.kind === 'mine') return '/shared?view=mine';
  if (view.kind === 'folder') return `/shared?${new URLSearchParams({ share: view.share, folder: view.folder })}`;
  return '/shared';
}

export function ShareScreen({ shareItem }: { shareItem?: ShareTarget }) {
  const [view, setView] = useState<View>({ kind: 'with-me' });
  const [dialog, setDialog] = useState<ShareTarget | undefined>(shareItem);
  useEffect(() => {
    const onPop = () => setView(viewOf(window.location.search));
    onPop();
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const show = (next: View) => {
    setView(next);
    window.history.pushState(null, '', urlOf(next));
  };
  return (
    <>
      <Menu pointing secondary aria-label="Sharing views">
        <Menu.Item as="a" href={urlOf({ kind: 'with-me' })} active={view.kind !== 'mine'} onClick={(e: MouseEvent) => (e.preventDefault(), show({ kind: 'with-me' }))}>
          Shared with me
        </Menu.Item>
        <Menu.Item as="a" href={urlOf({ kind: 'mine' })} active={view.kind === 'mine'} onClick={(e: MouseEvent) => (e.preventDefault(), show({ kind: 'mine' }))}>
          Shared by me
        </Menu.Item>
        <Menu.Item position="right" as="a" href="/drive">
          <Icon name="folder open" /> My Drive
        </Menu.Item>
      </Menu>
      {view.kind === 'with-me' && <SharedWithMe onOpen={(share, folder) => show({ kind: 'folder', share, folder })} />}
      {view.kind === 'folder' && <IncomingFolder share={view.share} folder={view.folder} onOpen={(folder) => show({ ...view, folder })} />}
      {view.kind === 'mine' && <SharedByMe />}
      {dialog && <ShareDialog item={dialog} onClose={() => setDialog(undefined)} />}
    </>
  );
}

function SharedWithMe({ onOpen }: { onOpen: (share: string, folder: string) => void }) {
  const shares = useQuery(incomingSharesQuery);
  if (shares.isPending) return <Segment basic loading aria-label="Loading" />;
  if (shares.error) return <Message error role="alert" content={shares.error.message} />;
  if (shares.data.shares.length === 0) return <p className="pc-empty">Nothing is shared with you yet.</p>;
  return (
    <Table unstackable selectable aria-label="Shared with me">
      <Table.Header>
        <Table.Row>
          <Table.HeaderCell>Name</Table.HeaderCell>
          <Table.HeaderCell>Shared by</Table.HeaderCell>
          <Table.HeaderCell collapsing>Size</Table.HeaderCell>
        </Table.Row>
      </Table.Header>
      <Table.Body>
        {shares.data.shares.map((share: IncomingShare) => (
          <Table.Row key={share.id}>
            <Table.Cell>
              {share.item.kind === 'folder' ? (
                <a href={urlOf({ kind: 'folder', share: share.id, folder: share.item.id })} onClick={(e) => (e.preventDefault(), onOpen(share.id, share.item.id))}>
                  <Icon name="folder" /> {share.item.name}
                </a>
              ) : (
                <a href={incomingFileUrl(share.id, share.item.id)} download={share.item.name}>
                  <Icon name="file outline" /> {share.item.name}
                </a>
              )}
            </Table.Cell>
            <Table.Cell>{share.owner}</Table.Cell>
            <Table.Cell collapsing>{share.item.kind === 'file' ? formatBytes(share.item.size ?? 0) : ''}</Table.Cell>
          </Table.Row>
        ))}
      </Table.Body>
    </Table>
  );
}

function IncomingFolder({ share, folder, onOpen }: { share: string; folder: string; onOpen: (folder: string) => void }) {
  const listing = useInfiniteQuery(incomingFolderQuery(share, folder));
  if (listing.isPending) return <Segment basic loading aria-label="Loading the folder" />;
  if (listing.error) return <Message error role="alert" content={listing.error.message} />;
  return (
    <>
      <Header as="h2" size="small">
        Shared by {share.split(':')[0]}
      </Header>
      <ShareListing
        listing={joinedListing(listing.data.pages)}
        onOpen={onOpen}
        fileUrl={(id) => incomingFileUrl(share, id)}
        more={{ loading: listing.isFetchingNextPage, onMore: () => void (!listing.isFetchingNextPage && listing.fetchNextPage()) }}
      />
    </>
  );
}

function SharedByMe() {
  const shares = useQuery(ownedSharesQuery());
  const queryClient = useQueryClient();
  const revoke = useMutation({ mutationFn: revokeShare, onSuccess: () => queryClient.invalidateQueries({ queryKey: ['shares'] }) });
  if (shares.isPending) return <Segment basic loading aria-label="Loading" />;
  if (shares.error) return <Message error role="alert" content={shares.error.message} />;
  if (shares.data.shares.length === 0) return <p className="pc-empty">You share nothing. Open a file or folder&apos;s menu in My Drive and choose Share.</p>;
  return (
    <>
      {revoke.error && <Message error role="alert" content={revoke.error.message} />}
      <Table unstackable aria-label="Shared by me">
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell>Item</Table.HeaderCell>
            <Table.HeaderCell>Shared</Table.HeaderCell>
            <Table.HeaderCell collapsing aria-label="Actions" />
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {shares.data.shares.map((share) => (
            <Table.Row key={share.id}>
              <Table.Cell className="pc-name">{share.item?.name ?? <em>deleted or in Trash</em>}</Table.Cell>
              <Table.Cell>
                {share.link ? (
                  <>
                    <code>{linkAddress(share)}</code>
                    <br />
                    {share.link.expired ? 'expired' : share.link.expires ? `until ${new Date(share.link.expires).toLocaleString()}` : 'no expiry'}
                    {share.link.password ? ' · password' : ' · no password'}
                  </>
                ) : (
                  <>
                    <Icon name="user" /> {share.recipient}
                  </>
                )}
              </Table.Cell>
              <Table.Cell collapsing>
                <Button size="mini" basic negative content="Revoke" loading={revoke.isPending && revoke.variables === share.id} onClick={() => revoke.mutate(share.id)} />
              </Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
    </>
  );
}
