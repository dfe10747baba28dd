'use client';
// The webmail: folders on the side (a menu on a phone), a toolbar with search, the mailbox's use
// of its quota and Compose, and the view the URL names (mail-route.ts): a folder's list, one
// message, or search results. Moving between them is the app router's navigation, so Back and
// Forward, reloads and bookmarks work; this component lives in app/mail/layout.tsx and so keeps
// its state (a compose window, a notice, a folder's page and order) across those moves.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useCallback, useMemo, useState, useSyncExternalStore } from 'react';
import { Button, Loader, Message } from 'semantic-ui-react';
import { apiRequest } from '../../lib/api-client';
import { mailFoldersQuery, type MailFolderInfo, type MailMessage, type MailRow, type SendMailResult } from '../../lib/queries/mail';
import { ComposeModal, type ComposeSession } from './compose-modal';
import { ConfirmDialog, FolderNameDialog } from './folder-dialogs';
import { FolderPane } from './folder-pane';
import { FolderSidebar } from './folder-sidebar';
import { draftOf, emptyDraft, forwardDraft, replyDraft } from './mail-format';
import { MailNotice, notice, type Notice } from './mail-notice';
import { QuotaMeter } from './quota-meter';
import { folderHref, mailViewOf } from './mail-route';
import { SearchBox, SearchResults } from './mail-search';
import { MessageView } from './message-view';
import { useMailActions } from './use-mail-actions';
import './mail.css';

type Confirm =
  | { kind: 'delete-folder'; folder: MailFolderInfo }
  | { kind: 'empty'; folder: MailFolderInfo }
  | { kind: 'forever'; folder: string; ids: string[]; leave: boolean };

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

const noSubscription = () => () => {};

/** False in the server's HTML and until React runs in the page: buttons that open a window wait for it. */
function useHydrated(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
}

