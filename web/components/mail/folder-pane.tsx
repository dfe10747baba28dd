'use client';
// A folder's page at /mail/<folder>: its name with what can be done to the folder itself (Rename
// and Delete for the user's own, Empty Trash / Empty Junk), the message list, and the pager.
// Sorting and paging are this view's own state, reset when the folder changes; a row's link
// goes to the message's URL.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Button, Loader, Message } from 'semantic-ui-react';
import { mailFolderQuery, mailPageSize, type MailFolderInfo, type MailFolderPage, type SortColumn, type SortOrder } from '../../lib/queries/mail';
import { MessageList } from './message-list';
import type { MailActions } from './use-mail-actions';

function emptyText(folder: MailFolderInfo): string {
  if (folder.role === 'inbox') return 'Your inbox is empty.';
  if (folder.role === 'sent') return 'You have not sent any mail yet.';
  if (folder.role === 'drafts') return 'No drafts.';
  return `${folder.name} is empty.`;
}

export function FolderPane({
  folder,
  folders,
  actions,
  onRename,
  onDelete,
  onEmpty,
  onDeleteForever,
}: {
  folder: MailFolderInfo;
  folders: MailFolderInfo[];
  actions: MailActions;
  onRename: () => void;
  onDelete: () => void;
  onEmpty: () => void;
  onDeleteForever: (ids: string[]) => void;
}) {
  const queryClient = useQueryClient();
  // Cursors of the pages before this one; the last is this page's `before` (null: the newest).
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [sort, setSort] = useState<{ column: SortColumn; order: SortOrder }>({ column: 'date', order: 'desc' });
  const before = cursors[cursors.length - 1] ?? null;
  const pageQuery = mailFolderQuery(folder.id, before, sort);
  const page = useQuery(pageQuery);

  // A new order starts from its first page: the first click on a column sorts A–Z (dates newest
  // first), the next reverses it.
  const sortBy = (column: SortColumn) => {
    setSort((s) => ({ column, order: s.column === column ? (s.order === 'asc' ? 'desc' : 'asc') : column === 'date' ? 'desc' : 'asc' }));
    setCursors([null]);
  };
  // Opening marks a message read on the server; the list shows it at once.
  const markOpened = (id: string) =>
    queryClient.setQueryData<MailFolderPage>(pageQuery.queryKey, (old) => (old ? { ...old, messages: old.messages.map((m) => (m.id === id ? { ...m, unread: false } : m)) } : old));

  const data = page.data;
  const first = (cursors.length - 1) * mailPageSize;
  const emptiable = folder.role === 'trash' || folder.role === 'junk';
  return (
    <>
      <div className="pc-mail-listhead">
        <h2 className="pc-mail-title">{folder.name}</h2>
        {!folder.role && (
          <>
            <Button basic size="small" icon="pencil" content="Rename folder" onClick={onRename} />
            <Button basic size="small" icon="trash" content="Delete folder" onClick={onDelete} />
          </>
        )}
        {emptiable && <Button basic size="small" color="red" icon="trash" content={`Empty ${folder.name}`} disabled={!data || data.total === 0} onClick={onEmpty} />}
      </div>
      {page.error && <Message negative role="alert" content={page.error.message} />}
      {page.isPending && <Loader active inline="centered" />}
      {data && data.messages.length === 0 && <Message info content={emptyText(folder)} />}
      {data && data.messages.length > 0 && (
        <MessageList
          key={`${folder.id}/${before ?? ''}`}
          folder={folder.id}
          folders={folders}
          messages={data.messages}
          sort={sort}
          onSort={sortBy}
          onOpen={(m) => markOpened(m.id)}
          actions={actions}
          onDeleteForever={onDeleteForever}
        />
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
  );
}
