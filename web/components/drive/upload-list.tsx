'use client';
// The uploads panel: one row per file with a progress bar and a cancel button, its outcome
// when it ends, and "Clear finished".
import { Button, Header, Icon, Progress, Segment } from 'semantic-ui-react';
import { formatBytes } from '../../lib/format-bytes';
import type { Upload } from './use-uploads';

const label: Record<Upload['state'], string> = {
  waiting: 'Waiting',
  sending: 'Uploading',
  saving: 'Saving',
  done: 'Uploaded',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function UploadList({ uploads, onCancel, onClear }: { uploads: Upload[]; onCancel: (key: number) => void; onClear: () => void }) {
  if (uploads.length === 0) return null;
  const finished = uploads.some((u) => u.state === 'done' || u.state === 'failed' || u.state === 'cancelled');
  return (
    <Segment className="pc-uploads" aria-label="Uploads">
      <div className="pc-uploads-head">
        <Header as="h4">
          <Icon name="upload" />
          <Header.Content>Uploads</Header.Content>
        </Header>
        {finished && (
          <Button basic compact size="mini" onClick={onClear}>
            Clear finished
          </Button>
        )}
      </div>
      {uploads.map((u) => {
        const percent = u.file.size === 0 ? (u.state === 'done' ? 100 : 0) : Math.floor((u.sent / u.file.size) * 100);
        const active = u.state === 'waiting' || u.state === 'sending' || u.state === 'saving';
        return (
          <div key={u.key} className="pc-upload" data-state={u.state} aria-label={`Upload of ${u.file.name}`}>
            <div className="pc-upload-line">
              <span className="pc-name" title={u.file.name}>
                {u.file.name}
              </span>
              <span className="pc-upload-status">
                {u.state === 'failed' ? u.error : `${label[u.state]} · ${formatBytes(u.sent)} of ${formatBytes(u.file.size)}`}
              </span>
              {active && <Button icon="close" size="mini" basic compact aria-label={`Cancel upload of ${u.file.name}`} onClick={() => onCancel(u.key)} />}
            </div>
            <Progress
              percent={percent}
              size="tiny"
              success={u.state === 'done'}
              error={u.state === 'failed'}
              disabled={u.state === 'cancelled'}
              active={u.state === 'sending'}
              color={u.state === 'sending' || u.state === 'saving' ? 'teal' : undefined}
              aria-label={`Progress of ${u.file.name}`}
            />
          </div>
        );
      })}
    </Segment>
  );
}
