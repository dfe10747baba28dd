// Accounts as a person meets them: sign up, log out, log in, a wrong password, the username
// rules, and the admin link only for administrators.
import { runAdminCommand } from '../admin/admin-helpers';
import { expect, formAlert, logInThroughUi, seedUser, test, uniqueName } from '../fixtures';

test('sign up, log out, and log in again', async ({ page }) => {
  const username = uniqueName('sam');
  await page.goto('/');
  await expect(page).toHaveTitle(/Log in · PennCloud/);
  await page.getByRole('link', { name: 'Sign up' }).click();
  await expect(page.getByRole('heading', { name: 'Create your account' })).toBeVisible();
  await expect(page.getByText('Usernames are 3–32 characters')).toBeVisible();
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('a good password');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
  for (const area of ['Drive', 'Mail', 'Change password', 'Log out']) {
    await expect(page.getByRole('main').or(page.locator('.pc-main')).getByText(area, { exact: true }).first()).toBeVisible();
  }

  // Logged in, the login page sends you to the menu.
  await page.goto('/');
  await expect(page).toHaveURL(/\/menu$/);

  await page.getByRole('button', { name: /Log out/ }).click();
  await expect(page.getByRole('heading', { name: 'Log in to your account' })).toBeVisible();
  // Logged out, the menu sends you to the login page.
  await page.goto('/menu');
  await expect(page.getByRole('heading', { name: 'Log in to your account' })).toBeVisible();

  await logInThroughUi(page, username, 'a good password');
});

test('a wrong password and an unknown user get the same refusal', async ({ page, request, cloud }) => {
  const username = uniqueName('wanda');
  await seedUser(request, cloud.frontendUrl(1), username, 'the right password');
  await page.goto('/');
  const messages: string[] = [];
  for (const [name, password] of [
    [username, 'the wrong password'],
    [uniqueName('nobody'), 'the right password'],
  ] as const) {
    await page.getByLabel('Username').fill(name);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    const alert = formAlert(page);
    await expect(alert).toHaveText('Wrong username or password.');
    messages.push((await alert.textContent()) ?? '');
  }
  expect(messages[0]).toBe(messages[1]);
  await expect(page.getByRole('heading', { name: 'Log in to your account' })).toBeVisible();
});

test('sign-up refuses a name against the rules and a name already taken', async ({ page, request, cloud }) => {
  const taken = uniqueName('taken');
  await seedUser(request, cloud.frontendUrl(2), taken, 'password one');
  await page.goto('/signup');
  await page.getByLabel('Username').fill('Not Valid');
  await page.getByLabel('Password').fill('password two');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(formAlert(page)).toContainText('Usernames are 3–32 characters');
  await page.getByLabel('Username').fill(taken);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await expect(formAlert(page)).toHaveText('That username is taken.');
});

test('only administrators see and open Admin', async ({ page, browser, request, cloud }) => {
  const user = uniqueName('plain');
  await seedUser(request, cloud.frontendUrl(1), user, 'plain password');
  await logInThroughUi(page, user, 'plain password');
  await expect(page.getByRole('link', { name: /Admin/ })).toHaveCount(0);
  await page.goto(page.url().replace(/\/menu$/, '/admin'));
  await expect(page.getByText('Administrators only')).toBeVisible();

  // The name web.admins gives is reserved until the operator creates its account: nobody can
  // sign up as it and become administrator.
  const adminContext = await browser.newContext({ baseURL: cloud.lbUrl });
  const adminPage = await adminContext.newPage();
  await adminPage.goto('/signup');
  await adminPage.getByLabel('Username').fill('admin');
  await adminPage.getByLabel('Password').fill('admin password');
  await adminPage.getByRole('button', { name: 'Sign up' }).click();
  await expect(adminPage.getByText('That username is reserved for an administrator')).toBeVisible();
  const created = await runAdminCommand(cloud, ['create-user', 'admin'], 'admin password\n');
  expect(created.code, created.stderr).toBe(0);
  await logInThroughUi(adminPage, 'admin', 'admin password');
  await adminPage.locator('.pc-main').getByRole('link', { name: /Admin/ }).click();
  await expect(adminPage.getByRole('heading', { name: /Admin console/ })).toBeVisible();
  await adminContext.close();
});

test('the login form works before (and without) JavaScript', async ({ browser, request, cloud }) => {
  const username = uniqueName('nojs');
  await seedUser(request, cloud.frontendUrl(2), username, 'plain form password');
  const context = await browser.newContext({ baseURL: cloud.lbUrl, javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/\?error=wrong_credentials$/);
  await expect(formAlert(page)).toHaveText('Wrong username or password.');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill('plain form password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page).toHaveURL(/\/menu$/);
  await expect(page.getByRole('heading', { name: `Welcome, ${username}` })).toBeVisible();
  await context.close();
});
