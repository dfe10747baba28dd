// The webmail's world: the shared fixtures (fixtures.ts), except that this worker's cluster also
// runs the mail daemon (cluster/smtp/main.ts) on free ports that the frontends know from the
// config. Outbound mail goes to `mail.relay` on a port where nothing listens, so mail for other
// domains is accepted and waits in the queue (its retries are minutes away) — no DNS, no network.
import { mailPorts, startMailDaemon } from '../../../scripts/lib/cluster.ts';
import { freePorts, type Service } from '../../../scripts/lib/processes.ts';
import { startWebCluster, type WebCluster } from '../../../scripts/lib/web-cluster.ts';
import type { APIRequestContext, Page } from '@playwright/test';
import { admins, expect, signupLimits, test as base } from '../fixtures';

// The mail ports are in cloud.config.mail like every other setting.
export const test = base.extend<object, { cloud: WebCluster }>({
  cloud: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const mail = await mailPorts();
      const [deadPort] = await freePorts(1);
      const cloud = await startWebCluster({
        groups: 1,
        replicas: 3,
        frontends: 2,
        web: { admins, ...signupLimits },
        config: { mail: { ...mail, relay: `127.0.0.1:${deadPort}`, tls: false } },
      });
      let daemon: Service | undefined;
      try {
        daemon = await startMailDaemon(cloud.cluster);
        await use(cloud);
      } finally {
        await daemon?.kill9();
        await cloud.close();
      }
    },
    { scope: 'worker', timeout: 180_000 },
  ],
});

export { expect, logInThroughUi, originOf, seedUser, uniqueName } from '../fixtures';

/** The sidebar's link to a folder, by its name (its accessible name adds the unread count). */
export function folderLink(page: Page, name: string) {
  return page.getByRole('navigation', { name: 'Mail folders' }).getByRole('link', { name: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}(, \\d+ unread)?$`) });
}

/**
 * A folder's unread count as the sidebar shows it ('' for none). Read in one look that does not
 * wait: a count that goes away between "is there one?" and "what does it say?" would otherwise
 * hold a poll on a locator that no longer matches.
 */
export async function unreadCount(page: Page, name: string): Promise<string> {
  const [count] = await folderLink(page, name).locator('.pc-count').allTextContents();
  return (count ?? '').trim();
}

/** A row of the list shown, by its subject. */
export function row(page: Page, subject: string) {
  return page.locator('.pc-mail-table tbody tr', { hasText: subject });
}

/** Sends mail as the user whose cookies `request` holds, through one frontend's API. */
export async function sendThroughApi(request: APIRequestContext, origin: string, mail: { to: string; subject: string; text: string }): Promise<void> {
  const sent = await request.post(`${origin}/api/mail/send`, { headers: { Origin: origin }, data: mail });
  expect(sent.status(), await sent.text()).toBe(201);
}
