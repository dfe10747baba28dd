'use client';
// The frame of every page after login: a top menu (PennCloud, the areas, and a user menu that
// also holds every link), the page in a container, and a footer. On a phone the areas stay in
// the top menu as icons (their names hidden, kept as labels), so Drive and Mail are one tap
// away. Only an administrator's footer names the frontend and storage node serving the
// session: to anyone else they mean nothing, and they describe the cluster's layout.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, type ReactNode } from 'react';
import { Container, Dropdown, Icon, Menu } from 'semantic-ui-react';
import { ApiError } from '../lib/api-client';
import { meQuery } from '../lib/queries/me';
import { useLogout } from './use-logout';

export type Area = 'menu' | 'drive' | 'mail' | 'admin' | 'password';

export function AppShell({ area, children }: { area: Area; children: ReactNode }) {
  const me = useQuery(meQuery);
  const logout = useLogout();

  // A session ended elsewhere (logout in another browser, a password change): back to login.
  useEffect(() => {
    if (me.error instanceof ApiError && me.error.status === 401) window.location.assign('/');
  }, [me.error]);

  const admin = me.data?.admin ?? false;
  return (
    <>
      <Menu fixed="top" inverted color="teal" size="large">
        <Container>
          <Menu.Item as={Link} href="/menu" header active={area === 'menu'} aria-label="PennCloud menu">
            <Icon name="cloud" size="large" /> <span className="pc-wide-only">PennCloud</span>
          </Menu.Item>
          <Menu.Item as={Link} href="/drive" active={area === 'drive'} aria-label="Drive" className="pc-area">
            <Icon name="folder open" /> <span className="pc-wide-only">Drive</span>
          </Menu.Item>
          <Menu.Item as={Link} href="/mail" active={area === 'mail'} aria-label="Mail" className="pc-area">
            <Icon name="mail" /> <span className="pc-wide-only">Mail</span>
          </Menu.Item>
          {admin && (
            <Menu.Item as={Link} href="/admin" active={area === 'admin'} aria-label="Admin" className="pc-area">
              <Icon name="settings" /> <span className="pc-wide-only">Admin</span>
            </Menu.Item>
          )}
          <Menu.Menu position="right">
            <Dropdown
              item
              aria-label="Account menu"
              className="pc-account"
              trigger={
                <span className="pc-account-name">
                  <Icon name="user circle" /> {me.data?.username}
                </span>
              }
            >
              <Dropdown.Menu>
                <Dropdown.Item as={Link} href="/menu" icon="th" text="Menu" />
                <Dropdown.Item as={Link} href="/drive" icon="folder open" text="Drive" />
                <Dropdown.Item as={Link} href="/mail" icon="mail" text="Mail" />
                {admin && <Dropdown.Item as={Link} href="/admin" icon="settings" text="Admin" />}
                <Dropdown.Divider />
                <Dropdown.Item as={Link} href="/password" icon="key" text="Change password" />
                <Dropdown.Item icon="sign out" text="Log out" onClick={() => logout.mutate()} />
              </Dropdown.Menu>
            </Dropdown>
          </Menu.Menu>
        </Container>
      </Menu>
      <Container className="pc-main">{children}</Container>
      <footer className="pc-footer">
        {me.data?.admin ? `PennCloud · frontend ${me.data.frontend} · storage node ${me.data.storageNode.id}` : 'PennCloud'}
      </footer>
    </>
  );
}
