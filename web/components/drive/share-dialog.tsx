'use client';
// The Share dialog of one file or folder: its links (the address to copy, expiry, password
// yes/no, Revoke) and a form for a new one (optional expiry and password), then the people it
// is shared with (Revoke) and a form to share it with a user by name. Read-only for everyone
// it reaches; the server checks every request (docs/API.md, "Sharing").
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Button, Divider, Form, Header, Icon, Input, List, Message, Modal } from 'semantic-ui-react';
import { createLink, ownedSharesQuery, revokeShare, shareWithUser, type OwnedShare } from './share-queries';

/** What the dialog shares: a drive item's id and name (a DriveItem will do). */
export interface ShareTarget {
  id: string;
  name: string;
}

export function ShareDialog({ item, onClose }: { item: ShareTarget; onClose: () => void }) {
  const shares = useQuery(ownedSharesQuery(item.id));
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['shares'] });
  const revoke = useMutation({ mutationFn: revokeShare, onSuccess: refresh });
  const links = (shares.data?.shares ?? []).filter((s) => s.kind === 'link');
  const people = (shares.data?.shares ?? []).filter((s) => s.kind === 'user');
  return (
    <Modal open size="small" onClose={onClose} role="dialog" aria-modal aria-label={`Share ${item.name}`}>
      <Modal.Header className="pc-name">Share “{item.name}”</Modal.Header>
      <Modal.Content>
        {shares.error && <Message error role="alert" content={shares.error.message} />}
        {revoke.error && <Message error role="alert" content={revoke.error.message} />}
        <Header as="h3" size="small">
          Links
        </Header>
        <List divided relaxed aria-label="Links">
          {links.map((share) => (
            <LinkRow key={share.id} share={share} onRevoke={() => revoke.mutate(share.id)} revoking={revoke.isPending && revoke.variables === share.id} />
          ))}
        </List>
        <NewLinkForm itemId={item.id} onMade={refresh} />
        <Divider />
        <Header as="h3" size="small">
          People
        </Header>
        <List divided relaxed aria-label="People">
          {people.map((share) => (
            <List.Item key={share.id}>
              <List.Content floated="right">
                <Button size="mini" basic negative content="Revoke" aria-label={`Stop sharing with ${share.recipient}`} onClick={() => revoke.mutate(share.id)} />
              </List.Content>
              <Icon name="user" />
              <List.Content>{share.recipient}</List.Content>
            </List.Item>
          ))}
        </List>
        <ShareWithUserForm itemId={item.id} onMade={refresh} />
      </Modal.Content>
      <Modal.Actions>
        <Button onClick={onClose}>Done</Button>
      </Modal.Actions>
    </Modal>
  );
}

export function linkAddress(share: OwnedShare): string {
  return `${window.location.origin}${share.link?.path ?? ''}`;
}

function LinkRow({ share, onRevoke, revoking }: { share: OwnedShare; onRevoke: () => void; revoking: boolean }) {
  const link = share.link!;
  const address = linkAddress(share);
  return (
    <List.Item>
      <Input fluid readOnly value={address} aria-label="Link address" action={{ icon: 'copy', 'aria-label': 'Copy link', onClick: () => void navigator.clipboard?.writeText(address) }} />
      <List.Description style={{ marginTop: '0.4em' }}>
        {link.expired ? 'Expired' : link.expires ? `Until ${new Date(link.expires).toLocaleString()}` : 'No expiry'}
        {link.password ? ' · password' : ' · no password'}
        <Button size="mini" basic negative floated="right" content="Revoke" loading={revoking} aria-label="Revoke link" onClick={onRevoke} />
      </List.Description>
    </List.Item>
  );
}

function NewLinkForm({ itemId, onMade }: { itemId: string; onMade: () => unknown }) {
  const [expires, setExpires] = useState('');
  const [password, setPassword] = useState('');
  const mutation = useMutation({
    // datetime-local is the browser's local time: Date reads it so, and the server gets UTC.
    mutationFn: () => createLink(itemId, { expiresAt: expires ? new Date(expires).toISOString() : undefined, password: password || undefined }),
    onSuccess: () => {
      setExpires('');
      setPassword('');
      return onMade();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };
  return (
    <Form onSubmit={submit} error={mutation.isError} aria-label="New link">
      <Form.Group widths="equal">
        <Form.Input id="pc-link-expires" type="datetime-local" label="Expires (optional)" value={expires} onChange={(_, { value }) => setExpires(String(value))} />
        <Form.Input id="pc-link-new-password" type="password" label="Password (optional)" autoComplete="new-password" value={password} onChange={(_, { value }) => setPassword(String(value))} />
      </Form.Group>
      {mutation.error && <Message error role="alert" content={mutation.error.message} />}
      <Button type="submit" primary icon="linkify" content="Create link" loading={mutation.isPending} disabled={mutation.isPending} />
    </Form>
  );
}

function ShareWithUserForm({ itemId, onMade }: { itemId: string; onMade: () => unknown }) {
  const [username, setUsername] = useState('');
  const mutation = useMutation({
    mutationFn: () => shareWithUser(itemId, username),
    onSuccess: () => {
      setUsername('');
      return onMade();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    mutation.mutate();
  };
  return (
    <Form onSubmit={submit} error={mutation.isError} aria-label="Share with a user">
      <Form.Input
        id="pc-share-username"
        label="Share with a user (read-only)"
        placeholder="username"
        value={username}
        onChange={(_, { value }) => setUsername(String(value))}
        action={{ type: 'submit', content: 'Share', loading: mutation.isPending, disabled: mutation.isPending || username.trim() === '' }}
      />
      {mutation.error && <Message error role="alert" content={mutation.error.message} />}
    </Form>
  );
}
