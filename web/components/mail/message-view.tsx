'use client';
// One message at its own URL: headers, the body, attachments, and what can be done to it —
// Reply, Forward, Flag, Mark unread, Move to…, Delete (to Trash; in Trash: Restore and Delete
// forever). A draft opens in the compose window to be finished. An HTML body comes from the
// server already sanitized, as a whole document whose CSP forbids remote loads, and is shown in
// an iframe sandboxed without allow-scripts (and without allow-same-origin, so it cannot reach
// this page either). Plain text keeps its line breaks.
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { Button, Divider, Header, Icon, List, Loader, Message, Segment } from 'semantic-ui-react';
import { mailFolderQuery, mailMessageQuery, type MailFolderInfo, type MailMessage, type MailRow } from '../../lib/queries/mail';
import { formatBytes, longDate } from './mail-format';
import { folderHref } from './mail-route';
import { MoveMenu } from './move-menu';
import type { MailActions } from './use-mail-actions';

function addressLine(list: { name: string; address: string }[]): string {
  return list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(', ');
}

/** The message's row in a folder page already fetched, for its flag. */
function cachedRow(queryClient: QueryClient, folder: string, id: string): MailRow | undefined {
  for (const [, data] of queryClient.getQueriesData<{ messages?: MailRow[] }>({ queryKey: ['mail', folder] })) {
    const row = data?.messages?.find((m) => m.id === id);
    if (row) return row;
  }
  return undefined;
}

export function MessageView({
  folder,
  id,
  folders,
  actions,
  onReply,
  onForward,
  onEditDraft,
  onDeleteForever,
}: {
  folder: string;
  id: string;
  folders: MailFolderInfo[];
  actions: MailActions;
  onReply: (m: MailMessage) => void;
  onForward: (m: MailMessage) => void;
  onEditDraft: (m: MailMessage, row: MailRow | undefined) => void;
  onDeleteForever: (ids: string[]) => void;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const message = useQuery(mailMessageQuery(folder, id));
  const [flagged, setFlagged] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const m = message.data;
  const isFlagged = flagged ?? cachedRow(queryClient, folder, id)?.flagged ?? false;
  const back = () => router.push(folderHref(folder));

  // Opening read it: the sidebar's counts change.
  useEffect(() => {
    if (m) void queryClient.invalidateQueries({ queryKey: ['mail', 'folders'] });
  }, [m, queryClient]);
  // A draft goes on in the compose window, once per opening, when its listing row is at hand
  // too (the first page of Drafts, which the folder's list shares): it has the recipients as typed.
  const drafts = useQuery({ ...mailFolderQuery('drafts', null), enabled: folder === 'drafts' });
  const listed = !drafts.isPending;
  const opened = useRef<string | null>(null);
  useEffect(() => {
    if (m && folder === 'drafts' && listed && opened.current !== id) {
      opened.current = id;
      onEditDraft(m, cachedRow(queryClient, folder, id));
    }
  }, [m, folder, id, listed, onEditDraft, queryClient]);

  const run = async (change: () => Promise<unknown>, thenBack: boolean) => {
    setBusy(true);
    try {
      const ok = await change();
      if (ok && thenBack) back();
    } finally {
      setBusy(false);
    }
  };
  const inTrash = folder === 'trash';
  return (
    <Segment>
      <Button basic icon="arrow left" content="Back" onClick={back} />
      {message.isPending && <Loader active inline="centered" />}
      {message.error && (
        <Message warning role="alert" className="pc-mail-missing">
          {message.error.message} <a href={folderHref(folder)}>Back to the folder</a>
        </Message>
      )}
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
            {folder === 'drafts' ? (
              <Button size="small" primary icon="pencil" content="Edit draft" onClick={() => onEditDraft(m, cachedRow(queryClient, folder, id))} />
            ) : (
              <>
                <Button size="small" icon="reply" content="Reply" onClick={() => onReply(m)} />
                <Button size="small" icon="share" content="Forward" onClick={() => onForward(m)} />
              </>
            )}
            <Button
              size="small"
              icon={isFlagged ? 'flag' : 'flag outline'}
              content={isFlagged ? 'Unflag' : 'Flag'}
              aria-pressed={isFlagged}
              disabled={busy}
              onClick={() => run(() => actions.setFlags(folder, [id], { flagged: !isFlagged }).then((r) => r && setFlagged(!isFlagged)), false)}
            />
            <Button size="small" icon="envelope" content="Mark unread" disabled={busy} onClick={() => run(() => actions.setFlags(folder, [id], { unread: true }), true)} />
            <MoveMenu folders={folders} current={folder} disabled={busy} onMove={(to) => void run(() => actions.move(folder, [id], to), true)} />
            {inTrash ? (
              <>
                <Button size="small" icon="undo" content="Restore" disabled={busy} onClick={() => run(() => actions.restore([id]), true)} />
                <Button size="small" negative icon="trash" content="Delete forever" disabled={busy} onClick={() => onDeleteForever([id])} />
              </>
            ) : (
              <Button size="small" icon="trash" content="Delete" negative disabled={busy} onClick={() => run(() => actions.remove(folder, [id]), true)} />
            )}
          </div>
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
