// `npm run test:thunderbird`: the opt-in test with Thunderbird itself (Debian's `thunderbird`,
// headless, driven over Marionette). Against a real cluster and mail daemon it sets up a POP3 +
// SMTP account for alice, downloads a message bob sent her, and sends one to bob; the daemon's
// store must then hold bob's copy and alice's Sent copy. Then an IMAP account for bob: its
// folders are discovered, the inbox shows alice's message, and marking it read in Thunderbird
// (a STORE \Seen) makes it read in the store the webmail reads. Without Thunderbird installed it prints
// why and exits 0 (it is not part of `npm test`: Thunderbird is ~300 MB and starts slowly).
// Install it with `apt-get install -y thunderbird`. Ends with one line `N passed, N failed`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { freePorts, waitFor } from '../../scripts/lib/processes.ts';
import { password, startMailSystem } from './mail-system.ts';
import { Marionette } from './marionette.ts';

const setupScript = `
const [pop3Port, smtpPort, user, pw] = arguments;
const resolve = arguments[arguments.length - 1];
const { MailServices } = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
const server = MailServices.accounts.createIncomingServer(user, "127.0.0.1", "pop3");
server.port = pop3Port;
server.socketType = Ci.nsMsgSocketType.plain;
server.authMethod = Ci.nsMsgAuthMethod.passwordCleartext;
server.password = pw;
const identity = MailServices.accounts.createIdentity();
identity.email = user + "@localhost";
identity.fullName = user;
identity.doFcc = false;
const account = MailServices.accounts.createAccount();
account.addIdentity(identity);
account.incomingServer = server;
const smtp = MailServices.outgoingServer.createServer("smtp");
smtp.QueryInterface(Ci.nsISmtpServer).hostname = "127.0.0.1";
smtp.QueryInterface(Ci.nsISmtpServer).port = smtpPort;
smtp.username = user;
smtp.password = pw;
smtp.authMethod = Ci.nsMsgAuthMethod.passwordCleartext;
smtp.socketType = Ci.nsMsgSocketType.plain;
identity.smtpServerKey = smtp.key;
resolve(account.key);
`;

const fetchScript = `
const [accountKey] = arguments;
const resolve = arguments[arguments.length - 1];
const { MailServices } = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
const server = MailServices.accounts.getAccount(accountKey).incomingServer;
const inbox = server.rootFolder.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox);
MailServices.pop3.GetNewMail(null, {
  OnStartRunningUrl() {},
  OnStopRunningUrl(url, status) {
    resolve({ status, subjects: [...inbox.messages].map((h) => h.mime2DecodedSubject) });
  },
}, inbox, server.QueryInterface(Ci.nsIPop3IncomingServer));
`;

const sendScript = `
const [accountKey, to, subject] = arguments;
const resolve = arguments[arguments.length - 1];
const { MailServices } = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
const account = MailServices.accounts.getAccount(accountKey);
const identity = account.defaultIdentity;
const file = Services.dirsvc.get("TmpD", Ci.nsIFile);
file.append("penncloud-tb-send.eml");
const text = "From: " + identity.email + "\\r\\nTo: " + to + "\\r\\nSubject: " + subject + "\\r\\n\\r\\nSent by Thunderbird over SMTP.\\r\\n";
IOUtils.writeUTF8(file.path, text).then(() => {
  const fields = Cc["@mozilla.org/messengercompose/composefields;1"].createInstance(Ci.nsIMsgCompFields);
  fields.from = identity.email;
  fields.to = to;
  fields.subject = subject;
  const send = Cc["@mozilla.org/messengercompose/send;1"].createInstance(Ci.nsIMsgSend);
  send.sendMessageFile(identity, account.key, fields, file, false, false, Ci.nsIMsgSend.nsMsgDeliverNow, null, {
    onStartSending() {}, onProgress() {}, onStatus() {}, onGetDraftFolderURI() {},
    onSendNotPerformed(id, status) { resolve({ status, error: "not performed" }); },
    onTransportSecurityError(id, status) { resolve({ status, error: "transport security" }); },
    onStopSending(id, status) { resolve({ status }); },
    QueryInterface: ChromeUtils.generateQI(["nsIMsgSendListener"]),
  }, null, "");
}, (e) => resolve({ status: -1, error: String(e) }));
`;

const imapSetupScript = `
const [imapPort, user, pw] = arguments;
const resolve = arguments[arguments.length - 1];
const { MailServices } = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
const server = MailServices.accounts.createIncomingServer(user, "127.0.0.1", "imap");
server.port = imapPort;
server.socketType = Ci.nsMsgSocketType.plain;
server.authMethod = Ci.nsMsgAuthMethod.passwordCleartext;
server.password = pw;
const identity = MailServices.accounts.createIdentity();
identity.email = user + "@localhost";
const account = MailServices.accounts.createAccount();
account.addIdentity(identity);
account.incomingServer = server;
resolve(account.key);
`;

