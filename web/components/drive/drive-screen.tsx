'use client';
// The drive page: breadcrumbs and the room used, a toolbar (new folder, upload, search, Trash,
// a link to the Shared page), the current folder's contents, the uploads panel, and the dialogs
// (Share among them). Files dropped anywhere on the page go into the folder shown. Folders,
// Trash and search results open without a page load: the URL (?folder=<id>, ?view=trash,
// ?q=<text>) follows with history.pushState, and Back works. Moving to Trash asks nothing and
// offers Undo right after. A folder comes a page at a time (folders first, then by name); more
// pages load as the list is scrolled to its end, or with Show more.
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { Breadcrumb, Button, Header, Icon, Message, Segment } from 'semantic-ui-react';
import { createFolder, deleteItem, folderQuery, rootFolderId, updateItem, type DriveItem } from '../../lib/queries/drive';
import { moveToTrash } from '../../lib/queries/drive-trash';
import { FilePickerButton } from '../file-picker-button';
import { DeleteDialog, MoveDialog, NameDialog } from './dialogs';
import { driveUrl, viewInUrl, type DriveView } from './drive-view';
import { ItemTable, type Action } from './item-table';
import { SearchBox } from './search-box';
import { ShareDialog } from './share-dialog';
import { SearchResults } from './search-results';
import { ShowMore } from './show-more';
import { TrashView } from './trash-view';
import { UndoTrash } from './undo-trash';
import { UploadList } from './upload-list';
import { UsageBar } from './usage-bar';
import { useUploads } from './use-uploads';

type Dialog = { kind: 'create' } | { kind: Exclude<Action, 'trash'>; item: DriveItem } | undefined;

