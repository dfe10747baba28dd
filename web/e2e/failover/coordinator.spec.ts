// The coordinator group's leader and then the serving frontend die under a logged-in user, who
// notices neither: kill -9 the coordinator leader (cluster/coordinator/RAFT.md: the other two
// elect a new one, and a leader change stops no writes) and the drive and mail go on working in
// the same page; kill -9 the frontend serving that page, and through the load balancer another
// frontend serves the same session with every file and mail made before. The cluster is the
// webmail's (mail-fixtures.ts), since sending goes through the mail daemon. Each killed process
// is started again, as `npm start`'s supervisor would, in a finally: the fixture's `restore`
// brings back frontends but not coordinators, and later specs in this worker need all three.
import type { Page } from '@playwright/test';
import { waitFor } from '../../../scripts/lib/processes.ts';
import type { WebCluster } from '../../../scripts/lib/web-cluster.ts';
import { seedAdmin } from '../admin/admin-helpers';
import { frontendOf } from '../fixtures';
import { expect, folderLink, logInThroughUi, test, uniqueName } from '../mail/mail-fixtures';

/** Room for an election and a loaded machine (two cores shared by a dozen processes). */
const afterFaultMs = 45_000;

/** The top menu's link to an area: in-page navigation, so the page stays on its frontend. */
async function openArea(page: Page, area: 'Drive' | 'Mail'): Promise<void> {
  await page.locator('.ui.fixed.menu').getByRole('link', { name: area, exact: true }).click();
  if (area === 'Drive') await expect(page.getByRole('heading', { name: 'My Drive' })).toBeVisible({ timeout: afterFaultMs });
  else await expect(page.getByRole('button', { name: 'Compose' })).toBeVisible({ timeout: afterFaultMs });
}

function driveRow(page: Page, name: string) {
  return page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
}

function mailRow(page: Page, subject: string) {
  return page.locator('.pc-mail-table tbody tr', { hasText: subject });
}

/** Uploads a small text file through the Upload button and waits for its row. */
async function uploadFile(page: Page, name: string): Promise<void> {
  await page.getByLabel('Files to upload').setInputFiles({ name, mimeType: 'text/plain', buffer: Buffer.from(`${name}\n`) });
  await expect(page.getByLabel(`Upload of ${name}`, { exact: true })).toHaveAttribute('data-state', 'done', { timeout: afterFaultMs });
  await expect(driveRow(page, name)).toBeVisible({ timeout: afterFaultMs });
}

async function newFolder(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'New folder' }).click();
  const dialog = page.getByRole('dialog', { name: 'New folder' });
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(dialog).toBeHidden({ timeout: afterFaultMs });
  await expect(driveRow(page, name)).toBeVisible({ timeout: afterFaultMs });
}

/** Composes a message to the user's own address, then opens the inbox and waits for it there. */
async function mailToSelf(page: Page, username: string, subject: string): Promise<void> {
  await page.getByRole('button', { name: 'Compose' }).click();
  const modal = page.getByRole('dialog', { name: 'New message' });
  await modal.getByLabel('To').fill(username);
  await modal.getByLabel('Subject').fill(subject);
  await modal.getByLabel('Message').fill(`${subject}: a note to myself.`);
  await modal.getByRole('button', { name: 'Send' }).click();
  await expect(modal).toBeHidden({ timeout: afterFaultMs });
  await expect(page.getByRole('status')).toContainText('Message sent.');
  await folderLink(page, 'Inbox').click();
  await expect(mailRow(page, subject)).toHaveAttribute('data-unread', 'true', { timeout: afterFaultMs });
}

/** The coordinator member that leads now, once one other than `not` does. */
async function leaderOtherThan(cloud: WebCluster, not: string): Promise<string> {
  return waitFor(async () => {
    const leader = await cloud.cluster.coordinatorLeader();
    return leader !== not && leader;
  }, { timeoutMs: afterFaultMs, what: `a coordinator leader other than ${not}` });
}

/** Starts a killed coordinator member again and waits until the leader counts every member. */
async function restartCoordinator(cloud: WebCluster, id: string): Promise<void> {
  if (!cloud.cluster.services.has(id)) cloud.cluster.start(id);
  await waitFor(async () => (await cloud.cluster.status()).coordinators.every((c) => c.role !== 'unreachable'), {
    timeoutMs: 60_000,
    what: `coordinator ${id} to rejoin its group`,
  });
  await cloud.cluster.waitHealthy(60_000);
}

test('a logged-in user keeps using drive and mail while the coordinator leader and then the serving frontend are killed', async ({ page, request, cloud }) => {
  test.setTimeout(300_000);
  const username = uniqueName('raft');
  const password = 'raft password';
  // An administrator: only they see, in the footer, which frontend serves the page.
  await seedAdmin(cloud, request, username, password);
  await logInThroughUi(page, username, password);
  const serving = frontendOf(cloud, page);

  // Before any fault: a file in the drive, a mail in the inbox.
  await openArea(page, 'Drive');
  await uploadFile(page, 'before.txt');
  await openArea(page, 'Mail');
  await mailToSelf(page, username, 'Before the faults');

  // kill -9 the coordinator leader; the same page, with no new login, goes on at once.
  const leader = await cloud.cluster.coordinatorLeader();
  await cloud.cluster.kill9(leader);
  const leaderKilledAt = Date.now();
  try {
    await openArea(page, 'Drive');
    await expect(driveRow(page, 'before.txt')).toBeVisible();
    await newFolder(page, 'Made without the old leader');
    await uploadFile(page, 'during.txt');
    await openArea(page, 'Mail');
    await mailToSelf(page, username, 'Without the old leader');
    await expect(mailRow(page, 'Before the faults')).toBeVisible();
    // The store really went on under another member, not a leader that came back.
    console.log(`coordinator leader ${leader} killed; ${await leaderOtherThan(cloud, leader)} leads; drive and mail used in ${Date.now() - leaderKilledAt} ms`);
  } finally {
    await restartCoordinator(cloud, leader);
  }
  expect(frontendOf(cloud, page), 'the page stayed on its frontend').toBe(serving);

  // kill -9 the frontend serving the page; through the load balancer another one has the session.
  await cloud.kill9(`web${serving}`);
  const frontendKilledAt = Date.now();
  try {
    await cloud.waitFrontendDead(serving, 30_000);
    await page.goto('/mail');
    await expect(page.getByRole('button', { name: 'Compose' })).toBeVisible({ timeout: afterFaultMs });
    const now = frontendOf(cloud, page);
    expect(now).not.toBe(serving);
    await expect(page.locator('.pc-footer')).toContainText(`frontend ${now}`);
    await expect(mailRow(page, 'Before the faults')).toBeVisible();
    await expect(mailRow(page, 'Without the old leader')).toBeVisible();
    await mailToSelf(page, username, 'After the frontend died');
    await openArea(page, 'Drive');
    for (const name of ['before.txt', 'during.txt', 'Made without the old leader']) await expect(driveRow(page, name)).toBeVisible();
    await uploadFile(page, 'after.txt');
    console.log(`frontend ${serving} killed; frontend ${now} served the session, drive and mail used in ${Date.now() - frontendKilledAt} ms`);
  } finally {
    cloud.startFrontend(serving);
    await cloud.waitFrontendsAlive();
  }
});