const imapSyncScript = `
const [accountKey, markRead] = arguments;
const resolve = arguments[arguments.length - 1];
const { MailServices } = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
const server = MailServices.accounts.getAccount(accountKey).incomingServer;
const root = server.rootFolder;
const listener = (then) => ({ OnStartRunningUrl() {}, OnStopRunningUrl(url, status) { then(status); } });
MailServices.imap.discoverAllFolders(root, listener(() => {
  const inbox = root.getFolderWithFlags(Ci.nsMsgFolderFlags.Inbox);
  inbox.updateFolderWithListener(null, listener((status) => {
    const headers = [...inbox.messages];
    if (markRead) inbox.markMessagesRead(headers.filter((h) => h.mime2DecodedSubject === markRead), true);
    resolve({ status, folders: root.descendants.map((f) => f.prettyName), subjects: headers.map((h) => h.mime2DecodedSubject) });
  }));
}), null);
`;

const results: { name: string; ok: boolean; detail: string }[] = [];

async function check(name: string, fn: () => Promise<string>): Promise<void> {
  try {
    results.push({ name, ok: true, detail: await fn() });
  } catch (err) {
    results.push({ name, ok: false, detail: err instanceof Error ? err.message : String(err) });
  }
}

async function main(): Promise<void> {
  if (spawnSync('thunderbird', ['--version']).status !== 0) {
    console.log('skipped: Thunderbird is not installed (apt-get install -y thunderbird), so there is nothing to drive');
    console.log('0 passed, 0 failed, 1 skipped');
    return;
  }
  const sys = await startMailSystem({ users: ['alice', 'bob'] });
  const profile = await mkdtemp(path.join(os.tmpdir(), 'penncloud-thunderbird-'));
  const [marionettePort] = (await freePorts(1)) as [number];
  await writeFile(
    path.join(profile, 'user.js'),
    [
      `user_pref("marionette.port", ${marionettePort});`,
      'user_pref("mail.shell.checkDefaultClient", false);',
      'user_pref("mailnews.start_page.enabled", false);',
      'user_pref("mail.provider.suppress_dialog_on_startup", true);',
      'user_pref("datareporting.policy.dataSubmissionEnabled", false);',
      'user_pref("app.update.enabled", false);',
    ].join('\n') + '\n',
  );
  const tb = spawn('thunderbird', ['--headless', '--marionette', '-remote-allow-system-access', '--profile', profile, '--no-remote'], { stdio: 'ignore' });
  let marionette: Marionette | undefined;
  try {
    marionette = await waitFor(() => Marionette.connect(marionettePort), { timeoutMs: 60_000, intervalMs: 500, what: 'Thunderbird’s Marionette port' });
    const m = marionette;
    await nodemailer
      .createTransport({ host: '127.0.0.1', port: sys.ports.smtpPort, ignoreTLS: true, auth: { user: 'bob', pass: password('bob') } })
      .sendMail({ from: 'bob@localhost', to: 'alice@localhost', subject: 'Hello Thunderbird', text: 'from bob' });
    const account = await m.run<string>(setupScript, [sys.ports.pop3Port, sys.ports.smtpPort, 'alice', password('alice')]);
    await check('Thunderbird sets up a POP3 + SMTP account', async () => `account ${account}`);
    await check('Thunderbird downloads alice’s mail over POP3', async () => {
      const r = await m.run<{ status: number; subjects: string[] }>(fetchScript, [account], 60_000);
      if (r.status !== 0 || !r.subjects.includes('Hello Thunderbird')) throw new Error(`status ${r.status}, subjects ${JSON.stringify(r.subjects)}`);
      return `inbox: ${r.subjects.join(', ')}`;
    });
    await check('Thunderbird sends to bob over SMTP with AUTH; bob has it, alice has a Sent copy', async () => {
      const r = await m.run<{ status: number; error?: string }>(sendScript, [account, 'bob@localhost', 'Sent by Thunderbird'], 60_000);
      if (r.status !== 0) throw new Error(`send failed: status ${r.status} ${r.error ?? ''}`);
      await waitFor(async () => (await sys.mailbox.list('bob', 'inbox')).some((s) => s.subject === 'Sent by Thunderbird'), { timeoutMs: 10_000, what: 'bob’s copy' });
      if (!(await sys.mailbox.list('alice', 'sent')).some((s) => s.subject === 'Sent by Thunderbird')) throw new Error('no Sent copy for alice');
      return 'delivered';
    });
    const imapAccount = await m.run<string>(imapSetupScript, [sys.ports.imapPort, 'bob', password('bob')]);
    await check('Thunderbird reads bob’s mail over IMAP and marks it read in the shared store', async () => {
      const r = await m.run<{ status: number; folders: string[]; subjects: string[] }>(imapSyncScript, [imapAccount, 'Sent by Thunderbird'], 60_000);
      if (r.status !== 0 || !r.subjects.includes('Sent by Thunderbird') || !r.folders.includes('Trash')) throw new Error(`status ${r.status}, folders ${JSON.stringify(r.folders)}, subjects ${JSON.stringify(r.subjects)}`);
      await waitFor(async () => (await sys.mailbox.list('bob', 'inbox')).some((s) => s.subject === 'Sent by Thunderbird' && !s.unread), { timeoutMs: 20_000, what: 'the message read in the store' });
      return `folders: ${r.folders.join(', ')}`;
    });
  } catch (err) {
    results.push({ name: 'Thunderbird session', ok: false, detail: err instanceof Error ? err.message : String(err) });
  } finally {
    marionette?.close();
    tb.kill('SIGKILL');
    await sys.close();
    await rm(profile, { recursive: true, force: true });
  }
  for (const r of results) console.log(`${r.ok ? 'ok    ' : 'FAILED'} ${r.name} — ${r.detail}`);
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

void main();
