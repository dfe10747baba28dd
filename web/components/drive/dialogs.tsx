'use client';
// The drive's dialogs: a name (new folder, rename), a folder picker (move), and a confirm
// (delete for good; the page's ordinary delete moves to Trash without asking). Each shows the server's message when it refuses, and stays open until it succeeds.
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Breadcrumb, Button, Form, Icon, List, Message, Modal, Segment } from 'semantic-ui-react';
import { folderFirstPageQuery, rootFolderId, type DriveItem } from '../../lib/queries/drive';

export function NameDialog({
  title,
  action,
  initial,
  onSubmit,
  onClose,
}: {
  title: string;
  action: string;
  initial: string;
  onSubmit: (name: string) => Promise<unknown>;
  onClose: () => void;
}) {
  const [name, setName] = useState(initial);
  const selected = useRef(false);
  const mutation = useMutation({ mutationFn: onSubmit, onSuccess: onClose });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate(name);
  };
  return (
    <Modal open size="tiny" onClose={onClose} role="dialog" aria-modal aria-label={title}>
      <Modal.Header>{title}</Modal.Header>
      <Modal.Content>
        <Form id="pc-name-form" onSubmit={submit} error={mutation.isError}>
          <Form.Input
            id="pc-item-name"
            label="Name"
            value={name}
            autoFocus
            onFocus={(e: { target: HTMLInputElement }) => {
              // On opening, select the name without its extension, as file managers do.
              if (selected.current) return;
              selected.current = true;
              const dot = e.target.value.lastIndexOf('.');
              e.target.setSelectionRange(0, dot > 0 ? dot : e.target.value.length);
            }}
            onChange={(_, { value }) => setName(String(value))}
          />
          {mutation.error && <Message error role="alert" content={mutation.error.message} />}
        </Form>
      </Modal.Content>
      <Modal.Actions>
        <Button onClick={onClose}>Cancel</Button>
        <Button primary type="submit" form="pc-name-form" loading={mutation.isPending} disabled={mutation.isPending || name === ''}>
          {action}
        </Button>
      </Modal.Actions>
    </Modal>
  );
}

/** Browse folders from the root and pick one; the moved folder itself cannot be entered or chosen. */
export function MoveDialog({ item, from, onMove, onClose }: { item: DriveItem; from: string; onMove: (target: string) => Promise<unknown>; onClose: () => void }) {
  const [at, setAt] = useState(rootFolderId);
  const listing = useQuery(folderFirstPageQuery(at));
  const mutation = useMutation({ mutationFn: onMove, onSuccess: onClose });
  const folders = (listing.data?.items ?? []).filter((i) => i.kind === 'folder');
  const here = listing.data?.folder;
  const cannot = at === from ? 'It is already here.' : listing.data?.path.some((c) => c.id === item.id) ? 'A folder cannot go inside itself.' : undefined;
  return (
    <Modal open size="small" onClose={onClose} role="dialog" aria-modal aria-label={`Move ${item.name}`}>
      <Modal.Header className="pc-name">Move “{item.name}”</Modal.Header>
      <Modal.Content>
        <Breadcrumb className="pc-crumbs">
          {(listing.data?.path ?? [{ id: rootFolderId, name: 'My Drive' }]).map((c, i, all) => (
            <span key={c.id}>
              {i > 0 && <Breadcrumb.Divider icon="right angle" />}
              {i === all.length - 1 ? <Breadcrumb.Section active>{c.name}</Breadcrumb.Section> : <Breadcrumb.Section link onClick={() => setAt(c.id)}>{c.name}</Breadcrumb.Section>}
            </span>
          ))}
        </Breadcrumb>
        <Segment className="pc-picker" loading={listing.isLoading}>
          {listing.error && <Message error content={listing.error.message} />}
          {folders.length === 0 && !listing.isLoading && <p className="pc-muted">No folders in here.</p>}
          <List selection divided relaxed aria-label="Folders">
            {folders.map((f) => (
              <List.Item key={f.id} disabled={f.id === item.id} onClick={() => f.id !== item.id && setAt(f.id)} role="button" aria-label={`Open ${f.name}`}>
                <Icon name="folder" color="teal" />
                <List.Content className="pc-name">{f.name}</List.Content>
              </List.Item>
            ))}
          </List>
        </Segment>
        {cannot && <p className="pc-muted">{cannot} Open another folder to move it there.</p>}
        {mutation.error && <Message error role="alert" content={mutation.error.message} />}
      </Modal.Content>
      <Modal.Actions>
        <Button onClick={onClose}>Cancel</Button>
        <Button primary disabled={!here || cannot !== undefined || mutation.isPending} loading={mutation.isPending} title={cannot} onClick={() => mutation.mutate(at)}>
          Move to “{here?.name ?? '…'}”
        </Button>
      </Modal.Actions>
    </Modal>
  );
}

export function DeleteDialog({ item, onDelete, onClose }: { item: DriveItem; onDelete: () => Promise<unknown>; onClose: () => void }) {
  const mutation = useMutation({ mutationFn: onDelete, onSuccess: onClose });
  return (
    <Modal open size="tiny" onClose={onClose} role="dialog" aria-modal aria-label={`Delete ${item.name}`}>
      <Modal.Header>Delete {item.kind === 'folder' ? 'folder' : 'file'} for good?</Modal.Header>
      <Modal.Content>
        <p className="pc-name">
          {item.kind === 'folder' ? (
            <>
              “{item.name}” and <strong>everything in it</strong> will be deleted for good.
            </>
          ) : (
            <>“{item.name}” will be deleted for good.</>
          )}{' '}
          It will not go to Trash, and cannot be restored.
        </p>
        {mutation.error && <Message error role="alert" content={mutation.error.message} />}
      </Modal.Content>
      <Modal.Actions>
        <Button onClick={onClose}>Cancel</Button>
        <Button negative loading={mutation.isPending} disabled={mutation.isPending} onClick={() => mutation.mutate()}>
          Delete for good
        </Button>
      </Modal.Actions>
    </Modal>
  );
}
