// The IMAP half of `npm run test:thunderbird` (thunderbird.ts): what a person does with an IMAP
// account in Thunderbird, each step checked in the store the webmail reads. Thunderbird finds
// the folders (the five special ones by their SPECIAL-USE roles), lists the inbox, opens a
// message (read in the store), creates a folder and moves a message into it, deletes one (to
// Trash, Thunderbird's default), and sends one with its copy saved to Sent over IMAP (once:
// the daemon keeps the copy it saved when the message went out over SMTP).
//
// The scripts run in Thunderbird's chrome context (marionette.ts) and answer when Thunderbird's
// own listener says the operation is over (nsIUrlListener, nsIMsgCopyServiceListener); the
// store is then polled with a deadline, since Thunderbird may finish a step (a STORE) on
// another connection after it reported back.
import { folderByName } from '../../cluster/model/mail/mailbox-state.ts';
import type { MessageSummary } from '../../cluster/model/mail/mailbox.ts';
import { waitFor } from '../../scripts/lib/processes.ts';
import { password, type MailSystem } from './mail-system.ts';
import type { Marionette } from './marionette.ts';
import { accountSetupScript } from './thunderbird-account.ts';

/** What every script starts with: its answer function and helpers over bob's IMAP account. */
const prelude = `
const resolve = arguments[arguments.length - 1];
const { MailServices } = ChromeUtils.importESModule("resource:///modules/MailServices.sys.mjs");
const accountOf = (key) => MailServices.accounts.getAccount(key);
const rootOf = (key) => accountOf(key).incomingServer.rootFolder;
const special = (key, flag) => rootOf(key).getFolderWithFlags(Ci.nsMsgFolderFlags[flag]);
const findMessage = (folder, subject) => {
  const found = [...folder.messages].find((h) => h.mime2DecodedSubject === subject);
  if (!found) throw new Error("no message " + JSON.stringify(subject) + " in " + folder.localizedName);
  return found;
};
// updateFolderWithListener is nsIMsgImapMailFolder's: the folder must be asked for that interface.
const imapFolder = (folder) => folder.QueryInterface(Ci.nsIMsgImapMailFolder);
const urlListener = (then) => ({ OnStartRunningUrl() {}, OnStopRunningUrl(url, status) { then(status); } });
const copyListener = (then) => ({
  onStartCopy() {}, onProgress() {}, setMessageKey() {}, getMessageId() { return null; },
  onStopCopy(status) { then(status); },
  QueryInterface: ChromeUtils.generateQI(["nsIMsgCopyServiceListener"]),
});
`;

const setupScript = accountSetupScript('imap', true);

/**
 * Discovers the folders; answers the names Thunderbird shows and, for each special role, the
 * server's name of the folder that has it (Thunderbird shows Junk as "Spam").
 */
const discoverScript = `${prelude}
const [key] = arguments;
MailServices.imap.discoverAllFolders(rootOf(key), urlListener((status) => {
  const roles = {};
  for (const flag of ["Inbox", "Drafts", "SentMail", "Junk", "Trash"]) roles[flag] = special(key, flag)?.name ?? null;
  resolve({ status, folders: rootOf(key).descendants.map((f) => f.localizedName), roles });
}), null);
`;

/** Brings a folder (a special one by its flag, or one by name) up to date; answers its subjects. */
const updateScript = `${prelude}
const [key, flag, name] = arguments;
const folder = flag ? special(key, flag) : rootOf(key).getChildNamed(name);
imapFolder(folder).updateFolderWithListener(null, urlListener((status) => {
  resolve({ status, subjects: [...folder.messages].map((h) => h.mime2DecodedSubject) });
}));
`;

/** Opens a message of the inbox as the reading pane does (its whole text), and marks it read. */
const readScript = `${prelude}
const [key, subject] = arguments;
const inbox = special(key, "Inbox");
const header = findMessage(inbox, subject);
const uri = inbox.getUriForMsg(header);
const chunks = [];
MailServices.messageServiceFromURI(uri).streamMessage(uri, {
  onStartRequest() {},
  onDataAvailable(request, stream, offset, count) {
    const input = Cc["@mozilla.org/scriptableinputstream;1"].createInstance(Ci.nsIScriptableInputStream);
    input.init(stream);
    chunks.push(input.read(count));
  },
  onStopRequest(request, status) {
    inbox.markMessagesRead([header], true);
    resolve({ status, text: chunks.join("") });
  },
  QueryInterface: ChromeUtils.generateQI(["nsIStreamListener", "nsIRequestObserver"]),
}, null, null, false, "");
`;

