'use client';
// Compose, reply and forward: one modal, prefilled from a Draft, every field editable, with Bcc
// and files to attach. The server names a bad address ("“bob@” in To is not an email address.")
// or a message too large, and the modal shows it.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Button, Form, Icon, Label, Message, Modal } from 'semantic-ui-react';
import { apiRequest, ApiError } from '../../lib/api-client';
import { formatBytes } from '../../lib/format-bytes';
import { sendMailBody, type SendMailInput, type SendMailResult } from '../../lib/queries/mail';
import { FilePickerButton } from '../file-picker-button';
import type { Draft } from './mail-format';

export function ComposeModal({ draft, title, onClose, onSent }: { draft: Draft | null; title: string; onClose: () => void; onSent: (r: SendMailResult) => void }) {
  const queryClient = useQueryClient();
  const [fields, setFields] = useState<Draft>(draft ?? { to: '', cc: '', subject: '', text: '' });
  const [files, setFiles] = useState<File[]>([]);
  const send = useMutation({
    mutationFn: (input: SendMailInput) => apiRequest<SendMailResult>('POST', '/api/mail/send', sendMailBody(input)),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: ['mail'] });
      onSent(result);
    },
  });
  const { reset } = send;
  // A new draft (compose, reply, forward) replaces the fields and clears the last error.
  useEffect(() => {
    if (!draft) return;
    setFields(draft);
    setFiles([]);
    reset();
  }, [draft, reset]);
  const set = (name: keyof Draft) => (_: unknown, data: { value?: string | number | boolean | (string | number | boolean)[] | undefined }) =>
    setFields((f) => ({ ...f, [name]: String(data.value ?? '') }));
  const error = send.error instanceof ApiError ? send.error.message : send.error ? 'The message could not be sent.' : null;
  return (
    <Modal open={draft !== null} onClose={onClose} size="small" closeIcon role="dialog" aria-modal="true" aria-label={title}>
      <Modal.Header>{title}</Modal.Header>
      <Modal.Content scrolling>
        <Form
          id="pc-compose"
          onSubmit={() =>
            send.mutate({
              to: fields.to,
              cc: fields.cc,
              bcc: fields.bcc ?? '',
              subject: fields.subject,
              text: fields.text,
              inReplyTo: fields.inReplyTo,
              references: fields.references,
              attachments: files,
            })
          }
        >
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
        <Button type="button" onClick={onClose}>
          Cancel
        </Button>
        <Button type="submit" form="pc-compose" primary icon="send" content="Send" loading={send.isPending} disabled={send.isPending} />
      </Modal.Actions>
    </Modal>
  );
}
