'use client';
// Compose, reply, forward and a draft continued: one modal, prefilled from a Draft, every field
// editable, with Bcc and files to attach. What is typed is saved in Drafts as it is typed
// (use-draft-save.ts) and on close; sending removes that draft. The server names a bad address
// ("“bob@” in To is not an email address.") or a message too large, and the modal shows it.
// Attachments are not part of a saved draft: the draft API takes text only.
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Button, Form, Icon, Label, Message, Modal } from 'semantic-ui-react';
import { apiRequest, ApiError } from '../../lib/api-client';
import { formatBytes } from '../../lib/format-bytes';
import { sendMailBody, type SaveDraftInput, type SendMailInput, type SendMailResult } from '../../lib/queries/mail';
import { FilePickerButton } from '../file-picker-button';
import type { Draft } from './mail-format';
import { useDraftSave, type DraftState } from './use-draft-save';

export interface ComposeSession {
  draft: Draft;
  title: string;
  /** The saved draft this continues (opened from Drafts), or null for a new message. */
  draftId: string | null;
}

function draftFields(f: Draft): SaveDraftInput {
  return { to: f.to, cc: f.cc, bcc: f.bcc ?? '', subject: f.subject, text: f.text, inReplyTo: f.inReplyTo, references: f.references };
}

function stateText(state: DraftState): string {
  switch (state.kind) {
    case 'saving':
      return 'Saving…';
    case 'saved':
      return 'Saved';
    case 'failed':
      return `Not saved: ${state.message}`;
    default:
      return '';
  }
}

export function ComposeModal({
  session,
  onClose,
  onSent,
}: {
  session: ComposeSession | null;
  /** `savedId`: the draft left in Drafts, if any was saved. */
  onClose: (savedId: string | null) => void;
  onSent: (r: SendMailResult) => void;
}) {
  const [fields, setFields] = useState<Draft>(session?.draft ?? { to: '', cc: '', subject: '', text: '' });
  const [files, setFiles] = useState<File[]>([]);
  const drafts = useDraftSave();
  const { start } = drafts;
  const send = useMutation({
    mutationFn: async (input: SendMailInput) => {
      const draftId = (await drafts.settle()) ?? undefined;
      return apiRequest<SendMailResult>('POST', '/api/mail/send', sendMailBody({ ...input, draftId }));
    },
    onSuccess: (result) => {
      drafts.start(null);
      onSent(result);
    },
    // Not sent: what was typed since the last save is saved after all.
    onError: () => drafts.changed(draftFields(fields)),
  });
  const { reset } = send;
  // A new session (compose, reply, forward, a draft) replaces the fields and clears the last error.
  useEffect(() => {
    if (!session) return;
    setFields(session.draft);
    setFiles([]);
    start(session.draftId);
    reset();
  }, [session, reset, start]);
  const set = (name: keyof Draft) => (_: unknown, data: { value?: string | number | boolean | (string | number | boolean)[] | undefined }) => {
    const next = { ...fields, [name]: String(data.value ?? '') };
    setFields(next);
    drafts.changed(draftFields(next));
  };
  const close = () => {
    void drafts.flush().then((id) => onClose(id));
  };
  const error = send.error instanceof ApiError ? send.error.message : send.error ? 'The message could not be sent.' : null;
  const title = session?.title ?? '';
  return (
    <Modal open={session !== null} onClose={close} size="small" closeIcon role="dialog" aria-modal="true" aria-label={title}>
      <Modal.Header>{title}</Modal.Header>
      <Modal.Content scrolling>
        <Form id="pc-compose" onSubmit={() => send.mutate({ ...draftFields(fields), attachments: files })}>
          <Form.Input label="To" id="pc-compose-to" value={fields.to} onChange={set('to')} placeholder="bob, carol@example.com" autoComplete="off" />
          <Form.Group widths="equal">
            <Form.Input label="Cc" id="pc-compose-cc" value={fields.cc} onChange={set('cc')} autoComplete="off" />
            <Form.Input label="Bcc" id="pc-compose-bcc" value={fields.bcc ?? ''} onChange={set('bcc')} autoComplete="off" placeholder="Hidden from the others" />
          </Form.Group>
          <Form.Input label="Subject" id="pc-compose-subject" value={fields.subject} onChange={set('subject')} autoComplete="off" />
          {files.length > 0 && (
            <div className="pc-compose-files" role="group" aria-label="Attachments">
              {files.map((file, i) => (
                <Label key={`${i}-${file.name}`} className="pc-compose-file">
                  <Icon name="file outline" />
                  <span className="pc-name" title={file.name}>
                    {file.name}
                  </span>
                  <Label.Detail>{formatBytes(file.size)}</Label.Detail>
                  <button type="button" className="pc-compose-remove" aria-label={`Remove ${file.name}`} onClick={() => setFiles((f) => f.filter((_, j) => j !== i))}>
                    <Icon name="delete" fitted />
                  </button>
                </Label>
              ))}
            </div>
          )}
          <Form.TextArea label="Message" id="pc-compose-text" value={fields.text} onChange={set('text')} rows={8} />
        </Form>
        {error && <Message negative role="alert" content={error} />}
      </Modal.Content>
      <Modal.Actions>
        <FilePickerButton basic icon="attach" content="Attach files" floated="left" inputLabel="Choose files" onFiles={(chosen) => setFiles((f) => [...f, ...chosen])} />
        <span className={`pc-compose-state${drafts.state.kind === 'failed' ? ' pc-error-text' : ''}`} aria-live="polite" data-state={drafts.state.kind}>
          {stateText(drafts.state)}
        </span>
        <Button type="button" onClick={close}>
          Close
        </Button>
        <Button type="submit" form="pc-compose" primary icon="send" content="Send" loading={send.isPending} disabled={send.isPending} />
      </Modal.Actions>
    </Modal>
  );
}