export function DriveScreen({ initialView }: { initialView: DriveView }) {
  const [view, setView] = useState<DriveView>(initialView);
  const [folderId, setFolderId] = useState(initialView.kind === 'folder' ? initialView.id : rootFolderId);
  const [trashed, setTrashed] = useState<DriveItem>();
  const listing = useInfiniteQuery({ ...folderQuery(folderId), enabled: view.kind === 'folder' });
  const first = listing.data?.pages[0];
  const last = listing.data?.pages.at(-1);
  // An item renamed or moved between two pages' loads may come twice: each id once.
  const items = useMemo(() => {
    const seen = new Set<string>();
    return (listing.data?.pages ?? []).flatMap((p) => p.items).filter((item) => !seen.has(item.id) && (seen.add(item.id), true));
  }, [listing.data]);
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<Dialog>();
  const [dragging, setDragging] = useState(false);
  const dragDepth = useRef(0);
  const usage = first?.usage;
  const uploads = useUploads(usage ? usage.quotaBytes - usage.usedBytes : undefined);

  const show = useCallback((next: DriveView) => {
    setView(next);
    if (next.kind === 'folder') setFolderId(next.id);
    window.history.pushState(null, '', driveUrl(next));
  }, []);
  const open = useCallback((id: string) => show({ kind: 'folder', id }), [show]);
  useEffect(() => {
    const onPop = () => {
      const next = viewInUrl(window.location.search);
      setView(next);
      if (next.kind === 'folder') setFolderId(next.id);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const refresh = () => queryClient.invalidateQueries({ queryKey: ['drive'] });
  const toTrash = useMutation({
    mutationFn: (item: DriveItem) => moveToTrash(item.id).then(() => item),
    onMutate: () => setTrashed(undefined),
    onSuccess: (item) => {
      setTrashed(item);
      return refresh();
    },
  });
  const here = first?.folder;
  const addFiles = (files: File[]) => {
    if (files.length > 0 && here) uploads.add(files, here.id, here.name);
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    dragDepth.current = 0;
    setDragging(false);
    addFiles([...event.dataTransfer.files]);
  };
  const hasFiles = (event: DragEvent) => event.dataTransfer.types.includes('Files');

  const searchBar = (
    <div className="pc-drive-nav">
      <SearchBox key={view.kind === 'search' ? view.q : ''} initial={view.kind === 'search' ? view.q : ''} onSearch={(q) => show({ kind: 'search', q })} />
      {view.kind === 'trash' ? (
        <Button basic icon="folder open" content="My Drive" onClick={() => open(folderId)} />
      ) : (
        <Button basic icon="trash alternate" content="Trash" onClick={() => show({ kind: 'trash' })} />
      )}
      <Button as="a" href="/shared" role="link" basic icon="share alternate" content="Shared" />
    </div>
  );
  const undo = (
    <>
      {toTrash.error && <Message error role="alert" onDismiss={() => toTrash.reset()} content={toTrash.error.message} />}
      {trashed && <UndoTrash key={trashed.id} item={trashed} onDone={() => setTrashed(undefined)} onRestored={refresh} />}
    </>
  );

  if (view.kind !== 'folder') {
    return (
      <div className="pc-drive">
        {searchBar}
        {undo}
        {view.kind === 'trash' ? (
          <TrashView onOpenFolder={open} />
        ) : (
          <>
            <p>
              <a href={driveUrl({ kind: 'folder', id: folderId })} onClick={(e) => (e.preventDefault(), open(folderId))}>
                <Icon name="arrow left" />
                Back to the folder
              </a>
            </p>
            <SearchResults query={view.q} onOpenFolder={open} />
          </>
        )}
      </div>
    );
  }

  return (
    <div
      className={`pc-drive${dragging ? ' pc-dragging' : ''}`}
      onDragEnter={(e) => {
        if (!hasFiles(e)) return;
        dragDepth.current++;
        setDragging(true);
      }}
      onDragLeave={() => {
        if (--dragDepth.current <= 0) setDragging(false);
      }}
      onDragOver={(e) => hasFiles(e) && e.preventDefault()}
      onDrop={onDrop}
      data-testid="drive-drop-zone"
    >
      {searchBar}
      <div className="pc-drive-top">
        <Header as="h1" className="pc-drive-title">
          <Icon name="folder open" color="teal" />
          <Header.Content className="pc-name">{here?.name ?? 'Drive'}</Header.Content>
        </Header>
        <div className="pc-toolbar">
          <Button basic color="teal" icon="folder" content="New folder" onClick={() => setDialog({ kind: 'create' })} disabled={!here || here.deleting} />
          <FilePickerButton color="teal" icon="upload" content="Upload" disabled={!here || here.deleting} inputLabel="Files to upload" onFiles={addFiles} />
        </div>
      </div>

      <Breadcrumb className="pc-crumbs" aria-label="Folder path">
        {(first?.path ?? []).map((c, i, all) => (
          <span key={c.id}>
            {i > 0 && <Breadcrumb.Divider icon="right angle" />}
            {i === all.length - 1 ? (
              <Breadcrumb.Section active className="pc-name">
                {c.name}
              </Breadcrumb.Section>
            ) : (
              <Breadcrumb.Section link className="pc-name" href={c.id === rootFolderId ? '/drive' : `/drive?folder=${c.id}`} onClick={(e: React.MouseEvent) => (e.preventDefault(), open(c.id))}>
                {c.name}
              </Breadcrumb.Section>
            )}
          </span>
        ))}
      </Breadcrumb>

      {usage && <UsageBar usage={usage} />}
      {undo}

      <UploadList uploads={uploads.uploads} onCancel={uploads.cancel} onClear={uploads.clearFinished} />

      {here?.deleting && <Message warning icon="exclamation triangle" content="This folder is being deleted. Delete it again from its parent to finish." />}
      {listing.error ? (
        <Message error role="alert">
          <Message.Header>{listing.error.message}</Message.Header>
          <p>
            <a href="/drive" onClick={(e) => (e.preventDefault(), open(rootFolderId))}>
              Back to My Drive
            </a>
          </p>
        </Message>
      ) : listing.isLoading ? (
        <Segment basic loading className="pc-loading" />
      ) : first && items.length === 0 ? (
        <Segment placeholder textAlign="center" className="pc-empty">
          <Header icon>
            <Icon name="cloud upload" color="grey" />
            This folder is empty
            <Header.Subheader>Drop files here, or use Upload. New folder makes a folder inside it.</Header.Subheader>
          </Header>
        </Segment>
      ) : (
        first && (
          <>
            <ItemTable
              items={items}
              onOpen={(item) => open(item.id)}
              onAction={(kind, item) => (kind === 'trash' ? toTrash.mutate(item) : setDialog({ kind, item }))}
            />
            {listing.hasNextPage && (
              <ShowMore
                sortNote
                shown={items.length}
                total={last?.total ?? items.length}
                loading={listing.isFetchingNextPage}
                onMore={() => void (!listing.isFetchingNextPage && listing.fetchNextPage())}
              />
            )}
          </>
        )
      )}

      {dragging && (
        <div className="pc-drop-overlay" aria-hidden>
          <Icon name="cloud upload" size="huge" />
          <p>Drop to upload to “{here?.name}”</p>
        </div>
      )}

      {dialog?.kind === 'create' && here && (
        <NameDialog title="New folder" action="Create" initial="" onSubmit={(name) => createFolder(here.id, name).then(refresh)} onClose={() => setDialog(undefined)} />
      )}
      {dialog?.kind === 'rename' && (
        <NameDialog
          title={`Rename ${dialog.item.kind}`}
          action="Rename"
          initial={dialog.item.name}
          onSubmit={(name) => updateItem(dialog.item.id, { name }).then(refresh)}
          onClose={() => setDialog(undefined)}
        />
      )}
      {dialog?.kind === 'move' && here && (
        <MoveDialog item={dialog.item} from={here.id} onMove={(parent) => updateItem(dialog.item.id, { parent }).then(refresh)} onClose={() => setDialog(undefined)} />
      )}
      {dialog?.kind === 'delete' && (
        <DeleteDialog item={dialog.item} onDelete={() => deleteItem(dialog.item.id).then(refresh)} onClose={() => setDialog(undefined)} />
      )}
      {dialog?.kind === 'share' && <ShareDialog item={dialog.item} onClose={() => setDialog(undefined)} />}
    </div>
  );
}
