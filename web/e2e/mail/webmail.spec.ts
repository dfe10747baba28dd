// The webmail as people use it, against a real cluster and the real mail daemon: one user
// writes to two others and an outside address, the recipient reads, replies, forwards and
// deletes, and marks one unread; bad addresses are named; a message goes out with a Bcc and
// attachments. And hostile HTML mail (scripts, event handlers, javascript: links, remote images,
// styles and frames) shows its text while running nothing and loading nothing — checked by a
// server that counts every request it gets.
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from '@playwright/test';
import nodemailer from 'nodemailer';
import { expect, folderLink, originOf, row, seedUser, test, uniqueName } from './mail-fixtures';

const password = 'correct horse';

async function userPage(browser: Browser, origin: string, prefix: string, viewport?: { width: number; height: number }): Promise<{ name: string; page: Page }> {
  const context = await browser.newContext(viewport ? { viewport } : {});
  const name = uniqueName(prefix);
  await seedUser(context.request, origin, name, password);
  // Signing up logged the context in.
  const page = await context.newPage();
  await page.goto('/mail');
  await expect(page.getByRole('button', { name: 'Compose' })).toBeVisible();
  return { name, page };
}

/** A signed-in page for each prefix, on one frontend; each user signs up in turn. */
async function userPages<const Prefix extends string>(browser: Browser, origin: string, prefixes: Prefix[]): Promise<Record<Prefix, { name: string; page: Page }>> {
  const users = {} as Record<Prefix, { name: string; page: Page }>;
  for (const prefix of prefixes) users[prefix] = await userPage(browser, origin, prefix);
  return users;
}

