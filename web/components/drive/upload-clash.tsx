'use client';
// The question asked before an upload whose name is taken: Replace (the file there is replaced
// once the new one is complete), Keep both (the new one is stored as "name (1).ext"), or Skip —
// with "apply to all" when more clashes of the same batch wait.
import { useState } from 'react';
import { Button, Checkbox, Modal } from 'semantic-ui-react';
import type { Clash } from './use-uploads';

export function UploadClashDialog({ clash, folderName }: { clash: Clash; folderName: string }) {
  const [all, setAll] = useState(false);
  const title = `“${clash.name}” already exists`;
  return (
    <Modal open size="tiny" onClose={() => clash.answer('skip', false)} role="dialog" aria-modal aria-label={title}>
      <Modal.Header>{title}</Modal.Header>
      <Modal.Content>
        <p>
          {clash.canReplace
            ? `“${folderName}” already has a file named “${clash.name}”.`
            : `“${clash.name}” is already taken in “${folderName}”, and it cannot be replaced by this upload.`}
        </p>
        <p>Keep both stores the new file as “{clash.keepBothName}”.</p>
        {clash.later > 0 && (
          <Checkbox
            label={`Do this for the other ${clash.later} ${clash.later === 1 ? 'clash' : 'clashes'} too`}
            checked={all}
            onChange={(_, { checked }) => setAll(checked === true)}
          />
        )}
      </Modal.Content>
      <Modal.Actions>
        <Button onClick={() => clash.answer('skip', all)}>Skip</Button>
        <Button onClick={() => clash.answer('keep-both', all)}>Keep both</Button>
        {clash.canReplace && (
          <Button primary onClick={() => clash.answer('replace', all)}>
            Replace
          </Button>
        )}
      </Modal.Actions>
    </Modal>
  );
}
