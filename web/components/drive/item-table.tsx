'use client';
// The folder's contents: name, size and modified, each sortable (folders stay above files), a
// folder opens on click, a file opens in the viewer (preview-viewer.tsx: a dialog whose file is
// in the URL as ?preview=<id>, stepping through the folder's files in the order listed); each
// row has a menu of actions (Download, Share…, Send to Trash, and Delete for good behind a
// confirm). Images show a thumbnail instead of the icon, loaded as they scroll into view. On a
// phone the size and date move under the name.
import { useEffect, useMemo, useRef, useState } from 'react';
import { Dropdown, Icon, Table, type SemanticICONS } from 'semantic-ui-react';
import { hasThumbnail } from '../../lib/drive-preview';
import { formatBytes } from '../../lib/format-bytes';
import { downloadUrl, type DriveItem } from '../../lib/queries/drive';
import { usePreviewParam } from './preview-url';
import { PreviewModal } from './preview-viewer';

export type Column = 'name' | 'size' | 'modified';
export type Action = 'rename' | 'share' | 'move' | 'trash' | 'delete';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compare(a: DriveItem, b: DriveItem, column: Column): number {
  if (column === 'size') return (a.size ?? -1) - (b.size ?? -1) || collator.compare(a.name, b.name);
  if (column === 'modified') return a.modified.localeCompare(b.modified) || collator.compare(a.name, b.name);
  return collator.compare(a.name, b.name);
}

function iconOf(item: DriveItem): SemanticICONS {
  if (item.kind === 'folder') return 'folder';
  const type = item.type ?? '';
  if (type.startsWith('image/')) return 'file image outline';
  if (type.startsWith('video/')) return 'file video outline';
  if (type.startsWith('audio/')) return 'file audio outline';
  if (type === 'application/pdf') return 'file pdf outline';
  if (type.startsWith('text/') || type === 'application/json') return 'file alternate outline';
  if (type.includes('zip') || type.includes('tar') || type.includes('gzip')) return 'file archive outline';
  return 'file outline';
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const thumbnailUrl = (id: string) => `${downloadUrl(id)}/thumbnail`;

/** The image's thumbnail, or the file's icon when it has none (the server answers 422) or fails. */
function ItemIcon({ item }: { item: DriveItem }) {
  const [failed, setFailed] = useState(false);
  const image = useRef<HTMLImageElement>(null);
  useEffect(() => {
    // A listing rendered on the server starts loading its thumbnails before React is attached:
    // an error by then fired no onError, but the image says it is done and empty.
    const img = image.current;
    if (img?.complete && img.naturalWidth === 0) setFailed(true);
  }, []);
  if (item.kind === 'file' && hasThumbnail(item.type) && !failed) {
    return <img ref={image} className="pc-thumb" src={thumbnailUrl(item.id)} alt="" loading="lazy" decoding="async" width={28} height={28} onError={() => setFailed(true)} />;
  }
  return <Icon name={iconOf(item)} color={item.kind === 'folder' ? 'teal' : 'grey'} />;
}

/** A plain click: one with a modifier or another button keeps the link's own meaning (a new tab, a download). */
function plainClick(e: React.MouseEvent): boolean {
  return e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey;
}

export function ItemTable({ items, onOpen, onAction }: { items: DriveItem[]; onOpen: (item: DriveItem) => void; onAction: (action: Action, item: DriveItem) => void }) {
  const [sort, setSort] = useState<{ column: Column; ascending: boolean }>({ column: 'name', ascending: true });
  const sorted = useMemo(() => {
    const direction = sort.ascending ? 1 : -1;
    return [...items].sort((a, b) => (a.kind !== b.kind ? (a.kind === 'folder' ? -1 : 1) : direction * compare(a, b, sort.column)));
  }, [items, sort]);
  const [previewId, preview] = usePreviewParam();
  const files = sorted.filter((item) => item.kind === 'file');
  const shown = files.findIndex((item) => item.id === previewId);
  const stepTo = (index: number) => {
    const next = files[index];
    return next ? () => preview.step(next.id) : undefined;
  };
  const header = (column: Column, title: string, className?: string) => (
    <Table.HeaderCell
      className={className}
      sorted={sort.column === column ? (sort.ascending ? 'ascending' : 'descending') : undefined}
      onClick={() => setSort((s) => ({ column, ascending: s.column === column ? !s.ascending : true }))}
    >
      {title}
    </Table.HeaderCell>
  );
  return (
    <>
      <Table sortable unstackable selectable className="pc-items" aria-label="Files and folders">
        <Table.Header>
          <Table.Row>
            {header('name', 'Name')}
            {header('size', 'Size', 'pc-wide-cell pc-size')}
            {header('modified', 'Modified', 'pc-wide-cell pc-modified')}
            <Table.HeaderCell className="pc-actions" aria-label="Actions" />
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {sorted.map((item) => {
            const size = item.kind === 'file' ? formatBytes(item.size ?? 0) : '—';
            const modified = dateFormat.format(new Date(item.modified));
            return (
              <Table.Row key={item.id} data-kind={item.kind}>
                <Table.Cell className="pc-name-cell">
                  <ItemIcon item={item} />
                  {item.kind === 'folder' ? (
                    <a
                      href={`/drive?folder=${encodeURIComponent(item.id)}`}
                      className="pc-name"
                      onClick={(e) => {
                        e.preventDefault();
                        onOpen(item);
                      }}
                    >
                      {item.name}
                    </a>
                  ) : (
                    <a
                      href={downloadUrl(item.id)}
                      download={item.name}
                      className="pc-name"
                      title={`Open ${item.name}`}
                      onClick={(e) => {
                        if (!plainClick(e)) return;
                        e.preventDefault();
                        preview.open(item.id);
                      }}
                    >
                      {item.name}
                    </a>
                  )}
                  <div className="pc-narrow-only pc-muted">
                    {item.kind === 'file' ? `${size} · ` : ''}
                    {modified}
                  </div>
                </Table.Cell>
                <Table.Cell className="pc-wide-cell pc-size">{size}</Table.Cell>
                <Table.Cell className="pc-wide-cell pc-modified">{modified}</Table.Cell>
                <Table.Cell className="pc-actions" textAlign="right">
                  <Dropdown icon="ellipsis vertical" direction="left" aria-label={`Actions for ${item.name}`} className="icon" button basic compact>
                    <Dropdown.Menu>
                      {item.kind === 'file' && <Dropdown.Item as="a" href={downloadUrl(item.id)} download={item.name} icon="download" text="Download" />}
                      {item.kind === 'folder' && <Dropdown.Item icon="folder open" text="Open" onClick={() => onOpen(item)} />}
                      <Dropdown.Item icon="pencil" text="Rename" onClick={() => onAction('rename', item)} />
                      <Dropdown.Item icon="share alternate" text="Share…" onClick={() => onAction('share', item)} />
                      <Dropdown.Item icon="share" text="Move" onClick={() => onAction('move', item)} />
                      <Dropdown.Item icon="trash alternate" text="Send to Trash" onClick={() => onAction('trash', item)} />
                      <Dropdown.Item icon="delete" text="Delete for good…" onClick={() => onAction('delete', item)} />
                    </Dropdown.Menu>
                  </Dropdown>
                </Table.Cell>
              </Table.Row>
            );
          })}
        </Table.Body>
      </Table>
      {shown >= 0 && (
        <PreviewModal item={files[shown]!} url={downloadUrl(files[shown]!.id)} onClose={preview.close} onPrevious={stepTo(shown - 1)} onNext={stepTo(shown + 1)} />
      )}
    </>
  );
}
