'use client';
// Trash: what was deleted from the drive, newest first and a page at a time (Show more, or by
// scrolling), with the folder each came from and when;
// Restore puts one back (the answer says where, and under which name), Delete for good and Empty
// Trash free its room, after a confirm. The room used is shown here too: Trash counts.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Header, Icon, Message, Modal, Segment, Table } from 'semantic-ui-react';
import { formatBytes } from '../../lib/format-bytes';
import { deleteItem } from '../../lib/queries/drive';
import { emptyTrash, restoreFromTrash, trashQuery, type TrashItem } from '../../lib/queries/drive-trash';
import { DeleteDialog } from './dialogs';
import { ShowMore } from './show-more';
import { UsageBar } from './usage-bar';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function TrashView({ onOpenFolder }: { onOpenFolder: (id: string) => void }) {
  const trash = useInfiniteQuery(trashQuery);
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['drive'] });
  const [note, setNote] = useState<{ text: string; folder?: string }>();
  const [confirm, setConfirm] = useState<{ kind: 'empty' } | { kind: 'delete'; item: TrashItem }>();
  const restore = useMutation({
    mutationFn: restoreFromTrash,
    onSuccess: (r) => {
      setNote({ text: `Restored “${r.item.name}” to “${r.folder.name}”.`, folder: r.folder.id });
      return refresh();
    },
  });
  const pages = trash.data?.pages ?? [];
  const items = pages.flatMap((p) => p.items);
  const first = pages[0];
  const total = pages.at(-1)?.total ?? items.length;

  return (
    <>
      <div className="pc-drive-top">
        <Header as="h1" className="pc-drive-title">
          <Icon name="trash alternate" color="grey" />
          <Header.Content>Trash</Header.Content>
        </Header>
        <div className="pc-toolbar">
          <Button basic color="red" icon="trash" content="Empty Trash" disabled={total === 0} onClick={() => setConfirm({ kind: 'empty' })} />
        </div>
      </div>
      {first && <UsageBar usage={first.usage} />}
      <p className="pc-muted">Items in Trash still count against your storage. They are deleted for good after {first?.retentionDays ?? 30} days.</p>
      {note && (
        <Message positive role="status" onDismiss={() => setNote(undefined)}>
          {note.text}{' '}
          {note.folder && (
            <a href="/drive" onClick={(e) => (e.preventDefault(), onOpenFolder(note.folder!))}>
              Open the folder
            </a>
          )}
        </Message>
      )}
      {restore.error && <Message error role="alert" content={restore.error.message} />}
      {trash.error ? (
        <Message error role="alert" content={trash.error.message} />
      ) : trash.isLoading ? (
        <Segment basic loading className="pc-loading" />
      ) : items.length === 0 ? (
        <Segment placeholder textAlign="center" className="pc-empty">
          <Header icon>
            <Icon name="trash alternate outline" color="grey" />
            Trash is empty
          </Header>
        </Segment>
      ) : (
        <Table unstackable className="pc-items" aria-label="Items in Trash">
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell>Name</Table.HeaderCell>
              <Table.HeaderCell className="pc-wide-cell">From</Table.HeaderCell>
              <Table.HeaderCell className="pc-wide-cell">Deleted</Table.HeaderCell>
              <Table.HeaderCell className="pc-actions" aria-label="Actions" />
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {items.map((item) => {
              const from = item.from.path || 'My Drive';
              const when = dateFormat.format(new Date(item.trashedAt));
              return (
                <Table.Row key={item.id} aria-label={item.name} data-kind={item.kind}>
                  <Table.Cell className="pc-name-cell">
                    <Icon name={item.kind === 'folder' ? 'folder' : 'file outline'} color="grey" />
                    <span className="pc-name">{item.name}</span>
                    {item.kind === 'file' && <span className="pc-muted"> · {formatBytes(item.size ?? 0)}</span>}
                    <div className="pc-narrow-only pc-muted">
                      {from} · {when}
                    </div>
                  </Table.Cell>
                  <Table.Cell className="pc-wide-cell pc-name pc-trash-from">{from}</Table.Cell>
                  <Table.Cell className="pc-wide-cell">{when}</Table.Cell>
                  <Table.Cell className="pc-actions pc-trash-actions" textAlign="right">
                    <Button
                      basic
                      compact
                      size="small"
                      icon="undo"
                      content="Restore"
                      aria-label={`Restore ${item.name}`}
                      loading={restore.isPending && restore.variables === item.id}
                      disabled={restore.isPending}
                      onClick={() => restore.mutate(item.id)}
                    />
                    <Button basic compact size="small" color="red" icon="delete" aria-label={`Delete ${item.name} for good`} title="Delete for good" onClick={() => setConfirm({ kind: 'delete', item })} />
                  </Table.Cell>
                </Table.Row>
              );
            })}
          </Table.Body>
        </Table>
      )}
      {trash.hasNextPage && items.length > 0 && (
        <ShowMore shown={items.length} total={total} loading={trash.isFetchingNextPage} onMore={() => void (!trash.isFetchingNextPage && trash.fetchNextPage())} />
      )}
      {confirm?.kind === 'delete' && <DeleteDialog item={confirm.item} onDelete={() => deleteItem(confirm.item.id).then(refresh)} onClose={() => setConfirm(undefined)} />}
      {confirm?.kind === 'empty' && <EmptyTrashDialog count={total} onEmpty={() => emptyTrash().then(refresh)} onClose={() => setConfirm(undefined)} />}
    </>
  );
}

function EmptyTrashDialog({ count, onEmpty, onClose }: { count: number; onEmpty: () => Promise<unknown>; onClose: () => void }) {
  const mutation = useMutation({ mutationFn: onEmpty, onSuccess: onClose });
  return (
    <Modal open size="tiny" onClose={onClose} role="dialog" aria-modal aria-label="Empty Trash">
      <Modal.Header>Empty Trash?</Modal.Header>
      <Modal.Content>
        <p>
          {count === 1 ? 'The item' : `All ${count} items`} in Trash, and everything in the folders among them, will be deleted for good.
        </p>
        {mutation.error && <Message error role="alert" content={mutation.error.message} />}
      </Modal.Content>
      <Modal.Actions>
        <Button onClick={onClose}>Cancel</Button>
        <Button negative loading={mutation.isPending} disabled={mutation.isPending} onClick={() => mutation.mutate()}>
          Empty Trash
        </Button>
      </Modal.Actions>
    </Modal>
  );
}
