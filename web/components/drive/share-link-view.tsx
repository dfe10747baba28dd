'use client';
// A link's page for a visitor without an account (/s/<token>): the password form when the link
// asks for one, then for a file the drive's viewer (preview-viewer.tsx: the file shown as its
// kind allows, its details and a Download button), for a folder its listing, navigable into the
// folders inside it (the folder in the URL's ?folder=); a file of the folder named in the URL's
// ?preview= opens in the viewer's dialog. The file's bytes come from the link's own routes,
// inline only for images and media, always nosniff and sandboxed (drive-preview.ts).
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { Button, Form, Header, Icon, Message, Segment } from 'semantic-ui-react';
import { ApiError } from '../../lib/api-client';
import { usePreviewParam } from './preview-url';
import { FilePreview, PreviewModal } from './preview-viewer';
import { ShareListing } from './share-listing';
import { giveLinkPassword, joinedListing, linkFileUrl, linkFolderQuery, linkInfoQuery } from './share-queries';

function folderInUrl(): string | undefined {
  return new URLSearchParams(window.location.search).get('folder') ?? undefined;
}

export function ShareLinkView({ token }: { token: string }) {
  const info = useQuery(linkInfoQuery(token));
  const error = info.error instanceof ApiError ? info.error : undefined;
  if (info.isPending) return <Segment basic loading aria-label="Loading the link" />;
  if (error?.code === 'password_required') return <PasswordForm token={token} />;
  if (info.error) return <Gone error={info.error} />;
  const { item, owner, expires } = info.data;
  return (
    <Segment>
      <Header as="h1" size="medium">
        <Icon name={item.kind === 'folder' ? 'folder' : 'file outline'} />
        <Header.Content className="pc-name">
          {item.name}
          <Header.Subheader>
            Shared by {owner}
            {expires && `, until ${new Date(expires).toLocaleString()}`}
          </Header.Subheader>
        </Header.Content>
      </Header>
      {item.kind === 'file' ? (
        <FilePreview item={item} url={linkFileUrl(token, item.id)} />
      ) : (
        <SharedFolder token={token} rootId={item.id} />
      )}
    </Segment>
  );
}

function SharedFolder({ token, rootId }: { token: string; rootId: string }) {
  const [folder, setFolder] = useState(rootId);
  useEffect(() => {
    setFolder(folderInUrl() ?? rootId);
    const onPop = () => setFolder(folderInUrl() ?? rootId);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [rootId]);
  const listing = useInfiniteQuery(linkFolderQuery(token, folder));
  const [previewId, preview] = usePreviewParam();
  const open = (id: string) => {
    setFolder(id);
    window.history.pushState(null, '', id === rootId ? window.location.pathname : `?folder=${encodeURIComponent(id)}`);
  };
  if (listing.isPending) return <Segment basic loading aria-label="Loading the folder" />;
  if (listing.error) return <Message error role="alert" content={listing.error.message} />;
  const joined = joinedListing(listing.data.pages);
  const files = joined.items.filter((i) => i.kind === 'file');
  const shown = files.findIndex((i) => i.id === previewId);
  const stepTo = (index: number) => {
    const next = files[index];
    return next ? () => preview.step(next.id) : undefined;
  };
  return (
    <>
      <ShareListing
        listing={joined}
        onOpen={open}
        fileUrl={(id) => linkFileUrl(token, id)}
        onPreview={preview.open}
        more={{ loading: listing.isFetchingNextPage, onMore: () => void (!listing.isFetchingNextPage && listing.fetchNextPage()) }}
      />
      {shown >= 0 && (
        <PreviewModal item={files[shown]!} url={linkFileUrl(token, files[shown]!.id)} onClose={preview.close} onPrevious={stepTo(shown - 1)} onNext={stepTo(shown + 1)} />
      )}
    </>
  );
}

function PasswordForm({ token }: { token: string }) {
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const mutation = useMutation({
    mutationFn: () => giveLinkPassword(token, password),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['link', token] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };
  return (
    <Segment>
      <Header as="h1" size="medium">
        <Icon name="lock" />
        <Header.Content>This link is protected by a password</Header.Content>
      </Header>
      <Form onSubmit={submit} error={mutation.isError}>
        <Form.Input id="pc-link-password" type="password" label="Password" value={password} autoFocus onChange={(_, { value }) => setPassword(String(value))} />
        {mutation.error && <Message error role="alert" content={mutation.error.message} />}
        <Button primary type="submit" loading={mutation.isPending} disabled={mutation.isPending || password === ''}>
          Open
        </Button>
      </Form>
    </Segment>
  );
}

export function Gone({ error }: { error: Error }) {
  const status = error instanceof ApiError ? error.status : 0;
  const title = status === 404 ? 'This link is not available' : status === 429 ? 'Too many attempts' : 'Cannot open this link';
  return (
    <Message negative role="alert">
      <Message.Header>{title}</Message.Header>
      <p>{status === 404 ? 'It was revoked by its owner, it has expired, what it shared was removed, or it never existed.' : error.message}</p>
    </Message>
  );
}