const createFolderScript = `${prelude}
const [key, name] = arguments;
rootOf(key).createSubfolder(name, null);
resolve(true);
`;

const hasFolderScript = `${prelude}
const [key, name] = arguments;
resolve(rootOf(key).containsChildNamed(name));
`;

/** Moves an inbox message to a folder by name, as drag and drop does. */
const moveScript = `${prelude}
const [key, subject, name] = arguments;
const inbox = special(key, "Inbox");
MailServices.copy.copyMessages(inbox, [findMessage(inbox, subject)], rootOf(key).getChildNamed(name), true, copyListener(resolve), null, false);
`;

/** Deletes an inbox message as the Delete key does: to Trash (deleteStorage false). */
const deleteScript = `${prelude}
const [key, subject] = arguments;
const inbox = special(key, "Inbox");
inbox.deleteMessages([findMessage(inbox, subject)], null, false, false, copyListener(resolve), false);
`;

/** Sends a message with its copy saved to the account's Sent folder (FCC); answers once the copy is saved. */
const sendScript = `${prelude}
const [key, to, subject] = arguments;
const account = accountOf(key);
const identity = account.defaultIdentity;
identity.doFcc = true;
const file = Services.dirsvc.get("TmpD", Ci.nsIFile);
file.append("penncloud-tb-imap-send.eml");
const text = "From: " + identity.email + "\\r\\nTo: " + to + "\\r\\nSubject: " + subject + "\\r\\nMessage-ID: <" + Services.uuid.generateUUID().toString().slice(1, -1) + "@localhost>\\r\\n\\r\\nSent by Thunderbird, saved to Sent over IMAP.\\r\\n";
IOUtils.writeUTF8(file.path, text).then(() => {
  const fields = Cc["@mozilla.org/messengercompose/composefields;1"].createInstance(Ci.nsIMsgCompFields);
  fields.from = identity.email;
  fields.to = to;
  fields.subject = subject;
  fields.fcc = special(key, "SentMail").URI;
  const send = Cc["@mozilla.org/messengercompose/send;1"].createInstance(Ci.nsIMsgSend);
  send.sendMessageFile(identity, account.key, fields, file, false, false, Ci.nsIMsgSend.nsMsgDeliverNow, null, {
    onStartSending() {}, onProgress() {}, onStatus() {}, onGetDraftFolderURI() {},
    onSendNotPerformed(id, status) { resolve({ status, error: "not performed" }); },
    onTransportSecurityError(id, status) { resolve({ status, error: "transport security" }); },
    onStopSending(id, status) { if (status !== 0) resolve({ status, error: "sending failed" }); },
    onStartCopy() {}, setMessageKey() {}, getMessageId() { return null; },
    onStopCopy(status) { resolve({ status }); },
    QueryInterface: ChromeUtils.generateQI(["nsIMsgSendListener", "nsIMsgCopyServiceListener"]),
  }, null, "");
}, (e) => resolve({ status: -1, error: String(e) }));
`;

type Check = (name: string, fn: () => Promise<string>) => Promise<void>;

/** The subjects of the messages bob's IMAP account works on, all in his inbox before it first looks (read: the one alice's Thunderbird sent him). */
export const imapSubjects = { read: 'Sent by Thunderbird', move: 'Move me to Projects', remove: 'Delete me' };

const scriptMs = 30_000;
const storeMs = 20_000;