test('compose to several users, read, reply, forward and delete', async ({ browser, cloud }) => {
  const { alice, bob, carol } = await userPages(browser, cloud.frontendUrl(1), ['alice', 'bob', 'carol']);
  const subject = `Lunch ${Date.now()}`;

  // Compose: a bad address is named and nothing is sent; then two local users and an outside one.
  await alice.page.getByRole('button', { name: 'Compose' }).click();
  const modal = alice.page.getByRole('dialog');
  await modal.getByLabel('To').fill(`${bob.name}, bob@@nowhere`);
  await modal.getByLabel('Subject').fill(subject);
  await modal.getByLabel('Message').fill('Hello Bob,\nnoon at the usual place?');
  await modal.getByRole('button', { name: 'Send' }).click();
  await expect(modal.getByRole('alert')).toHaveText('“bob@@nowhere” in To is not an email address.');
  await modal.getByLabel('To').fill(`${bob.name}, nosuchuser9`);
  await modal.getByRole('button', { name: 'Send' }).click();
  await expect(modal.getByRole('alert')).toHaveText('There is no user nosuchuser9@localhost.');
  await modal.getByLabel('To').fill(`${bob.name}@localhost; dave@example.com`);
  await modal.getByLabel('Cc', { exact: true }).fill(carol.name);
  await modal.getByRole('button', { name: 'Send' }).click();
  await expect(alice.page.getByRole('status')).toContainText('Waiting to be delivered: dave@example.com');
  await folderLink(alice.page, 'Sent').click();
  await expect(row(alice.page, subject)).toContainText(`${bob.name}@localhost`);

  // Bob: unread in bold, opened (and so read), the text keeps its line break.
  await bob.page.reload();
  await expect(row(bob.page, subject)).toHaveAttribute('data-unread', 'true');
  await expect(row(bob.page, subject).locator('td').first()).toHaveCSS('font-weight', '700');
  await row(bob.page, subject).getByRole('link').click();
  await expect(bob.page.getByRole('heading', { name: subject })).toBeVisible();
  await expect(bob.page.locator('.pc-mail-text')).toHaveText('Hello Bob,\nnoon at the usual place?');
  await expect(bob.page.locator('.pc-mail-headers')).toContainText(`Cc: ${carol.name}@localhost`);

  // Reply: prefilled and editable.
  await bob.page.getByRole('button', { name: 'Reply' }).click();
  const reply = bob.page.getByRole('dialog');
  await expect(reply.getByLabel('To')).toHaveValue(`${alice.name}@localhost`);
  await expect(reply.getByLabel('Subject')).toHaveValue(`Re: ${subject}`);
  await expect(reply.getByLabel('Message')).toHaveValue(/> Hello Bob,\n> noon at the usual place\?/);
  const quoted = await reply.getByLabel('Message').inputValue();
  await reply.getByLabel('Message').fill(`Yes, see you there.${quoted}`);
  await reply.getByRole('button', { name: 'Send' }).click();
  await expect(reply).toBeHidden();

  // Forward to carol, with the original below.
  await bob.page.getByRole('button', { name: 'Forward' }).click();
  const forward = bob.page.getByRole('dialog');
  await expect(forward.getByLabel('Subject')).toHaveValue(`Fwd: ${subject}`);
  await expect(forward.getByLabel('Message')).toHaveValue(/Forwarded message[\s\S]*noon at the usual place/);
  await forward.getByLabel('To').fill(carol.name);
  await forward.getByRole('button', { name: 'Send' }).click();
  await expect(forward).toBeHidden();

  // Delete: back to the inbox, the message gone, and it stays gone.
  await bob.page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(bob.page.getByText('Your inbox is empty.')).toBeVisible();
  await bob.page.reload();
  await expect(bob.page.getByText('Your inbox is empty.')).toBeVisible();

  // Alice has the reply (read state: unread); the original was read by Bob only.
  await folderLink(alice.page, 'Inbox').click();
  await expect(row(alice.page, `Re: ${subject}`)).toHaveAttribute('data-unread', 'true');
  await row(alice.page, `Re: ${subject}`).getByRole('link').click();
  await expect(alice.page.locator('.pc-mail-text')).toContainText('Yes, see you there.');
  await alice.page.getByRole('button', { name: 'Back' }).click();
  await expect(row(alice.page, `Re: ${subject}`)).toHaveAttribute('data-unread', 'false');
  // Marked unread again: bold in the list, also after a reload; opening it reads it again.
  await row(alice.page, `Re: ${subject}`).getByRole('link').click();
  await alice.page.getByRole('button', { name: 'Mark unread' }).click();
  await expect(row(alice.page, `Re: ${subject}`)).toHaveAttribute('data-unread', 'true');
  // Back at the folder's URL (the list shows while the message's URL waits for the change to
  // be stored): a reload before that would open the message again.
  await expect(alice.page).toHaveURL(/\/mail\/inbox$/);
  await alice.page.reload();
  await expect(row(alice.page, `Re: ${subject}`)).toHaveAttribute('data-unread', 'true');
  await row(alice.page, `Re: ${subject}`).getByRole('link').click();
  await expect(alice.page.locator('.pc-mail-text')).toContainText('Yes, see you there.');
  await alice.page.getByRole('button', { name: 'Back' }).click();
  await expect(row(alice.page, `Re: ${subject}`)).toHaveAttribute('data-unread', 'false');

  // Carol got the original (Cc) and the forward.
  await carol.page.reload();
  await expect(row(carol.page, subject)).toHaveCount(2);
  await expect(row(carol.page, `Fwd: ${subject}`)).toBeVisible();
  // Sorting by subject, both ways ("Fwd: …" sorts before "Lunch …").
  const subjects = carol.page.locator('.pc-mail-table tbody td.pc-mail-subject-cell .pc-mail-subject-link');
  await carol.page.getByRole('columnheader', { name: 'Subject' }).click();
  await expect(subjects).toHaveText([`Fwd: ${subject}`, subject]);
  await carol.page.getByRole('columnheader', { name: 'Subject' }).click();
  await expect(subjects).toHaveText([subject, `Fwd: ${subject}`]);
});

test('a column sorts the whole folder, not just the page shown, and pages through it', async ({ browser, cloud }) => {
  const origin = cloud.frontendUrl(1);
  const { alice, bob } = await userPages(browser, origin, ['alice', 'bob']);
  // 26 messages, sent oldest first: "m00" is the oldest, alone on the second page by date.
  const api = alice.page.context().request;
  for (let i = 0; i < 26; i++) {
    const subject = `m${String(i).padStart(2, '0')}`;
    const sent = await api.post(`${origin}/api/mail/send`, { headers: { Origin: origin }, data: { to: bob.name, subject, text: subject } });
    expect(sent.status()).toBe(201);
  }
  const subjects = bob.page.locator('.pc-mail-table tbody td.pc-mail-subject-cell .pc-mail-subject-link');
  const pager = bob.page.locator('.pc-mail-pager');
  await bob.page.reload();
  await expect(subjects.first()).toHaveText('m25');
  await expect(pager).toContainText('1–25 of 26');

  await bob.page.getByRole('columnheader', { name: 'Subject' }).click();
  await expect(subjects.first()).toHaveText('m00');
  await expect(subjects).toHaveCount(25);
  await expect(subjects.last()).toHaveText('m24');
  await bob.page.getByRole('button', { name: 'Next page' }).click();
  await expect(subjects).toHaveText(['m25']);
  await expect(pager).toContainText('26–26 of 26');

  // Reversed: back to the first page, the newest subject first.
  await bob.page.getByRole('columnheader', { name: 'Subject' }).click();
  await expect(subjects.first()).toHaveText('m25');
  await expect(pager).toContainText('1–25 of 26');
});

