'use client';
// One message: headers, the body, attachments, and Reply / Forward / Mark unread / Delete. An HTML body comes
// from the server already sanitized, as a whole document whose CSP forbids remote loads, and is
// shown in an iframe sandboxed without allow-scripts (and without allow-same-origin, so it
// cannot reach this page either). Plain text keeps its line breaks.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Divider, Header, Icon, List, Loader, Message, Segment } from 'semantic-ui-react';
import { apiRequest } from '../../lib/api-client';
import { mailMessageQuery, type MailFolder, type MailMessage } from '../../lib/queries/mail';
import { formatBytes, longDate } from './mail-format';

function addressLine(list: { name: string; address: string }[]): string {
  return list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');
}

export function MessageView({
  folder,
  id,
  onBack,
  onReply,
  onForward,
}: {
  folder: MailFolder;
  id: string;
  onBack: () => void;
  onReply: (m: MailMessage) => void;
  onForward: (m: MailMessage) => void;
}) {
  const queryClient = useQueryClient();
  const message = useQuery(mailMessageQuery(folder, id));
  const remove = useMutation({
    mutationFn: () => apiRequest<{ ok: true }>('DELETE', `/api/mail/${folder}/${id}`),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: mailMessageQuery(folder, id).queryKey });
      await queryClient.invalidateQueries({ queryKey: ['mail', folder] });
      onBack();
    },
  });
  const markUnread = useMutation({
    mutationFn: () => apiRequest<{ unread: boolean }>('PATCH', `/api/mail/${folder}/${id}`, { unread: true }),
    onSuccess: async () => {
      // The next open marks it read again: it must be fetched anew, not shown from the cache.
      queryClient.removeQueries({ queryKey: mailMessageQuery(folder, id).queryKey });
      await queryClient.invalidateQueries({ queryKey: ['mail', folder] });
      onBack();
    },
  });
  const m = message.data;
  const failed = remove.error ?? markUnread.error;
  return (
    <Segment>
      <Button basic icon="arrow left" content="Back" onClick={onBack} />
      {message.isPending && <Loader active inline="centered" />}
      {message.error && <Message negative role="alert" content={message.error.message} />}
      {m && (
        <>
          <Header as="h2" className="pc-mail-subject">
            {m.subject || '(no subject)'}
          </Header>
          <List className="pc-mail-headers">
            <List.Item>
              <b>From:</b> {m.from}
            </List.Item>
            <List.Item>
              <b>To:</b> {addressLine(m.to)}
            </List.Item>
            {m.cc.length > 0 && (
              <List.Item>
                <b>Cc:</b> {addressLine(m.cc)}
              </List.Item>
            )}
            {m.bcc.length > 0 && (
              <List.Item>
                <b>Bcc:</b> {addressLine(m.bcc)}
              </List.Item>
            )}
            <List.Item>
              <b>Date:</b> {longDate(m.date)}
            </List.Item>
          </List>
          <div className="pc-mail-actions">
            <Button size="small" icon="reply" content="Reply" onClick={() => onReply(m)} />
            <Button size="small" icon="share" content="Forward" onClick={() => onForward(m)} />
            <Button size="small" icon="envelope" content="Mark unread" loading={markUnread.isPending} onClick={() => markUnread.mutate()} />
            <Button size="small" icon="trash" content="Delete" negative loading={remove.isPending} onClick={() => remove.mutate()} />
          </div>
          {failed && <Message negative role="alert" content={failed.message} />}
          <Divider />
          {m.htmlDocument !== null ? (
            <iframe
              title="Message body"
              className="pc-mail-frame"
              sandbox="allow-popups allow-popups-to-escape-sandbox"
              referrerPolicy="no-referrer"
              srcDoc={m.htmlDocument}
            />
          ) : (
            <pre className="pc-mail-text">{m.text}</pre>
          )}
          {m.attachments.length > 0 && (
            <>
              <Divider />
              <Header as="h4">
                <Icon name="attach" /> Attachments
              </Header>
              <List divided relaxed className="pc-mail-attachments">
                {m.attachments.map((a) => (
                  <List.Item key={a.index}>
                    <List.Icon name="file outline" />
                    <List.Content>
                      <a href={`/api/mail/${folder}/${id}/attachments/${a.index}`} download={a.filename}>
                        {a.filename}
                      </a>{' '}
                      <span className="pc-muted">({formatBytes(a.size)})</span>
                    </List.Content>
                  </List.Item>
                ))}
              </List>
            </>
          )}
        </>
      )}
    </Segment>
  );
}