export async function runImapChecks(m: Marionette, sys: MailSystem, check: Check): Promise<void> {
  const user = 'bob';
  const key = await m.run<string>(setupScript, [sys.ports.imapPort, sys.ports.smtpPort, user, password(user)]);
  const inStore = async (folderName: string, subject: string): Promise<MessageSummary[]> => {
    const folder = folderName === 'inbox' || folderName === 'sent' || folderName === 'trash' ? folderName : folderByName(await sys.mailbox.state.read(user), folderName)?.id;
    return folder === undefined ? [] : (await sys.mailbox.list(user, folder)).filter((s) => s.subject === subject);
  };

  await check('Thunderbird finds bob’s folders over IMAP: Inbox, Drafts, Sent, Junk and Trash in their roles', async () => {
    const r = await m.run<{ status: number; folders: string[]; roles: Record<string, string | null> }>(discoverScript, [key], scriptMs);
    const expected = { Inbox: 'INBOX', Drafts: 'Drafts', SentMail: 'Sent', Junk: 'Junk', Trash: 'Trash' };
    if (r.status !== 0 || Object.entries(expected).some(([flag, name]) => r.roles[flag]?.toUpperCase() !== name.toUpperCase())) throw new Error(`status ${r.status}, roles ${JSON.stringify(r.roles)}, folders ${JSON.stringify(r.folders)}`);
    return `folders: ${r.folders.join(', ')}`;
  });

  await check('Thunderbird lists bob’s inbox over IMAP', async () => {
    const r = await m.run<{ status: number; subjects: string[] }>(updateScript, [key, 'Inbox'], scriptMs);
    const missing = Object.values(imapSubjects).filter((s) => !r.subjects.includes(s));
    if (r.status !== 0 || missing.length) throw new Error(`status ${r.status}, missing ${JSON.stringify(missing)} in ${JSON.stringify(r.subjects)}`);
    return `inbox: ${r.subjects.join(', ')}`;
  });

  await check('Thunderbird opens a message over IMAP; it is read in the store', async () => {
    const r = await m.run<{ status: number; text: string }>(readScript, [key, imapSubjects.read], scriptMs);
    if (r.status !== 0 || !r.text.includes(`Subject: ${imapSubjects.read}`)) throw new Error(`status ${r.status}, ${r.text.length} characters read`);
    await waitFor(async () => (await inStore('inbox', imapSubjects.read)).some((s) => !s.unread), { timeoutMs: storeMs, what: 'the message read in the store' });
    return `${r.text.length} characters`;
  });

  await check('Thunderbird creates a folder and moves a message into it; the store has it there', async () => {
    await m.run(createFolderScript, [key, 'Projects']);
    await waitFor(() => m.run<boolean>(hasFolderScript, [key, 'Projects']), { timeoutMs: storeMs, what: 'Thunderbird to show the new folder' });
    const status = await m.run<number>(moveScript, [key, imapSubjects.move, 'Projects'], scriptMs);
    if (status !== 0) throw new Error(`move: status ${status}`);
    await waitFor(async () => (await inStore('Projects', imapSubjects.move)).length === 1 && (await inStore('inbox', imapSubjects.move)).length === 0, { timeoutMs: storeMs, what: 'the message in Projects, not in the inbox' });
    return 'moved';
  });

  await check('Thunderbird deletes a message over IMAP; the store has it in Trash', async () => {
    const status = await m.run<number>(deleteScript, [key, imapSubjects.remove], scriptMs);
    if (status !== 0) throw new Error(`delete: status ${status}`);
    await waitFor(async () => (await inStore('trash', imapSubjects.remove)).length === 1 && (await inStore('inbox', imapSubjects.remove)).length === 0, { timeoutMs: storeMs, what: 'the message in Trash, not in the inbox' });
    return 'in Trash';
  });

  await check('Thunderbird sends as bob and saves the copy to Sent over IMAP; alice has it, bob’s Sent has it once', async () => {
    const subject = 'Sent from Thunderbird over IMAP';
    const r = await m.run<{ status: number; error?: string }>(sendScript, [key, 'alice@localhost', subject], scriptMs);
    if (r.status !== 0) throw new Error(`send: status ${r.status} ${r.error ?? ''}`);
    await waitFor(async () => (await inStore('sent', subject)).length >= 1 && (await sys.mailbox.list('alice', 'inbox')).some((s) => s.subject === subject), { timeoutMs: storeMs, what: 'alice’s copy and bob’s Sent copy' });
    const r2 = await m.run<{ status: number; subjects: string[] }>(updateScript, [key, 'SentMail'], scriptMs);
    const copies = (await inStore('sent', subject)).length;
    if (r2.status !== 0 || copies !== 1 || r2.subjects.filter((s) => s === subject).length !== 1) throw new Error(`bob’s Sent has ${copies} copies in the store; Thunderbird (status ${r2.status}) shows ${JSON.stringify(r2.subjects)}`);
    return 'one copy in Sent';
  });
}
