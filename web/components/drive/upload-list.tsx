'use client';
// The uploads panel: one row per file with a progress bar and a cancel button, its outcome
// when it ends, and "Clear finished"; and the name-clash question of the first file waiting for
// one (upload-clash.tsx).
import { Button, Header, Icon, Progress, Segment } from 'semantic-ui-react';
import { formatBytes } from '../../lib/format-bytes';
import { UploadClashDialog } from './upload-clash';
import { InterruptedUploads } from './upload-interrupted';
import { fingerprintOf } from './upload-tus';
import { activeStates, type Upload } from './use-uploads';

const label: Record<Upload['state'], string> = {
  checking: 'Checking the name',
  asking: 'Name taken: choose',
  waiting: 'Waiting',
  sending: 'Uploading',
  saving: 'Saving',
  done: 'Uploaded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  skipped: 'Skipped',
};

function statusOf(u: Upload): string {
  if (u.state === 'failed') return u.error ?? 'Failed';
  const renamed = u.name !== u.file.name ? ` as “${u.name}”` : '';
  const replacing = u.replace ? ' (replacing)' : '';
  const resumed = u.resumedAt !== undefined ? `Resumed at ${formatBytes(u.resumedAt)} · ` : '';
  return `${resumed}${label[u.state]}${renamed}${replacing} · ${formatBytes(u.sent)} of ${formatBytes(u.file.size)}`;
}

export function UploadList({ uploads, onCancel, onClear }: { uploads: Upload[]; onCancel: (key: number) => void; onClear: () => void }) {
  const running = new Set(uploads.filter((u) => activeStates.includes(u.state)).map((u) => fingerprintOf(u.file, { folder: u.folder, name: u.name })));
  const interrupted = <InterruptedUploads running={running} />;
  if (uploads.length === 0) return interrupted;
  const finished = uploads.some((u) => !activeStates.includes(u.state));
  const asking = uploads.find((u) => u.state === 'asking' && u.clash);
  return (
    <>
      {interrupted}
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
          const active = activeStates.includes(u.state);
          return (
            <div key={u.key} className="pc-upload" data-state={u.state} aria-label={`Upload of ${u.file.name}`}>
              <div className="pc-upload-line">
                <span className="pc-name" title={u.file.name}>
                  {u.file.name}
                </span>
                <span className="pc-upload-status">
                  {statusOf(u)}
                </span>
                {active && <Button icon="close" size="mini" basic compact aria-label={`Cancel upload of ${u.file.name}`} onClick={() => onCancel(u.key)} />}
              </div>
              <Progress
                percent={percent}
                size="tiny"
                success={u.state === 'done'}
                error={u.state === 'failed'}
                disabled={u.state === 'cancelled' || u.state === 'skipped'}
                active={u.state === 'sending'}
                color={u.state === 'sending' || u.state === 'saving' ? 'teal' : undefined}
                aria-label={`Progress of ${u.file.name}`}
              />
            </div>
          );
        })}
        {asking?.clash && <UploadClashDialog key={asking.key} clash={asking.clash} folderName={asking.folderName} />}
      </Segment>
    </>
  );
}
