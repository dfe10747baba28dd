// Getting around: a deep link opened while logged out (or with a session cookie gone stale)
// leads, after the login (also one posted before the page's JavaScript ran), to the page it
// named (a drive folder, the mail); a `next` that would leave the site is ignored (the menu
// instead); on a phone the header keeps Drive and Mail one tap away; and only an administrator
// sees which frontend and storage node serve the page.
import type { Page } from '@playwright/test';
import { seedAdmin } from '../admin/admin-helpers';
import { call, mkdir, signUp } from '../drive/drive-helpers';
import { expect, seedUser, test, uniqueName } from '../fixtures';

async function logInHere(page: Page, username: string, password: string): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Log in to your account' })).toBeVisible();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

test('a deep link survives the login: a drive folder, then the mail', async ({ page, cloud }) => {
  const user = await signUp(cloud.frontendUrl(1), 'deep');
  const folder = await mkdir(user, 'root', 'Deep folder');

  await page.goto(`/drive?folder=${folder.id}`);
  await expect(page).toHaveURL(new RegExp(`/\\?next=${encodeURIComponent(`/drive?folder=${folder.id}`)}$`));
  await logInHere(page, user.name, 'drive password');
  await expect(page).toHaveURL(new RegExp(`/drive\\?folder=${folder.id}$`));
  await expect(page.getByRole('heading', { name: 'Deep folder' })).toBeVisible();

  await page.context().clearCookies();
  await page.goto('/mail');
  await logInHere(page, user.name, 'drive password');
  await expect(page).toHaveURL(/\/mail(\/inbox)?$/);

  // Logged in already, the login page sends a `next` on at once.
  await page.goto(`/?next=${encodeURIComponent(`/drive?folder=${folder.id}`)}`);
  await expect(page.getByRole('heading', { name: 'Deep folder' })).toBeVisible();
});

test('a deep link opened with a stale session cookie also comes back after the login', async ({ page, cloud }) => {
  const user = await signUp(cloud.frontendUrl(1), 'stale');
  const folder = await mkdir(user, 'root', 'Stale folder');
  await page.goto('/menu');
  await logInHere(page, user.name, 'drive password');
  await expect(page).toHaveURL(/\/menu$/);

  // Logging out elsewhere ends every session of the user: the browser's cookie stays, naming none.
  expect((await call(user, 'POST', '/api/auth/logout')).status).toBe(200);
  const deep = `/drive?folder=${folder.id}`;
  // A frontend may trust its last check of the session for a moment: the page is asked again.
  await expect(async () => {
    await page.goto(deep);
    await expect(page).toHaveURL(new RegExp(`/\\?next=${encodeURIComponent(deep)}$`), { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
  expect((await page.context().cookies()).some((c) => c.name.endsWith('penncloud_session'))).toBe(true);
  await logInHere(page, user.name, 'drive password');
  await expect(page).toHaveURL(new RegExp(`/drive\\?folder=${folder.id}$`));
  await expect(page.getByRole('heading', { name: 'Stale folder' })).toBeVisible();
});

test('a login form posted before the JavaScript runs also follows the deep link', async ({ browser, cloud }) => {
  const user = await signUp(cloud.frontendUrl(1), 'nojs');
  const folder = await mkdir(user, 'root', 'Plain folder');
  const context = await browser.newContext({ baseURL: cloud.lbUrl, javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    const deep = `/drive?folder=${folder.id}`;
    await page.goto(deep);
    // A wrong password comes back to the form, which keeps the way on.
    await logInHere(page, user.name, 'not the password');
    await expect(page).toHaveURL(new RegExp(`/\\?error=wrong_credentials&next=${encodeURIComponent(deep)}$`));
    await logInHere(page, user.name, 'drive password');
    await expect(page).toHaveURL(new RegExp(`/drive\\?folder=${folder.id}$`));
  } finally {
    await context.close();
  }
});

test('a next that leaves the site is refused: the menu instead', async ({ page, request, cloud }) => {
  const username = uniqueName('redir');
  await seedUser(request, cloud.frontendUrl(1), username, 'redirect password');
  for (const next of ['//evil.example/drive', 'https://evil.example/', '/\\evil.example', '/\t/evil.example', 'javascript:alert(1)']) {
    await page.context().clearCookies();
    await page.goto(`/?next=${encodeURIComponent(next)}`);
    await logInHere(page, username, 'redirect password');
    await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
    expect(new URL(page.url()).pathname).toBe('/menu');
    expect(new URL(page.url()).hostname).toBe('127.0.0.1');
    // And logged in, the login page does not follow it either.
    await page.goto(`/?next=${encodeURIComponent(next)}`);
    await expect(page).toHaveURL(/\/menu$/);
  }
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('the header keeps Drive and Mail reachable', async ({ page, request, cloud }) => {
    const username = uniqueName('phone');
    await seedUser(request, cloud.frontendUrl(1), username, 'phone password');
    await page.goto('/menu');
    await logInHere(page, username, 'phone password');
    await expect(page).toHaveURL(/\/menu$/);
    const header = page.locator('.ui.fixed.menu');
    for (const name of ['Drive', 'Mail']) {
      const link = header.getByRole('link', { name, exact: true });
      await expect(link).toBeVisible();
      const box = (await link.boundingBox())!;
      expect(box.x >= 0 && box.x + box.width <= 390, `${name} at ${JSON.stringify(box)}`).toBe(true);
    }
    await expect(header.getByLabel('Account menu')).toBeVisible();
    await header.getByRole('link', { name: 'Drive', exact: true }).click();
    await expect(page).toHaveURL(/\/drive$/);
    await header.getByRole('link', { name: 'Mail', exact: true }).click();
    await expect(page).toHaveURL(/\/mail(\/inbox)?$/);
  });
});

test('only an administrator sees the frontend and storage node', async ({ page, browser, request, cloud }) => {
  const username = uniqueName('plain');
  await seedUser(request, cloud.frontendUrl(1), username, 'plain password');
  await page.goto('/menu');
  await logInHere(page, username, 'plain password');
  await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
  const footer = page.locator('.pc-footer');
  await expect(footer).toHaveText('PennCloud');
  for (const path of ['/drive', '/mail']) {
    await page.goto(path);
    await expect(footer).toHaveText('PennCloud');
    await expect(page.getByText(/storage node/)).toHaveCount(0);
  }

  const adminName = uniqueName('boss');
  const adminContext = await browser.newContext({ baseURL: cloud.lbUrl });
  try {
    // Signed up through the context's own request, so its pages share the session.
    await seedAdmin(cloud, adminContext.request, adminName, 'admin password');
    const adminPage = await adminContext.newPage();
    await adminPage.goto('/menu');
    await expect(adminPage.getByRole('heading', { name: `Welcome, ${adminName}` })).toBeVisible();
    await expect(adminPage.locator('.pc-footer')).toContainText(/frontend \d · storage node g\dr\d/);
  } finally {
    await adminContext.close();
  }
});
