// Sessions end where they should: a password change (the old password stops working) and a
// logout in one browser, which ends the same user's session in another.
import { expect, formAlert, logInThroughUi, seedUser, test, uniqueName } from '../fixtures';

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

  await b.reload();
  await expect(b.getByRole('heading', { name: 'Log in to your account' })).toBeVisible();
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

  await otherPage.reload();
  await expect(otherPage.getByRole('heading', { name: 'Log in to your account' })).toBeVisible();
  await other.close();
});
