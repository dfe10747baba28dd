// A storage node failure the user never notices: halt the KVS node remembered in the session,
// and the menu still loads (the frontend asks the coordinator again); the session then names
// another node of the same group. The user is an administrator: only they see, in the footer,
// which storage node serves the page.
import { seedAdmin } from '../admin/admin-helpers';
import { expect, logInThroughUi, test, uniqueName } from '../fixtures';
import type { Me } from '../../lib/queries/me';

test('halt the storage node in the session: the menu still loads', async ({ page, request, cloud }) => {
  const username = uniqueName('hal');
  await seedAdmin(cloud, request, username, 'hal password');
  await logInThroughUi(page, username, 'hal password');
  const meUrl = new URL('/api/me', page.url()).href;
  const before = (await (await page.request.get(meUrl)).json()) as Me;

  await cloud.cluster.node(before.storageNode.id).halt();
  try {
    // The page names a live node of the same group, and the session now remembers that one —
    // once the frontend has given up its memory of the session check (at most 1 s, docs/API.md).
    const footer = page.locator('.pc-footer');
    await expect(async () => {
      await page.reload();
      await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible({ timeout: 20_000 });
      await expect(footer).toContainText(new RegExp(`storage node g${before.storageNode.group}r\\d`), { timeout: 1000 });
      await expect(footer).not.toContainText(`storage node ${before.storageNode.id}`, { timeout: 1000 });
    }).toPass({ timeout: 60_000 });
    const after = await page.request.get(meUrl);
    expect(after.status()).toBe(200);
    const me = (await after.json()) as Me;
    expect(me.storageNode.group).toBe(before.storageNode.group);
    expect(me.storageNode.id).not.toBe(before.storageNode.id);
    await expect(footer).toContainText(`storage node ${me.storageNode.id}`);
  } finally {
    await cloud.cluster.node(before.storageNode.id).revive();
  }
});
