// What the admin specs share: making a user an administrator (through `npm run admin`, or
// through the same grant code directly when the command itself is not under test), and
// reading what the console shows for a node.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { APIRequestContext, Locator, Page } from '@playwright/test';
import { grantAdmin } from '../../../cluster/model/accounts/admin-users.ts';
import type { WebCluster } from '../../../scripts/lib/web-cluster.ts';
import { expect, seedUser } from '../fixtures';

export { runAdminCommand, type CommandResult } from '../../../scripts/lib/admin-command.ts';

/** Signs a user up (the request context keeps the cookie) and grants admin through the store. */
export async function seedAdmin(cloud: WebCluster, request: APIRequestContext, username: string, password: string): Promise<void> {
  await seedUser(request, cloud.frontendUrl(1), username, password);
  expect(await grantAdmin(cloud.cluster.client, username, 'e2e', new Date())).toBe('granted');
  // A frontend may answer from the session check it read at sign-up for up to a second
  // (lib/server/session-check.ts): wait until every frontend sees the grant.
  for (let n = 1; n <= cloud.config.web.frontends; n++) {
    await expect
      .poll(async () => ((await (await request.get(`${cloud.frontendUrl(n)}/api/me`)).json()) as { admin?: boolean }).admin, { timeout: 15_000 })
      .toBe(true);
  }
}

/** Opens the console from the menu, as a person would. */
export async function openConsole(page: Page): Promise<void> {
  await page.locator('.pc-main').getByRole('link', { name: /Admin/ }).click();
  await expect(page.getByRole('heading', { name: /Admin console/ })).toBeVisible();
}

export function nodeCard(page: Page, id: string): Locator {
  return page.getByRole('region', { name: `Node ${id}` });
}

export function nodeState(page: Page, id: string): Locator {
  return nodeCard(page, id).locator('.pc-admin-state');
}

/** A figure of a node card ("Keys", "Log position", …) as a number. */
export async function nodeFigure(page: Page, id: string, name: string): Promise<number> {
  const text = await nodeCard(page, id).locator(`dt:text-is("${name}") + dd`).textContent();
  return Number((text ?? '').replace(/[^0-9]/g, ''));
}

/** The audit lines (`"audit": true`) the frontends have logged so far, parsed. */
export async function auditLines(cloud: WebCluster): Promise<Record<string, unknown>[]> {
  const dir = cloud.cluster.env.dir;
  const logs = (await readdir(dir)).filter((f) => /^web\d+\.log$/.test(f));
  const lines = (await Promise.all(logs.map((f) => readFile(path.join(dir, f), 'utf8')))).flatMap((t) => t.split('\n'));
  return lines.filter((l) => l.includes('"audit":true')).map((l) => JSON.parse(l) as Record<string, unknown>);
}
