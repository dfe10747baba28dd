'use client';
// The note after an item went to Trash, with Undo: restores it where it was (under a free name if
// its own was taken meanwhile) and says so. Stays until dismissed or the next move to Trash.
import { useMutation } from '@tanstack/react-query';
import { Button, Message } from 'semantic-ui-react';
import type { DriveItem } from '../../lib/queries/drive';
import { restoreFromTrash } from '../../lib/queries/drive-trash';

export function UndoTrash({ item, onDone, onRestored }: { item: DriveItem; onDone: () => void; onRestored: () => Promise<unknown> }) {
  const undo = useMutation({ mutationFn: () => restoreFromTrash(item.id), onSuccess: onRestored });
  if (undo.data) {
    return (
      <Message positive role="status" onDismiss={onDone} className="pc-name">
        Restored “{undo.data.item.name}” to “{undo.data.folder.name}”.
      </Message>
    );
  }
  return (
    <Message role="status" onDismiss={onDone} className="pc-undo">
      <span className="pc-name">“{item.name}” was moved to Trash.</span>{' '}
      <Button compact basic size="small" icon="undo" content="Undo" loading={undo.isPending} disabled={undo.isPending} onClick={() => undo.mutate()} />
      {undo.error && <div className="pc-error-text">{undo.error.message}</div>}
    </Message>
  );
}
