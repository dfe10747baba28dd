'use client';
// Making and renaming a folder (one dialog, a name with levels split by "/"), and deleting one.
// The API says what is wrong with a name (taken, a bad character, too many folders) or why a
// folder cannot go (it holds messages or folders): the dialog shows its words.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Form, Message, Modal } from 'semantic-ui-react';
import { apiRequest } from '../../lib/api-client';
import type { MailFolderInfo } from '../../lib/queries/mail';

export function FolderNameDialog({ folder, onClose, onDone }: { folder: MailFolderInfo | null; onClose: () => void; onDone: (f: MailFolderInfo) => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(folder?.name ?? '');
  const save = useMutation({
    mutationFn: (value: string) =>
      folder
        ? apiRequest<{ folder: MailFolderInfo }>('PATCH', `/api/mail/folders/${folder.id}`, { name: value })
        : apiRequest<{ folder: MailFolderInfo }>('POST', '/api/mail/folders', { name: value }),
    onSuccess: async ({ folder: saved }) => {
      await queryClient.invalidateQueries({ queryKey: ['mail', 'folders'] });
      onDone(saved);
    },
  });
  const title = folder ? `Rename “${folder.name}”` : 'New folder';
  return (
    <Modal open onClose={onClose} size="tiny" role="dialog" aria-modal="true" aria-label={title}>
      <Modal.Header>{title}</Modal.Header>
      <Modal.Content>
        <Form id="pc-folder-name" onSubmit={() => save.mutate(name)}>
          <Form.Input label="Folder name" id="pc-folder-name-input" value={name} autoFocus autoComplete="off" placeholder="Projects/2026" onChange={(_, d) => setName(String(d.value ?? ''))} />
        </Form>
        <p className="pc-muted">A “/” makes a folder inside another: “Projects/2026”.</p>
        {save.error && <Message negative role="alert" content={save.error.message} />}
      </Modal.Content>
      <Modal.Actions>
        <Button type="button" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" form="pc-folder-name" primary content={folder ? 'Rename' : 'Create'} loading={save.isPending} disabled={save.isPending} />
      </Modal.Actions>
    </Modal>
  );
}

/** "Are you sure?" for what cannot be undone: deleting a folder, a message for good, emptying Trash. */
export function ConfirmDialog({
  title,
  text,
  action,
  onConfirm,
  onClose,
}: {
  title: string;
  text: string;
  action: string;
  onConfirm: () => Promise<unknown>;
  onClose: () => void;
}) {
  const run = useMutation({ mutationFn: onConfirm, onSuccess: onClose });
  return (
    <Modal open onClose={onClose} size="tiny" role="dialog" aria-modal="true" aria-label={title}>
      <Modal.Header>{title}</Modal.Header>
      <Modal.Content>
        <p>{text}</p>
        {run.error && <Message negative role="alert" content={run.error.message} />}
      </Modal.Content>
      <Modal.Actions>
        <Button type="button" onClick={onClose}>
          Cancel
        </Button>
        <Button negative content={action} loading={run.isPending} disabled={run.isPending} onClick={() => run.mutate()} />
      </Modal.Actions>
    </Modal>
  );
}
