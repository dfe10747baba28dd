'use client';
// A folder inside a share, read-only: breadcrumbs from the shared folder down (each opens its
// folder), then its folders (open on click) and files (download links; with `onPreview`, a click
// opens the viewer instead and the link stays for "open in new tab"), a page at a time. Used by a link's public
// page and by "Shared with me".
import { Breadcrumb, Icon, Table } from 'semantic-ui-react';
import { formatBytes } from '../../lib/format-bytes';
import type { SharedListing } from './share-queries';
import { ShowMore } from './show-more';

export function ShareListing({
  listing,
  onOpen,
  fileUrl,
  onPreview,
  more,
}: {
  /** The pages loaded so far, as one (share-queries.ts, joinedListing). */
  listing: SharedListing;
  onOpen: (folderId: string) => void;
  fileUrl: (fileId: string) => string;
  onPreview?: (fileId: string) => void;
  /** The next page, while there is one. */
  more?: { loading: boolean; onMore: () => void };
}) {
  return (
    <>
      <Breadcrumb className="pc-crumbs" aria-label="Folder path">
        {listing.path.map((c, i, all) => (
          <span key={c.id}>
            {i > 0 && <Breadcrumb.Divider icon="right angle" />}
            {i === all.length - 1 ? (
              <Breadcrumb.Section active>{c.name}</Breadcrumb.Section>
            ) : (
              <Breadcrumb.Section link onClick={() => onOpen(c.id)}>
                {c.name}
              </Breadcrumb.Section>
            )}
          </span>
        ))}
      </Breadcrumb>
      {listing.items.length === 0 ? (
        <p className="pc-empty">This folder is empty.</p>
      ) : (
        <Table unstackable selectable aria-label="Shared files and folders">
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Name</Table.HeaderCell>
              <Table.HeaderCell collapsing>Size</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {listing.items.map((item) => (
              <Table.Row key={item.id}>
                <Table.Cell>
                  {item.kind === 'folder' ? (
                    <a href={`#${item.id}`} onClick={(e) => (e.preventDefault(), onOpen(item.id))}>
                      <Icon name="folder" /> {item.name}
                    </a>
                  ) : (
                    <a href={fileUrl(item.id)} download={item.name} onClick={onPreview && ((e) => (e.preventDefault(), onPreview(item.id)))}>
                      <Icon name="file outline" /> {item.name}
                    </a>
                  )}
                </Table.Cell>
                <Table.Cell collapsing>{item.kind === 'file' ? formatBytes(item.size ?? 0) : ''}</Table.Cell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
      {listing.next && more && <ShowMore shown={listing.items.length} total={listing.total} loading={more.loading} onMore={more.onMore} />}
    </>
  );
}
