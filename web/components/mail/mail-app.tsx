'use client';
// The webmail: Inbox and Sent tabs listing a page of the folder (newest first, or sorted by a
// column across the whole folder by the server), unread mail in bold, older and newer pages; one
// message at a time in place of the list (usable at phone width); compose, reply and forward
// in one modal.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Icon, Loader, Menu, Message, Table } from 'semantic-ui-react';
import { who } from '../../lib/mail-sort';
import { mailFolderQuery, mailPageSize, type MailFolder, type MailMessage, type SendMailResult, type SortColumn, type SortOrder } from '../../lib/queries/mail';
import { ComposeModal } from './compose-modal';
import { emptyDraft, forwardDraft, replyDraft, shortDate, type Draft } from './mail-format';
import { MessageView } from './message-view';
import './mail.css';

const direction = (order: SortOrder) => (order === 'asc' ? 'ascending' : 'descending');

export function MailApp() {
  const [folder, setFolder] = useState<MailFolder>('inbox');
  // Cursors of the pages before this one; the last is this page's `before` (null: the newest).
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [sort, setSort] = useState<{ column: SortColumn; order: SortOrder }>({ column: 'date', order: 'desc' });
  const [open, setOpen] = useState<string | null>(null);
  const [compose, setCompose] = useState<{ draft: Draft; title: string } | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const before = cursors[cursors.length - 1] ?? null;
  const pageQuery = mailFolderQuery(folder, before, sort);
  const page = useQuery(pageQuery);
  const queryClient = useQueryClient();

  // Opening marks a message read on the server (GET /api/mail/<folder>/<id>); the list shows it
  // at once, and is fetched again on the way back.
  const openMessage = (id: string) => {
    queryClient.setQueryData(pageQuery.queryKey, (old) =>
      old ? { ...old, messages: old.messages.map((m) => (m.id === id ? { ...m, unread: false } : m)) } : old,
    );
    setOpen(id);
  };
  const closeMessage = () => {
    setOpen(null);
    void queryClient.invalidateQueries({ queryKey: pageQuery.queryKey });
  };

  // A tab click is a request for the folder as it is now, whatever the cache holds.
  const switchFolder = (f: MailFolder) => {
    void queryClient.invalidateQueries({ queryKey: ['mail', f] });
    setFolder(f);
    setCursors([null]);
    setOpen(null);
  };
  // A new order starts from its first page: the first click on a column sorts A–Z (dates newest
  // first), the next reverses it.
  const sortBy = (column: SortColumn) => {
    setSort((s) => ({ column, order: s.column === column ? (s.order === 'asc' ? 'desc' : 'asc') : column === 'date' ? 'desc' : 'asc' }));
    setCursors([null]);
  };
  const onSent = (r: SendMailResult) => {
    setCompose(null);
    const queued = r.queued.length ? ` Waiting to be delivered: ${r.queued.join(', ')}.` : '';
    setNotice(`Message sent.${queued}`);
  };
  const startReply = (m: MailMessage) => setCompose({ draft: replyDraft(m), title: 'Reply' });
  const startForward = (m: MailMessage) => setCompose({ draft: forwardDraft(m), title: 'Forward' });

  const data = page.data;
  const first = (cursors.length - 1) * mailPageSize;
  return (
    <>
      <div className="pc-mail-toolbar">
        <Menu pointing secondary role="tablist" aria-label="Mail folders">
          <Menu.Item as="button" role="tab" aria-selected={folder === 'inbox'} name="Inbox" icon="inbox" active={folder === 'inbox'} onClick={() => switchFolder('inbox')} />
          <Menu.Item as="button" role="tab" aria-selected={folder === 'sent'} name="Sent" icon="send" active={folder === 'sent'} onClick={() => switchFolder('sent')} />
        </Menu>
        {data && <QuotaMeter {...data.quota} />}
        <Button primary icon="edit" content="Compose" onClick={() => setCompose({ draft: { ...emptyDraft }, title: 'New message' })} />
      </div>
      {notice && <Message positive role="status" onDismiss={() => setNotice(null)} content={notice} />}
      {open ? (
        <MessageView folder={folder} id={open} onBack={closeMessage} onReply={startReply} onForward={startForward} />
      ) : (
        <>
          {page.error && <Message negative role="alert" content={page.error.message} />}
          {page.isPending && <Loader active inline="centered" />}
          {data && data.messages.length === 0 && <Message info content={folder === 'inbox' ? 'Your inbox is empty.' : 'You have not sent any mail yet.'} />}
          {data && data.messages.length > 0 && (
            <Table sortable selectable unstackable compact className="pc-mail-table" aria-label={folder === 'inbox' ? 'Inbox' : 'Sent mail'}>
              <Table.Header>
                <Table.Row>
                  <Table.HeaderCell sorted={sort.column === 'who' ? direction(sort.order) : undefined} onClick={() => sortBy('who')}>
                    {folder === 'inbox' ? 'From' : 'To'}
                  </Table.HeaderCell>
                  <Table.HeaderCell sorted={sort.column === 'subject' ? direction(sort.order) : undefined} onClick={() => sortBy('subject')}>
                    Subject
                  </Table.HeaderCell>
                  <Table.HeaderCell sorted={sort.column === 'date' ? direction(sort.order) : undefined} onClick={() => sortBy('date')} collapsing>
                    Date
                  </Table.HeaderCell>
                </Table.Row>
              </Table.Header>
              <Table.Body>
                {data.messages.map((m) => (
                  <Table.Row key={m.id} className={m.unread ? 'pc-unread' : undefined} onClick={() => openMessage(m.id)} data-unread={m.unread}>
                    <Table.Cell>{who(folder, m)}</Table.Cell>
                    <Table.Cell className="pc-mail-subject-cell">
                      <a
                        href={`#${m.id}`}
                        onClick={(e) => {
                          e.preventDefault();
                          e.stopPropagation();
                          openMessage(m.id);
                        }}
                      >
                        {m.subject || '(no subject)'}
                      </a>
                      {m.hasAttachments && <Icon name="attach" aria-label="has attachments" />}
                    </Table.Cell>
                    <Table.Cell collapsing>
                      <time dateTime={m.date}>{shortDate(m.date)}</time>
                    </Table.Cell>
                  </Table.Row>
                ))}
              </Table.Body>
            </Table>
          )}
          {data && data.total > 0 && (
            <div className="pc-mail-pager">
              <span className="pc-muted">
                {first + 1}–{first + data.messages.length} of {data.total}
              </span>
              <Button basic icon="chevron left" aria-label="Previous page" disabled={cursors.length === 1} onClick={() => setCursors((c) => c.slice(0, -1))} />
              <Button basic icon="chevron right" aria-label="Next page" disabled={!data.next} onClick={() => setCursors((c) => [...c, data.next])} />
            </div>
          )}
        </>
      )}
      <ComposeModal draft={compose?.draft ?? null} title={compose?.title ?? ''} onClose={() => setCompose(null)} onSent={onSent} />
    </>
  );
}

/** "12.3 MB of 1 GB used", warning colours near and at the quota. */
function QuotaMeter({ usedBytes, quotaBytes }: { usedBytes: number; quotaBytes: number }) {
  const share = quotaBytes > 0 ? usedBytes / quotaBytes : 0;
  const tone = share >= 1 ? 'pc-quota-full' : share >= 0.9 ? 'pc-quota-near' : '';
  return (
    <span className={`pc-muted pc-mail-quota ${tone}`} data-testid="mail-quota" title={share >= 1 ? 'Your mailbox is full: new mail is refused until you delete some.' : undefined}>
      {formatBytes(usedBytes)} of {formatBytes(quotaBytes)} used
    </span>
  );
}

function formatBytes(n: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} bytes` : `${value >= 10 || Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}
