// The webmail's folders, Trash, drafts and addresses, as a person uses them in the browser against
// a real cluster and mail daemon: folders made, renamed and deleted (the API's refusals shown),
// mail moved between them with the unread counts following; delete to Trash with Undo, restore
// (to the folder it was deleted from), delete forever and Empty Trash; a draft saved as it is typed, found in Drafts after a reload,
// finished and sent; every folder and message at its own URL, with Back and Forward, a clear
// notice for one that is not there, a bookmarked message opened after the login; the folders
// behind a menu on a phone; and search, by subject and by text, in a folder or all of them.
import type { Browser, Page } from '@playwright/test';
import { ImapFlow } from 'imapflow';
import { expect, folderLink, originOf, row, seedUser, sendThroughApi, test, uniqueName, unreadCount } from './mail-fixtures';

const password = 'correct horse';

async function userPage(browser: Browser, origin: string, prefix: string): Promise<{ name: string; page: Page }> {
  const context = await browser.newContext();
  const name = uniqueName(prefix);
  await seedUser(context.request, origin, name, password);
  const page = await context.newPage();
  await page.goto('/mail');
  await expect(page).toHaveURL(/\/mail\/inbox$/);
  await expect(page.getByRole('button', { name: 'Compose' })).toBeVisible();
  return { name, page };
}

/** Mail from `from` to `to`, one message per subject (its text: "Text of <subject>"). */
async function mailTo(from: Page, to: string, subjects: string[]): Promise<void> {
  for (const subject of subjects) await sendThroughApi(from.context().request, originOf(from), { to, subject, text: `Text of ${subject}` });
}

async function newFolder(page: Page, name: string) {
  await page.getByRole('button', { name: 'New folder' }).click();
  const dialog = page.getByRole('dialog', { name: 'New folder' });
  await dialog.getByLabel('Folder name').fill(name);
  await dialog.getByRole('button', { name: 'Create' }).click();
  return dialog;
}

async function moveTo(scope: Page | ReturnType<Page['locator']>, folder: string) {
  await scope.getByText('Move to…').click();
  await scope.getByRole('option', { name: folder, exact: true }).click();
}

