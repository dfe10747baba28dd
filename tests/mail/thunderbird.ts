// `npm run test:thunderbird`: the opt-in test with Thunderbird itself (Debian's `thunderbird`,
// headless, driven over Marionette). Against a real cluster and mail daemon it sets up a POP3 +
// SMTP account for alice, downloads a message bob sent her, and sends one to bob; the daemon's
// store must then hold bob's copy and alice's Sent copy. Then an IMAP account for bob does what
// a person does (thunderbird-imap.ts): folders, reading, moving, deleting, sending with a Sent
// copy, each checked in the store the webmail reads. Each check prints its line as it ends;
// after a failure the end of Thunderbird's own IMAP log is printed too. Without Thunderbird
// installed it prints why and exits 0 (it is not part of `npm test`: Thunderbird is ~300 MB and
// starts slowly). Install it with `apt-get install -y thunderbird`. Ends with one line
// `N passed, N failed`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { freePorts, waitFor } from '../../scripts/lib/processes.ts';
import { password, startMailSystem } from './mail-system.ts';
import { Marionette } from './marionette.ts';
import { accountSetupScript } from './thunderbird-account.ts';
import { imapSubjects, runImapChecks } from './thunderbird-imap.ts';

const setupScript = accountSetupScript('pop3', false);

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

const results: { name: string; ok: boolean; detail: string }[] = [];
/** Lines of Thunderbird's IMAP log printed when a check failed. */
const imapLogLinesShown = 40;

/** Runs one check and prints its line at once, so a slow step shows where the run is. */
async function check(name: string, fn: () => Promise<string>): Promise<void> {
  let result: (typeof results)[number];
  try {
    result = { name, ok: true, detail: await fn() };
  } catch (err) {
    result = { name, ok: false, detail: err instanceof Error ? err.message : String(err) };
  }
  results.push(result);
  console.log(`${result.ok ? 'ok    ' : 'FAILED'} ${result.name} — ${result.detail}`);
}

/** The end of Thunderbird's IMAP conversation (its MOZ_LOG file), for a failed run. */
async function printImapLog(profile: string): Promise<void> {
  const log = await readFile(path.join(profile, 'imap.moz_log'), 'utf8').catch(() => '');
  // "12:35:52.935761 UTC - [Parent 1: IMAP]: I/IMAP 7faf…:127.0.0.1:S-INBOX:SendData: 5 UID fetch …"
  const lines = log.split(/\r?\n/).flatMap((l) => {
    const m = /(\d\d:\d\d:\d\d\.\d{3})\d* UTC .*:([^:]*):(SendData|CreateNewLineFromSocket): (.*)$/.exec(l);
    return m ? [`${m[1]} ${m[2]} ${m[3] === 'SendData' ? 'C' : 'S'}: ${m[4]}`] : [];
  });
  if (lines.length === 0) return;
  console.log(`Thunderbird's IMAP log ends (${lines.length} lines in all; state:folder, C: sent, S: received):`);
  for (const l of lines.slice(-imapLogLinesShown)) console.log(`  ${l}`);
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
  const tb = spawn('thunderbird', ['--headless', '--marionette', '-remote-allow-system-access', '--profile', profile, '--no-remote'], {
    stdio: 'ignore',
    // Thunderbird's own IMAP log (what it sent and read), shown when a check fails.
    env: { ...process.env, MOZ_LOG: 'IMAP:3,timestamp', MOZ_LOG_FILE: path.join(profile, 'imap') },
  });
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
    const fromAlice = nodemailer.createTransport({ host: '127.0.0.1', port: sys.ports.smtpPort, ignoreTLS: true, auth: { user: 'alice', pass: password('alice') } });
    for (const subject of [imapSubjects.move, imapSubjects.remove]) await fromAlice.sendMail({ from: 'alice@localhost', to: 'bob@localhost', subject, text: 'for bob’s IMAP account' });
    await runImapChecks(m, sys, check);
  } catch (err) {
    await check('Thunderbird session', () => Promise.reject(err));
  } finally {
    marionette?.close();
    tb.kill('SIGKILL');
    if (results.some((r) => !r.ok)) await printImapLog(profile);
    await sys.close();
    await rm(profile, { recursive: true, force: true });
  }
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

void main();
