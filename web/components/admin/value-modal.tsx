'use client';
// One value, opened from the raw-data table: text when it is text, a hex dump otherwise, only
// the first KiB of either (the server sends no more), and a download of the whole value.
import { useQuery } from '@tanstack/react-query';
import { Button, Icon, Label, Loader, Message, Modal } from 'semantic-ui-react';
import { valuePreviewQuery, valueUrl } from '../../lib/queries/admin';
import { formatBytes } from './format';

export interface OpenValue {
  node: string;
  row: string;
  column: string;
}

export function ValueModal({ value, onClose }: { value: OpenValue; onClose(): void }) {
  const preview = useQuery(valuePreviewQuery(value.node, value.row, value.column));
  const p = preview.data;
  return (
    <Modal open onClose={onClose} size="large" closeIcon role="dialog" aria-label={`Value of ${value.column}`}>
      <Modal.Header className="pc-admin-value-head">
        <span className="pc-admin-mono">{value.column}</span>
        <span className="pc-admin-value-row">
          in <span className="pc-admin-mono">{value.row}</span> on {value.node}
        </span>
      </Modal.Header>
      <Modal.Content scrolling>
        {preview.isPending && <Loader active inline="centered" content="Reading the value" />}
        {preview.isError && <Message negative role="alert" content={preview.error.message} />}
        {p && (
          <>
            <Label.Group size="small">
              <Label color={p.kind === 'text' ? 'teal' : 'purple'}>{p.kind === 'text' ? 'Text (UTF-8)' : 'Binary, shown as hex'}</Label>
              <Label basic>
                size <Label.Detail>{`${formatBytes(p.size)} (${p.size.toLocaleString('en-US')} bytes)`}</Label.Detail>
              </Label>
            </Label.Group>
            {p.truncated && (
              <Message info size="small" content={`Showing the first ${formatBytes(p.shownBytes)} of ${formatBytes(p.size)}. Download the value to see all of it.`} />
            )}
            <pre className={p.kind === 'text' ? 'pc-admin-value pc-admin-value-text' : 'pc-admin-value pc-admin-value-hex'} aria-label="Value content">
              {p.content}
            </pre>
          </>
        )}
      </Modal.Content>
      <Modal.Actions>
        {/* A link, not a button: it is a download, and works with a middle click or "save link as". */}
        <a className="ui teal icon labeled button" href={valueUrl(value.node, value.row, value.column, true)} download>
          <Icon name="download" /> Download
        </a>
        <Button basic content="Close" onClick={onClose} />
      </Modal.Actions>
    </Modal>
  );
}
