'use client';
// A page of a folder: one row per message (the other party, the subject with the stored snippet,
// flag, attachment mark, date), unread mail in bold, each subject a link to the message's own
// URL. Rows can be selected for Move to…, Delete (Delete forever and Restore in Trash), Mark
// read or unread and Flag. Sorting by a column sorts the whole folder on the server.
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button, Icon, Table } from 'semantic-ui-react';
import { listsRecipients, who } from '../../lib/mail-sort';
import type { MailFolderInfo, MailRow, SortColumn, SortOrder } from '../../lib/queries/mail';
import { shortDate } from './mail-format';
import { messageHref } from './mail-route';
import { MoveMenu } from './move-menu';
import type { MailActions } from './use-mail-actions';

const direction = (order: SortOrder) => (order === 'asc' ? 'ascending' : 'descending');

export function MessageList({
  folder,
  folders,
  messages,
  sort,
  onSort,
  onOpen,
  actions,
  onDeleteForever,
}: {
  folder: string;
  folders: MailFolderInfo[];
  messages: MailRow[];
  sort: { column: SortColumn; order: SortOrder };
  onSort: (column: SortColumn) => void;
  /** Before a message opens: the list shows it read at once. */
  onOpen: (m: MailRow) => void;
  actions: MailActions;
  onDeleteForever: (ids: string[]) => void;
}) {
  const router = useRouter();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  // Rows gone since (moved, deleted, another page) are no longer selected.
  const chosen = messages.filter((m) => selected.has(m.id));
  const ids = chosen.map((m) => m.id);
  const toggle = (id: string, on: boolean) =>
    setSelected((s) => {
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const done = () => setSelected(new Set());
  const inTrash = folder === 'trash';
  const open = (m: MailRow) => {
    onOpen(m);
    router.push(messageHref(m.folder, m.id));
  };
  const allChosen = chosen.length > 0 && chosen.length === messages.length;
  return (
    <>
      <div className="pc-mail-bulk" role="toolbar" aria-label="Selected messages">
        <input
          type="checkbox"
          aria-label="Select all"
          checked={allChosen}
          ref={(box) => {
            if (box) box.indeterminate = chosen.length > 0 && !allChosen;
          }}
          onChange={(e) => setSelected(new Set(e.target.checked ? messages.map((m) => m.id) : []))}
        />
        <span className="pc-muted">{chosen.length > 0 ? `${chosen.length} selected` : ''}</span>
        {chosen.length > 0 && (
          <>
            <MoveMenu folders={folders} current={folder} onMove={(to) => void actions.move(folder, ids, to).then(done)} />
            {inTrash ? (
              <>
                <Button size="small" icon="undo" content="Restore" onClick={() => void actions.restore(ids).then(done)} />
                <Button size="small" negative icon="trash" content="Delete forever" onClick={() => onDeleteForever(ids)} />
              </>
            ) : (
              <Button size="small" icon="trash" content="Delete selected" onClick={() => void actions.remove(folder, ids).then(done)} />
            )}
            <Button size="small" basic icon="envelope open outline" content="Mark read" onClick={() => void actions.setFlags(folder, ids, { unread: false })} />
            <Button size="small" basic icon="envelope" content="Mark selected unread" onClick={() => void actions.setFlags(folder, ids, { unread: true })} />
          </>
        )}
      </div>
      <Table sortable selectable unstackable compact className="pc-mail-table" aria-label={folders.find((f) => f.id === folder)?.name ?? 'Messages'}>
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell collapsing />
            <Table.HeaderCell sorted={sort.column === 'who' ? direction(sort.order) : undefined} onClick={() => onSort('who')} className="pc-mail-who">
              {listsRecipients(folder) ? 'To' : 'From'}
            </Table.HeaderCell>
            <Table.HeaderCell sorted={sort.column === 'subject' ? direction(sort.order) : undefined} onClick={() => onSort('subject')}>
              Subject
            </Table.HeaderCell>
            <Table.HeaderCell sorted={sort.column === 'date' ? direction(sort.order) : undefined} onClick={() => onSort('date')} collapsing>
              Date
            </Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {messages.map((m) => (
            <Table.Row key={m.id} className={m.unread ? 'pc-unread' : undefined} onClick={() => open(m)} data-unread={m.unread} data-flagged={m.flagged}>
              <Table.Cell collapsing onClick={(e: React.MouseEvent) => e.stopPropagation()}>
                <span className="pc-mail-row-tools">
                  <input type="checkbox" aria-label={`Select ${m.subject || '(no subject)'}`} checked={selected.has(m.id)} onChange={(e) => toggle(m.id, e.target.checked)} />
                  <button
                    type="button"
                    className={`pc-mail-flag${m.flagged ? ' pc-on' : ''}`}
                    aria-label={m.flagged ? 'Unflag' : 'Flag'}
                    aria-pressed={m.flagged}
                    title={m.flagged ? 'Flagged: click to unflag' : 'Flag'}
                    onClick={() => void actions.setFlags(folder, [m.id], { flagged: !m.flagged })}
                  >
                    <Icon name={m.flagged ? 'flag' : 'flag outline'} fitted />
                  </button>
                </span>
              </Table.Cell>
              <Table.Cell className="pc-mail-who">{who(folder, m)}</Table.Cell>
              <Table.Cell className="pc-mail-subject-cell">
                <Link
                  href={messageHref(m.folder, m.id)}
                  className="pc-mail-subject-link"
                  onClick={(e) => {
                    e.stopPropagation();
                    onOpen(m);
                  }}
                >
                  {m.subject || '(no subject)'}
                </Link>
                {m.hasAttachments && <Icon name="attach" aria-label="has attachments" />}
                {m.draft && folder !== 'drafts' && <span className="pc-muted"> (draft)</span>}
                {m.snippet && <span className="pc-mail-snippet"> — {m.snippet}</span>}
              </Table.Cell>
              <Table.Cell collapsing>
                <time dateTime={m.date}>{shortDate(m.date)}</time>
              </Table.Cell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
    </>
  );
}