test('folders: made, renamed and deleted; mail moved between them; unread counts follow', async ({ browser, cloud }) => {
  const origin = cloud.frontendUrl(1);
  const alice = await userPage(browser, origin, 'alice');
  const bob = await userPage(browser, origin, 'bob');
  const budget = `Budget ${Date.now()}`;
  const trip = `Trip ${Date.now()}`;
  await mailTo(bob.page, alice.name, [budget, trip]);
  const page = alice.page;
  await page.reload();
  await expect(row(page, budget)).toContainText(`Text of ${budget}`);
  await expect.poll(() => unreadCount(page, 'Inbox')).toBe('2');

  // Folders, one inside another; a name in use is refused with the API's words.
  await expect(await newFolder(page, 'Projects')).toBeHidden();
  await expect(await newFolder(page, 'Projects/2026')).toBeHidden();
  await expect(folderLink(page, 'Projects/2026')).toContainText('2026');
  const taken = await newFolder(page, 'projects');
  await expect(taken.getByRole('alert')).toContainText(/exists|in use|taken/i);
  await taken.getByRole('button', { name: 'Cancel' }).click();

  // Move a selected message, and one from its own page.
  await row(page, budget).getByRole('checkbox').check();
  await moveTo(page.getByRole('toolbar', { name: 'Selected messages' }), 'Projects');
  await expect(row(page, budget)).toHaveCount(0);
  await expect.poll(() => unreadCount(page, 'Inbox')).toBe('1');
  await expect.poll(() => unreadCount(page, 'Projects')).toBe('1');
  await row(page, trip).getByRole('link').click();
  await expect(page.getByRole('heading', { name: trip })).toBeVisible();
  await moveTo(page.locator('.pc-mail-actions'), 'Projects/2026');
  await expect(page.getByText('Your inbox is empty.')).toBeVisible();
  await expect.poll(() => unreadCount(page, 'Inbox')).toBe('');

  // In its folder, at the folder's own URL; reading it clears the count.
  await folderLink(page, 'Projects').click();
  await expect(page).toHaveURL(/\/mail\/f[0-9a-z]+$/);
  await expect(page.getByRole('heading', { name: 'Projects', exact: true })).toBeVisible();
  await row(page, budget).getByRole('link').click();
  await expect(page.locator('.pc-mail-text')).toHaveText(`Text of ${budget}`);
  await expect.poll(() => unreadCount(page, 'Projects')).toBe('');
  // Flag it, and mark it unread again from the list.
  await page.getByRole('button', { name: 'Flag', exact: true }).click();
  await expect(page.getByRole('button', { name: 'Unflag' })).toBeVisible();
  await page.getByRole('button', { name: 'Back' }).click();
  await expect(row(page, budget)).toHaveAttribute('data-flagged', 'true');
  await row(page, budget).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Mark selected unread' }).click();
  await expect(row(page, budget)).toHaveAttribute('data-unread', 'true');
  await expect.poll(() => unreadCount(page, 'Projects')).toBe('1');
  await page.reload();
  await expect(row(page, budget)).toHaveAttribute('data-flagged', 'true');

  // Renamed: the folder inside goes with it. Not deleted while it holds mail.
  await page.getByRole('button', { name: 'Rename folder' }).click();
  const rename = page.getByRole('dialog');
  await rename.getByLabel('Folder name').fill('Work');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(page.getByRole('heading', { name: 'Work', exact: true })).toBeVisible();
  await expect(folderLink(page, 'Work/2026')).toBeVisible();
  await expect(folderLink(page, 'Projects')).toHaveCount(0);
  await page.getByRole('button', { name: 'Delete folder' }).click();
  const refuse = page.getByRole('dialog');
  await refuse.getByRole('button', { name: 'Delete folder' }).click();
  await expect(refuse.getByRole('alert')).toBeVisible();
  await refuse.getByRole('button', { name: 'Cancel' }).click();

  // An empty folder goes.
  await expect(await newFolder(page, 'Old')).toBeHidden();
  await folderLink(page, 'Old').click();
  await expect(page.getByText('Old is empty.')).toBeVisible();
  await page.getByRole('button', { name: 'Delete folder' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete folder' }).click();
  await expect(page).toHaveURL(/\/mail\/inbox$/);
  await expect(folderLink(page, 'Old')).toHaveCount(0);
});

test('Trash: delete with Undo, restore, delete forever, Empty Trash', async ({ browser, cloud }) => {
  const origin = cloud.frontendUrl(2);
  const alice = await userPage(browser, origin, 'alice');
  const bob = await userPage(browser, origin, 'bob');
  const [a, b, c] = ['Alpha', 'Bravo', 'Charlie'].map((s) => `${s} ${Date.now()}`) as [string, string, string];
  await mailTo(bob.page, alice.name, [a, b, c]);
  const page = alice.page;
  await page.reload();

  // Delete from the message: back to the list, with Undo, which puts it back.
  await row(page, a).getByRole('link').click();
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page).toHaveURL(/\/mail\/inbox$/);
  await expect(row(page, a)).toHaveCount(0);
  const undo = page.getByRole('status');
  await expect(undo).toContainText('Message moved to Trash.');
  await undo.getByRole('button', { name: 'Undo' }).click();
  await expect(row(page, a)).toBeVisible();

  // Moved to a folder of hers and deleted from there, it is in Trash; restored, it goes back to
  // that folder, not to the Inbox.
  await expect(await newFolder(page, 'Kept')).toBeHidden();
  await folderLink(page, 'Inbox').click();
  await row(page, a).getByRole('checkbox').check();
  await moveTo(page.getByRole('toolbar', { name: 'Selected messages' }), 'Kept');
  await expect(row(page, a)).toHaveCount(0);
  await folderLink(page, 'Kept').click();
  await row(page, a).getByRole('link').click();
  // Exact: the folder's own Delete folder button, hidden while a message is open, matches too.
  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(row(page, a)).toHaveCount(0);
  await folderLink(page, 'Trash').click();
  await expect(page).toHaveURL(/\/mail\/trash$/);
  await row(page, a).getByRole('link').click();
  await page.getByRole('button', { name: 'Restore', exact: true }).click();
  await expect(page.getByRole('status')).toContainText('Message restored to Kept.');
  await expect(page.getByText('Trash is empty.')).toBeVisible();
  await folderLink(page, 'Kept').click();
  await expect(row(page, a)).toBeVisible();
  await row(page, a).getByRole('checkbox').check();
  await moveTo(page.getByRole('toolbar', { name: 'Selected messages' }), 'Inbox');
  await folderLink(page, 'Inbox').click();
  await expect(row(page, a)).toBeVisible();

  // Two selected to Trash; one deleted forever (after a confirmation), then Empty Trash.
  await row(page, b).getByRole('checkbox').check();
  await row(page, c).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Delete selected' }).click();
  await expect(page.getByRole('status')).toContainText('2 messages moved to Trash.');
  await expect(row(page, b)).toHaveCount(0);
  await expect.poll(() => unreadCount(page, 'Trash')).toBe('2');
  await folderLink(page, 'Trash').click();
  await row(page, b).getByRole('link').click();
  await page.getByRole('button', { name: 'Delete forever' }).click();
  await page.getByRole('dialog', { name: 'Delete forever?' }).getByRole('button', { name: 'Delete forever' }).click();
  await expect(page).toHaveURL(/\/mail\/trash$/);
  await expect(row(page, b)).toHaveCount(0);
  await expect(row(page, c)).toBeVisible();
  await page.getByRole('button', { name: 'Empty Trash' }).click();
  await page.getByRole('dialog', { name: 'Empty Trash?' }).getByRole('button', { name: 'Empty Trash' }).click();
  await expect(page.getByText('Trash is empty.')).toBeVisible();
  await expect(page.getByRole('status')).toContainText('Trash emptied: 1 message deleted for good.');
  await page.reload();
  await expect(page.getByText('Trash is empty.')).toBeVisible();
  await expect.poll(() => unreadCount(page, 'Trash')).toBe('');
});

test('a draft is saved as it is typed and on close, continued from Drafts, and sending removes it', async ({ browser, cloud }) => {
  const origin = cloud.frontendUrl(1);
  const alice = await userPage(browser, origin, 'alice');
  const bob = await userPage(browser, origin, 'bob');
  const subject = `Plans ${Date.now()}`;
  const page = alice.page;

  await page.getByRole('button', { name: 'Compose' }).click();
  let modal = page.getByRole('dialog');
  await modal.getByLabel('To').fill(bob.name);
  await modal.getByLabel('Subject').fill(subject);
  await modal.getByLabel('Message').fill('First thoughts.');
  await expect(modal.getByText('Saved', { exact: true })).toBeVisible();

  // After a reload the compose window is gone, the draft is in Drafts.
  await page.reload();
  await folderLink(page, 'Drafts').click();
  await expect(row(page, subject)).toHaveCount(1);
  await row(page, subject).getByRole('link').click();
  await expect(page).toHaveURL(/\/mail\/drafts\/[0-9a-z]+-[0-9a-f]+$/);
  modal = page.getByRole('dialog');
  await expect(modal.getByLabel('To')).toHaveValue(bob.name);
  await expect(modal.getByLabel('Subject')).toHaveValue(subject);
  await expect(modal.getByLabel('Message')).toHaveValue('First thoughts.');
  await modal.getByLabel('Message').fill('First thoughts.\nAnd second ones.');
  await modal.getByRole('button', { name: 'Send' }).click();
  await expect(modal).toBeHidden();

  // The notice says so, then fades by itself; Drafts is empty, also after a reload.
  const sent = page.getByRole('status');
  await expect(sent).toHaveText('Message sent.');
  await expect(page).toHaveURL(/\/mail\/drafts$/);
  await expect(page.getByText('No drafts.')).toBeVisible();
  await expect(sent).toBeHidden();
  await page.reload();
  await expect(page.getByText('No drafts.')).toBeVisible();
  await bob.page.reload();
  await row(bob.page, subject).getByRole('link').click();
  await expect(bob.page.locator('.pc-mail-text')).toHaveText('First thoughts.\nAnd second ones.');

  // Closing the window saves at once what was typed.
  await page.getByRole('button', { name: 'Compose' }).click();
  modal = page.getByRole('dialog');
  await modal.getByLabel('Subject').fill(`${subject} later`);
  await modal.getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('status')).toHaveText('Draft saved in Drafts.');
  await expect(row(page, `${subject} later`)).toHaveCount(1);

  // A draft an IMAP client saved shows in Drafts too, and goes on in the compose window.
  const imap = new ImapFlow({ host: '127.0.0.1', port: cloud.config.mail.imapPort, secure: false, auth: { user: alice.name, pass: password }, logger: false, disableAutoIdle: true });
  await imap.connect();
  const raw = `From: ${alice.name}@localhost\r\nTo: ${bob.name}@localhost\r\nSubject: ${subject} elsewhere\r\n\r\nWritten in another client.\r\n`;
  await imap.append('Drafts', raw, ['\\Seen', '\\Draft']);
  await imap.logout();
  await folderLink(page, 'Drafts').click();
  await row(page, `${subject} elsewhere`).getByRole('link').click();
  modal = page.getByRole('dialog');
  await expect(modal.getByLabel('To')).toHaveValue(`${bob.name}@localhost`);
  await expect(modal.getByLabel('Message')).toHaveValue(/^Written in another client\.\n?$/);
});

