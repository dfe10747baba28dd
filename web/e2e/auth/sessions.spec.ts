// Sessions end where they should: a password change (the old password stops working) and a
// logout in one browser, which ends the same user's session in another — on the frontend that
// did it at once, on the others within sessionCheckMaxAgeMs (lib/server/session-check.ts).
import type { Page } from '@playwright/test';
import { sessionCheckMaxAgeMs } from '../../lib/server/session-check';
import { expect, formAlert, logInThroughUi, seedUser, test, uniqueName } from '../fixtures';

/**
 * Reloads until the login page shows: the page may be on another frontend than the one that
 * ended the session, which may serve it for up to sessionCheckMaxAgeMs more.
 */
async function reloadUntilLoggedOut(page: Page): Promise<void> {
  const heading = page.getByRole('heading', { name: 'Log in to your account' });
  await expect(async () => {
    await page.reload();
    await expect(heading).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
}

test('change password: the current one is checked and the old one stops working', async ({ page, request, cloud }) => {
  const username = uniqueName('cora');
  await seedUser(request, cloud.frontendUrl(1), username, 'old password');
  await logInThroughUi(page, username, 'old password');
  await page.locator('.pc-main').getByRole('link', { name: /Change password/ }).click();
  await expect(page.getByRole('heading', { name: 'Change password' })).toBeVisible();

  await page.getByLabel('Current password').fill('not my password');
  await page.getByLabel('New password', { exact: true }).fill('new password');
  await page.getByLabel('New password again').fill('new password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(formAlert(page)).toHaveText('Your current password is not correct.');

  await page.getByLabel('Current password').fill('old password');
  await page.getByLabel('New password', { exact: true }).fill('new password');
  await page.getByLabel('New password again').fill('new password');
  await page.getByRole('button', { name: 'Change password' }).click();
  await expect(page.getByRole('status')).toContainText('Password changed');

  // This session goes on after the change.
  await page.goto('/menu');
  await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
  await page.getByRole('button', { name: /Log out/ }).click();
  await expect(page.getByRole('heading', { name: 'Log in to your account' })).toBeVisible();

  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('old password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(formAlert(page)).toHaveText('Wrong username or password.');
  await logInThroughUi(page, username, 'new password');
});

test('two browsers, one user: logging out in one ends the other', async ({ browser, request, cloud }) => {
  const username = uniqueName('twin');
  await seedUser(request, cloud.frontendUrl(1), username, 'shared password');
  const first = await browser.newContext({ baseURL: cloud.lbUrl });
  const second = await browser.newContext({ baseURL: cloud.lbUrl });
  const a = await first.newPage();
  const b = await second.newPage();
  await logInThroughUi(a, username, 'shared password');
  await logInThroughUi(b, username, 'shared password');

  await a.getByRole('button', { name: /Log out/ }).click();
  await expect(a.getByRole('heading', { name: 'Log in to your account' })).toBeVisible();

  await reloadUntilLoggedOut(b);
  const me = await b.request.get(new URL('/api/me', b.url()).href);
  expect(me.status()).toBe(401);
  await first.close();
  await second.close();
});

test('a password change ends the user\'s other sessions', async ({ browser, request, cloud }) => {
  const username = uniqueName('pat');
  await seedUser(request, cloud.frontendUrl(2), username, 'first password');
  const other = await browser.newContext({ baseURL: cloud.lbUrl });
  const otherPage = await other.newPage();
  await logInThroughUi(otherPage, username, 'first password');

  const origin = cloud.frontendUrl(2);
  const change = await request.post(`${origin}/api/auth/password`, {
    data: { current: 'first password', next: 'second password' },
    headers: { Origin: origin },
  });
  expect(change.status(), await change.text()).toBe(200);
  // The session that changed it goes on.
  expect((await request.get(`${origin}/api/me`)).status()).toBe(200);

  await reloadUntilLoggedOut(otherPage);
  await other.close();
});

test('a logout on one frontend ends the session on another within the bound, and at once on its own', async ({ playwright, cloud }) => {
  const username = uniqueName('dual');
  const one = cloud.frontendUrl(1);
  const two = cloud.frontendUrl(2);
  const first = await playwright.request.newContext();
  const second = await playwright.request.newContext();
  await seedUser(first, one, username, 'dual password');
  const login = await second.post(`${one}/api/auth/login`, { data: { username, password: 'dual password' }, headers: { Origin: one } });
  expect(login.status(), await login.text()).toBe(200);
  // Frontend 2 checks the second session now and remembers the answer.
  expect((await second.get(`${two}/api/me`)).status()).toBe(200);
  const cookie = (await second.storageState()).cookies;

  expect((await first.post(`${one}/api/auth/logout`, { headers: { Origin: one } })).status()).toBe(200);
  const loggedOutAtMs = Date.now();
  // Frontend 1 did it: it refuses the other session's cookie at once.
  const third = await playwright.request.newContext({ storageState: { cookies: cookie, origins: [] } });
  expect((await third.get(`${one}/api/me`)).status()).toBe(401);

  // Frontend 2 may still serve it, but only for a request sent within the bound.
  const deadlineMs = loggedOutAtMs + 15_000;
  for (;;) {
    const sentAtMs = Date.now();
    const status = (await second.get(`${two}/api/me`)).status();
    if (status === 401) break;
    expect(status).toBe(200);
    expect(sentAtMs - loggedOutAtMs, 'a request sent after the bound was still served').toBeLessThan(sessionCheckMaxAgeMs);
    expect(Date.now(), 'frontend 2 never ended the session').toBeLessThan(deadlineMs);
  }
  for (const context of [first, second, third]) await context.dispose();
});
