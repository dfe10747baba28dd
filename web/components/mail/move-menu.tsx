'use client';
// "Move to…": every folder but the one the messages are in. Moving to Trash is Delete's job,
// with its Undo, so Trash is not offered.
import { Dropdown } from 'semantic-ui-react';
import type { MailFolderInfo } from '../../lib/queries/mail';

export function MoveMenu({ folders, current, disabled, onMove }: { folders: MailFolderInfo[]; current: string; disabled?: boolean; onMove: (to: MailFolderInfo) => void }) {
  const targets = folders.filter((f) => f.id !== current && f.role !== 'trash');
  return (
    <Dropdown text="Move to…" icon="folder open outline" labeled button className="icon small pc-move-menu" aria-label="Move to…" disabled={disabled} scrolling>
      <Dropdown.Menu>
        {targets.map((f) => (
          <Dropdown.Item key={f.id} text={f.name} onClick={() => onMove(f)} />
        ))}
      </Dropdown.Menu>
    </Dropdown>
  );
}