test('every folder and message has its URL: Back and Forward, not found, a bookmark after login, a phone', async ({ browser, cloud }) => {
  const origin = cloud.frontendUrl(2);
  const alice = await userPage(browser, origin, 'alice');
  const bob = await userPage(browser, origin, 'bob');
  const subject = `Hello ${Date.now()}`;
  await mailTo(bob.page, alice.name, [subject]);
  const page = alice.page;
  await page.reload();

  await row(page, subject).getByRole('link').click();
  await expect(page).toHaveURL(/\/mail\/inbox\/[0-9a-z]+-[0-9a-f]+$/);
  const messageUrl = page.url();
  await expect(page.getByRole('heading', { name: subject })).toBeVisible();
  await folderLink(page, 'Sent').click();
  await expect(page).toHaveURL(/\/mail\/sent$/);
  await expect(page.getByText('You have not sent any mail yet.')).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(messageUrl);
  await expect(page.getByRole('heading', { name: subject })).toBeVisible();
  await page.goBack();
  await expect(page).toHaveURL(/\/mail\/inbox$/);
  await expect(row(page, subject)).toBeVisible();
  await page.goForward();
  await expect(page.getByRole('heading', { name: subject })).toBeVisible();

  // What is not there says so, inside the mail page.
  await page.goto('/mail/inbox/zzzzzzzzz-0000000000000000');
  await expect(page.locator('.pc-mail-missing')).toContainText(/does not exist|no such message/);
  await expect(folderLink(page, 'Inbox')).toBeVisible();
  await page.goto('/mail/f9zzz');
  await expect(page.locator('.pc-mail-missing')).toContainText('There is no such mail folder.');

  // A bookmarked message, opened logged out: the login, then that message.
  const stranger = await browser.newContext();
  const visitor = await stranger.newPage();
  await visitor.goto(new URL(messageUrl).pathname);
  await expect(visitor.getByRole('heading', { name: 'Log in to your account' })).toBeVisible();
  await visitor.getByLabel('Username').fill(alice.name);
  await visitor.getByLabel('Password').fill(password);
  await visitor.getByRole('button', { name: 'Log in' }).click();
  await expect(visitor.getByRole('heading', { name: subject })).toBeVisible();
  expect(new URL(visitor.url()).pathname).toBe(new URL(messageUrl).pathname);
  await stranger.close();

  // On a phone the folders are behind a menu button; the page fits the screen.
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const small = await phone.newPage();
  await small.goto('/');
  await small.getByLabel('Username').fill(alice.name);
  await small.getByLabel('Password').fill(password);
  await small.getByRole('button', { name: 'Log in' }).click();
  await expect(small.getByRole('heading', { name: `Welcome, ${alice.name}` })).toBeVisible();
  await small.goto('/mail/inbox');
  await expect(row(small, subject)).toBeVisible();
  await expect(folderLink(small, 'Sent')).toBeHidden();
  await small.getByRole('button', { name: /^Folders/ }).click();
  await folderLink(small, 'Sent').click();
  await expect(small).toHaveURL(/\/mail\/sent$/);
  await expect(folderLink(small, 'Sent')).toBeHidden();
  expect(await small.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await phone.close();
});

test('search finds by subject and by text, in this folder or all, and a result opens at its URL', async ({ browser, cloud }) => {
  const origin = cloud.frontendUrl(1);
  const alice = await userPage(browser, origin, 'alice');
  const bob = await userPage(browser, origin, 'bob');
  const stamp = Date.now();
  const report = `Quarterly report ${stamp}`;
  const picnic = `Picnic ${stamp}`;
  await sendThroughApi(bob.page.context().request, origin, { to: alice.name, subject: report, text: 'The numbers look fine.' });
  await sendThroughApi(bob.page.context().request, origin, { to: alice.name, subject: picnic, text: 'Bring the zucchini bread on Sunday.' });
  const page = alice.page;
  await page.reload();
  await expect(await newFolder(page, 'Later')).toBeHidden();
  await row(page, picnic).getByRole('checkbox').check();
  await moveTo(page.getByRole('toolbar', { name: 'Selected messages' }), 'Later');
  await expect(row(page, picnic)).toHaveCount(0);

  // By subject, in the inbox.
  const box = page.getByRole('textbox', { name: 'Search mail' });
  await box.fill(`quarterly ${stamp}`);
  await box.press('Enter');
  await expect(page).toHaveURL(/\/mail\/inbox\?q=/);
  const results = page.getByRole('table', { name: 'Search results' });
  await expect(results.getByRole('row')).toHaveCount(2);
  await expect(row(page, report)).toContainText('Inbox');

  // By a word of the text: not in the inbox, found in all folders, named by its folder.
  await box.fill('zucchini');
  await box.press('Enter');
  await expect(page.getByText('No messages match.')).toBeVisible();
  await page.getByText('All folders').click();
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page).toHaveURL(/[?&]in=all/);
  await expect(row(page, picnic)).toContainText('Later');
  await row(page, picnic).getByRole('link').click();
  await expect(page).toHaveURL(/\/mail\/f[0-9a-z]+\/[0-9a-z]+-[0-9a-f]+$/);
  await expect(page.locator('.pc-mail-text')).toHaveText('Bring the zucchini bread on Sunday.');
  // Back to the results, as they were.
  await page.goBack();
  await expect(row(page, picnic)).toContainText('Later');
  await expect(box).toHaveValue('zucchini');
});
