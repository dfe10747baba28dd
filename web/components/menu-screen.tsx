'use client';
// The menu after login: a card for each area, Admin for administrators only, and Log out.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { MouseEvent } from 'react';
import { Card, Header, Icon, Message, type SemanticICONS } from 'semantic-ui-react';
import { meQuery } from '../lib/queries/me';
import { useLogout } from './use-logout';

interface Entry {
  href: string;
  title: string;
  icon: SemanticICONS;
  description: string;
}

const entries: Entry[] = [
  { href: '/drive', title: 'Drive', icon: 'folder open', description: 'Upload, organize and download your files.' },
  { href: '/mail', title: 'Mail', icon: 'mail', description: 'Read, write and answer your email.' },
  { href: '/password', title: 'Change password', icon: 'key', description: 'Pick a new password; other sessions end.' },
];

const adminEntry: Entry = { href: '/admin', title: 'Admin', icon: 'settings', description: 'Storage nodes, frontends and raw data.' };

export function MenuScreen() {
  const me = useQuery(meQuery);
  const logout = useLogout();
  const shown = me.data?.admin ? [...entries, adminEntry] : entries;
  return (
    <>
      <Header as="h1">
        Welcome, {me.data?.username}
        <Header.Subheader>Where would you like to go?</Header.Subheader>
      </Header>
      {logout.error && <Message error role="alert" content={logout.error.message} />}
      <Card.Group itemsPerRow={3} stackable>
        {shown.map((e) => (
          <Card key={e.href} as={Link} href={e.href} color="teal">
            <Card.Content>
              <Icon name={e.icon} size="big" color="teal" />
              <Card.Header>{e.title}</Card.Header>
              <Card.Description>{e.description}</Card.Description>
            </Card.Content>
          </Card>
        ))}
        {/* Submits the form below, so logging out works before the page hydrates too. */}
        <Card
          as="button"
          type="submit"
          form="logout-form"
          color="grey"
          disabled={logout.isPending}
          onClick={(event: MouseEvent) => {
            event.preventDefault();
            logout.mutate();
          }}
        >
          <Card.Content>
            <Icon name="sign out" size="big" color="grey" />
            <Card.Header>Log out</Card.Header>
            <Card.Description>End your session here and on every other device.</Card.Description>
          </Card.Content>
        </Card>
      </Card.Group>
      <form id="logout-form" action="/api/auth/logout" method="post" hidden />
    </>
  );
}
