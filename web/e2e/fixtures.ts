// The browser tests' world: one real cluster per worker (coordinator, 3 groups × 3 storage
// nodes, the load balancer, 2 frontends), and before every test whatever an earlier test
// stopped or halted is back and healthy. Tests reach the site through the load balancer
// (baseURL) unless they need one frontend.
import { test as base, expect, type APIRequestContext, type Page } from '@playwright/test';
import { startWebCluster, type WebCluster } from '../../scripts/lib/web-cluster.ts';

export const admins = ['admin'];
/**
 * Every browser test signs its users up from 127.0.0.1, far past the per-address sign-up limit
 * a real deployment keeps (web.signupsPerAddressMax); the limit itself is tested in tests/abuse/.
 */
export const signupLimits = { signupsPerAddressMax: 100_000, signupsPerFrontendMax: 100_000 };

export const test = base.extend<{ restore: void }, { cloud: WebCluster }>({
  cloud: [
    // Playwright reads a fixture's dependencies from its first parameter: none here.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const cloud = await startWebCluster({ groups: 3, replicas: 3, frontends: 2, web: { admins, ...signupLimits } });
      await use(cloud);
      await cloud.close();
    },
    { scope: 'worker', timeout: 180_000 },
  ],
  baseURL: async ({ cloud }, use) => use(cloud.lbUrl),
  restore: [
    async ({ cloud }, use) => {
      const status = await cloud.cluster.status();
      for (const node of status.nodes.filter((n) => n.state === 'halted')) await cloud.cluster.node(node.id).revive();
      await cloud.restoreAll();
      await cloud.cluster.waitHealthy(60_000);
      await use();
    },
    { auto: true, timeout: 120_000 },
  ],
});

export { expect };

let counter = 0;

/** A fresh valid username: lowercase, starting with a letter, at most 32 characters. */
export function uniqueName(prefix: string): string {
  counter++;
  return `${prefix}-${Date.now().toString(36)}${counter}`.slice(0, 32);
}

/** Signs a user up through the API of one frontend (the request context keeps the cookie). */
export async function seedUser(request: APIRequestContext, origin: string, username: string, password: string): Promise<void> {
  const response = await request.post(`${origin}/api/auth/signup`, { data: { username, password }, headers: { Origin: origin } });
  expect(response.status(), await response.text()).toBe(201);
}

/** Logs in through the login page, starting at the load balancer, and waits for the menu. */
export async function logInThroughUi(page: Page, username: string, password: string): Promise<void> {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Log in to your account' })).toBeVisible();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
}

/** The frontend number serving a page, from the port in its URL. */
export function frontendOf(cloud: WebCluster, page: Page): number {
  return Number(new URL(page.url()).port) - cloud.config.web.basePort + 1;
}

/** The origin (scheme, host, port) of the frontend a page is on. */
export function originOf(page: Page): string {
  return new URL(page.url()).origin;
}

/** The form's error message (Next's route announcer is an alert too, hence the class). */
export function formAlert(page: Page) {
  return page.locator('.ui.message[role="alert"]');
}
