'use client';
// A placeholder for an area whose issue has not landed yet (Drive, Mail, Admin).
import Link from 'next/link';
import { Button, Header, Icon, Segment, type SemanticICONS } from 'semantic-ui-react';

export function ComingSoon({ title, icon, children }: { title: string; icon: SemanticICONS; children: string }) {
  return (
    <Segment placeholder textAlign="center">
      <Header as="h1" icon>
        <Icon name={icon} color="teal" />
        {title}
        <Header.Subheader>{children}</Header.Subheader>
      </Header>
      <Button as={Link} href="/menu" basic color="teal">
        Back to the menu
      </Button>
    </Segment>
  );
}