export function MailApp() {
  const hydrated = useHydrated();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const view = useMemo(() => mailViewOf(pathname, params), [pathname, params]);
  const foldersQuery = useQuery(mailFoldersQuery);
  const folders = useMemo(() => foldersQuery.data?.folders ?? [], [foldersQuery.data]);
  const here = folders.find((f) => f.id === view.folder);

  const [note, setNote] = useState<Notice | null>(null);
  const dismiss = useCallback(() => setNote(null), []);
  const actions = useMailActions(setNote);
  const [compose, setCompose] = useState<ComposeSession | null>(null);
  const [naming, setNaming] = useState<{ folder: MailFolderInfo | null } | null>(null);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [sideOpen, setSideOpen] = useState(false);

  const onSent = (r: SendMailResult) => {
    const fromDrafts = compose?.draftId != null;
    setCompose(null);
    const queued = r.queued.length ? ` Waiting to be delivered: ${r.queued.join(', ')}.` : '';
    setNote(notice(`Message sent.${queued}`));
    // Sent has it, Drafts no longer has the draft it was written in.
    void actions.refresh();
    if (fromDrafts && view.folder === 'drafts' && view.id) router.replace(folderHref('drafts'));
  };
  const onComposeClosed = (savedId: string | null) => {
    const continued = compose?.draftId ?? null;
    setCompose(null);
    if (savedId && savedId !== continued) setNote(notice('Draft saved in Drafts.'));
    // The draft at this URL was saved anew under another id: back to the list of drafts.
    if (savedId && view.folder === 'drafts' && view.id && view.id !== savedId) router.replace(folderHref('drafts'));
  };
  const editDraft = useCallback((m: MailMessage, row: MailRow | undefined) => setCompose({ title: 'Draft', draftId: m.id, draft: draftOf(m, row) }), []);

  const runConfirm = async (c: Confirm) => {
    if (c.kind === 'delete-folder') {
      await apiRequest('DELETE', `/api/mail/folders/${c.folder.id}`);
      setNote(notice(`Folder “${c.folder.name}” deleted.`));
      router.push(folderHref('inbox'));
    } else if (c.kind === 'empty') {
      await actions.emptyFolder(c.folder.id as 'trash' | 'junk');
      return;
    } else {
      for (const id of c.ids) await apiRequest('DELETE', `/api/mail/${c.folder}/${id}`);
      setNote(notice(`${c.ids.length === 1 ? 'Message' : plural(c.ids.length, 'message')} deleted for good.`));
      if (c.leave) router.push(folderHref(c.folder));
    }
    await actions.refresh();
  };

  const deleteForever = (leave: boolean) => (ids: string[]) => setConfirm({ kind: 'forever', folder: view.folder, ids, leave });
  const missingFolder = foldersQuery.data && !here;
  return (
    <>
      <div className="pc-mail-toolbar">
        <SearchBox view={view} />
        {foldersQuery.data && <QuotaMeter {...foldersQuery.data.quota} />}
        <Button primary icon="edit" content="Compose" disabled={!hydrated} onClick={() => setCompose({ draft: { ...emptyDraft }, title: 'New message', draftId: null })} />
      </div>
      <MailNotice notice={note} onDismiss={dismiss} />
      <div className="pc-mail-layout">
        <FolderSidebar folders={folders} current={view.folder} open={sideOpen} onToggle={setSideOpen} ready={hydrated} onNewFolder={() => setNaming({ folder: null })} />
        <main className="pc-mail-main">
          {foldersQuery.error && <Message negative role="alert" content={foldersQuery.error.message} />}
          {foldersQuery.isPending && <Loader active inline="centered" />}
          {missingFolder && (
            <Message warning role="alert" className="pc-mail-missing">
              There is no such mail folder. <Link href={folderHref('inbox')}>Go to Inbox</Link>
            </Message>
          )}
          {here && view.q && <SearchResults view={view} folders={folders} />}
          {here && !view.q && view.id && (
            <MessageView
              key={`${view.folder}/${view.id}`}
              folder={view.folder}
              id={view.id}
              folders={folders}
              actions={actions}
              onReply={(m) => setCompose({ draft: replyDraft(m), title: 'Reply', draftId: null })}
              onForward={(m) => setCompose({ draft: forwardDraft(m), title: 'Forward', draftId: null })}
              onEditDraft={editDraft}
              onDeleteForever={deleteForever(true)}
            />
          )}
          {here && !view.q && (
            // Kept while a message of the folder is open, so Back finds its page and order as they were.
            <div hidden={view.id !== null}>
              <FolderPane
                key={here.id}
                folder={here}
                folders={folders}
                actions={actions}
                onRename={() => setNaming({ folder: here })}
                onDelete={() => setConfirm({ kind: 'delete-folder', folder: here })}
                onEmpty={() => setConfirm({ kind: 'empty', folder: here })}
                onDeleteForever={deleteForever(false)}
              />
            </div>
          )}
        </main>
      </div>
      <ComposeModal session={compose} onClose={onComposeClosed} onSent={onSent} />
      {naming && (
        <FolderNameDialog
          folder={naming.folder}
          onClose={() => setNaming(null)}
          onDone={(f) => {
            setNaming(null);
            setNote(notice(naming.folder ? `Folder renamed to “${f.name}”.` : `Folder “${f.name}” created.`));
          }}
        />
      )}
      {confirm && (
        <ConfirmDialog
          title={confirm.kind === 'delete-folder' ? `Delete “${confirm.folder.name}”?` : confirm.kind === 'empty' ? `Empty ${confirm.folder.name}?` : 'Delete forever?'}
          text={
            confirm.kind === 'delete-folder'
              ? 'The folder is deleted. It must be empty: move or delete its messages first.'
              : confirm.kind === 'empty'
                ? `Every message in ${confirm.folder.name} is deleted for good. This cannot be undone.`
                : `${confirm.ids.length === 1 ? 'The message is' : `${plural(confirm.ids.length, 'message')} are`} deleted for good. This cannot be undone.`
          }
          action={confirm.kind === 'delete-folder' ? 'Delete folder' : confirm.kind === 'empty' ? `Empty ${confirm.folder.name}` : 'Delete forever'}
          onConfirm={() => runConfirm(confirm)}
          onClose={() => setConfirm(null)}
        />
      )}
    </>
  );
}
