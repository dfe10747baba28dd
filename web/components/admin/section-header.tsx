'use client';
// The heading every section of the admin page opens with: a teal icon, the title, and a line
// under it saying where the figures come from or what the section shows.
import type { ReactNode } from 'react';
import { Header, Icon, type SemanticICONS } from 'semantic-ui-react';

export function SectionHeader({ icon, title, subheader }: { icon: SemanticICONS; title: ReactNode; subheader?: ReactNode }) {
  return (
    <Header as="h3">
      <Icon name={icon} color="teal" />
      <Header.Content>
        {title}
        {subheader !== undefined && <Header.Subheader>{subheader}</Header.Subheader>}
      </Header.Content>
    </Header>
  );
}