test('compose with a Bcc and attachments: files arrive intact, the Bcc stays hidden', async ({ browser, cloud }) => {
  const { alice, bob, carol } = await userPages(browser, cloud.frontendUrl(1), ['alice', 'bob', 'carol']);
  const subject = `Files ${Date.now()}`;
  const photo = randomBytes(300 * 1024);
  const notes = 'Agenda:\n1. budget\n2. dates\n';

  await alice.page.getByRole('button', { name: 'Compose' }).click();
  const modal = alice.page.getByRole('dialog');
  await modal.getByLabel('To').fill(bob.name);
  await modal.getByLabel('Bcc').fill(carol.name);
  await modal.getByLabel('Subject').fill(subject);
  await modal.getByLabel('Message').fill('Two files attached.');
  await modal.getByLabel('Choose files').setInputFiles([
    { name: 'photo.jpg', mimeType: 'image/jpeg', buffer: photo },
    { name: 'wrong.txt', mimeType: 'text/plain', buffer: Buffer.from('not this one') },
  ]);
  await modal.getByLabel('Choose files').setInputFiles([{ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from(notes) }]);
  await expect(modal.getByRole('group', { name: 'Attachments' })).toContainText('photo.jpg');
  await modal.getByRole('button', { name: 'Remove wrong.txt' }).click();
  await expect(modal.getByRole('group', { name: 'Attachments' })).not.toContainText('wrong.txt');
  await modal.getByRole('button', { name: 'Send' }).click();
  await expect(modal).toBeHidden();

  // Bob has both files, byte for byte, and no trace of the Bcc.
  await bob.page.reload();
  await row(bob.page, subject).getByRole('link').click();
  await expect(bob.page.getByRole('heading', { name: subject })).toBeVisible();
  const attachments = bob.page.locator('.pc-mail-attachments');
  await expect(attachments.getByRole('link')).toHaveText(['photo.jpg', 'notes.txt']);
  const api = bob.page.context().request;
  const photoLink = await attachments.getByRole('link', { name: 'photo.jpg' }).getAttribute('href');
  const got = await api.get(`${originOf(bob.page)}${photoLink}`);
  expect(createHash('sha256').update(await got.body()).digest('hex')).toBe(createHash('sha256').update(photo).digest('hex'));
  const notesLink = await attachments.getByRole('link', { name: 'notes.txt' }).getAttribute('href');
  expect(await (await api.get(`${originOf(bob.page)}${notesLink}`)).text()).toBe(notes);
  await expect(bob.page.locator('.pc-mail-headers')).not.toContainText(carol.name);

  // Carol, the Bcc, has it too; Alice's own copy in Sent shows whom she sent it to blind.
  await carol.page.reload();
  await expect(row(carol.page, subject)).toBeVisible();
  await row(carol.page, subject).getByRole('link').click();
  await expect(carol.page.locator('.pc-mail-headers')).toContainText(`To: ${bob.name}@localhost`);
  await expect(carol.page.locator('.pc-mail-headers')).not.toContainText('Bcc');
  await folderLink(alice.page, 'Sent').click();
  await row(alice.page, subject).getByRole('link').click();
  await expect(alice.page.locator('.pc-mail-headers')).toContainText(`Bcc: ${carol.name}@localhost`);
  await expect(alice.page.locator('.pc-mail-attachments').getByRole('link')).toHaveText(['photo.jpg', 'notes.txt']);

  // Files that make the message larger than mail.messageBytesMax once encoded: a clear 413.
  const aliceApi = alice.page.context().request;
  const tooBig = await aliceApi.post(`${originOf(alice.page)}/api/mail/send`, {
    headers: { Origin: originOf(alice.page) },
    multipart: { to: bob.name, subject: 'big', attachments: { name: 'big.bin', mimeType: 'application/octet-stream', buffer: Buffer.alloc(cloud.config.mail.messageBytesMax * 0.8) } },
  });
  expect(tooBig.status()).toBe(413);
  expect((await tooBig.json()).error).toMatch(/^The message is too large to send: its attachments may be about [\d.]+ MiB in all\.$/);
});

test('hostile HTML mail shows its text and runs and loads nothing', async ({ browser, cloud, request }) => {
  const hits: string[] = [];
  const bait = http.createServer((req, res) => {
    hits.push(req.url ?? '');
    res.end('x');
  });
  await new Promise<void>((resolve) => bait.listen(0, '127.0.0.1', resolve));
  const remote = `http://127.0.0.1:${(bait.address() as AddressInfo).port}`;
  try {
    const origin = cloud.frontendUrl(2);
    // At phone width, which the list and the message view must fit without sideways scrolling.
    const bob = await userPage(browser, origin, 'bob', { width: 375, height: 740 });
    const dialogs: string[] = [];
    bob.page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const subject = `Offer ${Date.now()}`;
    const html = `<html><head><link rel="stylesheet" href="${remote}/css"><style>body{background:url(${remote}/bg)}</style>
      <script>fetch('${remote}/script'); alert('script')</script></head>
      <body onload="fetch('${remote}/onload')"><h1>Great offer inside</h1>
      <p onmouseover="alert('hover')">Read this paragraph.</p>
      <a href="javascript:fetch('${remote}/js-link')">Click me</a>
      <img src="${remote}/pixel.png" alt="pixel"><img src="x" onerror="fetch('${remote}/onerror')">
      <iframe src="${remote}/frame"></iframe><form action="${remote}/form"><input name="q"></form>
      <svg><script>alert('svg')</script></svg></body></html>`;
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: cloud.config.mail.smtpPort, secure: false, ignoreTLS: true });
    await transport.sendMail({
      from: 'spammer@example.com',
      to: `${bob.name}@localhost`,
      subject,
      html,
      text: 'Great offer inside',
      attachments: [{ filename: 'notes.txt', content: 'attached notes' }],
    });
    transport.close();

    await bob.page.reload();
    await row(bob.page, subject).getByRole('link').click();
    const frameElement = bob.page.locator('iframe[title="Message body"]');
    await expect(frameElement).toHaveAttribute('sandbox', 'allow-popups allow-popups-to-escape-sandbox');
    const frame = bob.page.frameLocator('iframe[title="Message body"]');
    await expect(frame.getByRole('heading', { name: 'Great offer inside' })).toBeVisible();
    await frame.getByText('Read this paragraph.').hover();
    await frame.getByText('Click me').click();
    // The frame's load event waits for every subresource it would fetch: after it, none can come.
    const content = await (await frameElement.elementHandle())?.contentFrame();
    await content!.waitForLoadState('load');
    expect(hits).toEqual([]);
    expect(dialogs).toEqual([]);
    expect(await bob.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);

    // The server's answer itself carries no script, handler, javascript: URL or remote address.
    const api = bob.page.context().request;
    const list = (await (await api.get(`${originOf(bob.page)}/api/mail/inbox?limit=1`)).json()) as { messages: { id: string }[] };
    const message = (await (await api.get(`${originOf(bob.page)}/api/mail/inbox/${list.messages[0]!.id}`)).json()) as { htmlDocument: string };
    expect(message.htmlDocument).not.toMatch(/<script|onload|onerror|onmouseover|javascript:|127\.0\.0\.1|<iframe|<form|<link/i);

    // The attachment downloads as a file, never shown inline.
    const download = bob.page.waitForEvent('download');
    await bob.page.getByRole('link', { name: 'notes.txt' }).click();
    expect((await download).suggestedFilename()).toBe('notes.txt');
    const file = await api.get(`${originOf(bob.page)}/api/mail/inbox/${list.messages[0]!.id}/attachments/0`);
    expect(file.headers()['content-disposition']).toMatch(/^attachment; filename="notes.txt"/);
    expect(file.headers()['x-content-type-options']).toBe('nosniff');
    expect(await file.text()).toBe('attached notes');

    // Thunderbird's autoconfig names the POP3 and SMTP ports, as XML.
    const autoconfig = await request.get(`${origin}/.well-known/autoconfig/mail/config-v1.1.xml`);
    expect(autoconfig.headers()['content-type']).toMatch(/^application\/xml/);
    const xml = await autoconfig.text();
    expect(xml).toContain(`<port>${cloud.config.mail.pop3Port}</port>`);
    expect(xml).toContain(`<port>${cloud.config.mail.smtpPort}</port>`);
    expect(hits).toEqual([]);
  } finally {
    bait.close();
  }
});
