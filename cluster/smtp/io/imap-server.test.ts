// The IMAP server over a real TCP socket: imapflow (a widely used client) and a raw socket for
// the exact lines, against an in-memory implementation of the storage port (ports.ts). The
// store's real adapter is tested with the daemon's wiring; this checks the protocol.
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import fc from 'fast-check';
import { ImapFlow } from 'imapflow';
import { generate } from 'selfsigned';
import { createLogger } from '../../common/log.ts';
import { ImapStoreError, type FlagMode, type FolderInfo, type FolderRole, type ImapStore, type MessageMeta, type SystemFlag, type UidMapping } from '../core/imap/ports.ts';
import { ImapSession, type ImapLoginResult } from '../core/imap/session.ts';
import { ImapServer, imapDefaults } from './imap-server.ts';

interface StoredFolder {
  role: FolderRole;
  uidValidity: number;
  uidNext: number;
  changes: number;
  messages: Map<number, { meta: MessageMeta; raw: Buffer }>;
}

/** One user's folders in memory, keeping the port's rules (UIDs only grow, changes moves on every change). */
class MemoryStore implements ImapStore {
  readonly folderMap = new Map<string, StoredFolder>();
  private validity = 1000;

  constructor() {
    for (const [name, role] of [
      ['Inbox', 'inbox'],
      ['Drafts', 'drafts'],
      ['Sent', 'sent'],
      ['Junk', 'junk'],
      ['Trash', 'trash'],
    ] as Array<[string, FolderRole]>) {
      this.folderMap.set(name, { role, uidValidity: this.validity++, uidNext: 1, changes: 0, messages: new Map() });
    }
  }

  private get(name: string): StoredFolder {
    const f = this.folderMap.get(name);
    if (!f) throw new ImapStoreError('nonexistent', 'No such folder');
    return f;
  }

  async folders(): Promise<FolderInfo[]> {
    return [...this.folderMap].map(([name, f]) => {
      const all = [...f.messages.values()];
      return { name, role: f.role, uidValidity: f.uidValidity, uidNext: f.uidNext, total: all.length, unread: all.filter((m) => !m.meta.flags.includes('\\Seen')).length, changes: f.changes };
    });
  }

  async createFolder(name: string): Promise<void> {
    if (this.folderMap.has(name)) throw new ImapStoreError('exists', 'Exists');
    this.folderMap.set(name, { role: null, uidValidity: this.validity++, uidNext: 1, changes: 0, messages: new Map() });
  }

  async renameFolder(from: string, to: string): Promise<void> {
    const f = this.get(from);
    this.folderMap.delete(from);
    this.folderMap.set(to, f);
  }

  async deleteFolder(name: string): Promise<void> {
    this.get(name);
    this.folderMap.delete(name);
  }

  async messages(folder: string): Promise<MessageMeta[]> {
    return [...this.get(folder).messages.values()].map((m) => m.meta).sort((a, b) => a.uid - b.uid);
  }

  async read(folder: string, uid: number): Promise<Buffer | undefined> {
    return this.get(folder).messages.get(uid)?.raw;
  }

  async append(folder: string, raw: Buffer, flags: readonly SystemFlag[], internalDate: Date): Promise<{ uidValidity: number; uid: number }> {
    const f = this.get(folder);
    const uid = f.uidNext++;
    f.messages.set(uid, { meta: { uid, flags: [...flags], size: raw.length, internalDate }, raw });
    f.changes++;
    return { uidValidity: f.uidValidity, uid };
  }

  async setFlags(folder: string, uids: readonly number[], mode: FlagMode, flags: readonly SystemFlag[]): Promise<void> {
    const f = this.get(folder);
    for (const uid of uids) {
      const m = f.messages.get(uid);
      if (!m) continue;
      const now = new Set(mode === 'replace' ? [] : m.meta.flags);
      for (const flag of flags) {
        if (mode === 'remove') now.delete(flag);
        else now.add(flag);
      }
      m.meta = { ...m.meta, flags: [...now] };
    }
    f.changes++;
  }

  async copy(from: string, uids: readonly number[], to: string): Promise<UidMapping> {
    const src = this.get(from);
    const dst = this.get(to);
    const pairs: Array<[number, number]> = [];
    for (const uid of uids) {
      const m = src.messages.get(uid);
      if (!m) continue;
      const next = dst.uidNext++;
      dst.messages.set(next, { meta: { ...m.meta, uid: next }, raw: m.raw });
      pairs.push([uid, next]);
    }
    dst.changes++;
    return { uidValidity: dst.uidValidity, pairs };
  }

  async move(from: string, uids: readonly number[], to: string): Promise<UidMapping> {
    const mapping = await this.copy(from, uids, to);
    await this.expunge(from, mapping.pairs.map((p) => p[0]));
    return mapping;
  }

  async expunge(folder: string, uids: readonly number[]): Promise<void> {
    const f = this.get(folder);
    for (const uid of uids) f.messages.delete(uid);
    f.changes++;
  }

  async changes(folder: string): Promise<number> {
    return this.get(folder).changes;
  }
}

function message(subject: string, body = 'Hello there.\r\n', from = 'Bob <bob@example.org>'): Buffer {
  return Buffer.from(`From: ${from}\r\nTo: alice@localhost\r\nSubject: ${subject}\r\nDate: Sat, 05 Dec 2026 10:00:00 +0000\r\nMessage-ID: <${subject.replace(/\W/g, '')}@example.org>\r\n\r\n${body}`);
}

const stores = new Map<string, MemoryStore>();
const logins: Array<{ input: string; address: string }> = [];
/** Users whose sessions were ended (a password change, "log out everywhere"). */
const ended = new Set<string>();

async function login(input: string, password: string, address: string): Promise<ImapLoginResult> {
  logins.push({ input, address });
  if (password !== 'secret' || !stores.has(input)) return { outcome: 'wrong' };
  return { outcome: 'ok', user: input, stillValid: async () => !ended.has(input) };
}

/** A raw client: sends lines, reads until a line starting with the tag (or a continuation). */
class RawClient {
  private buffer = '';
  private waiters: Array<() => void> = [];
  private constructor(private readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      this.buffer += d;
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static async connect(port: number): Promise<RawClient> {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const c = new RawClient(socket);
    await c.until((b) => b.includes('\r\n'));
    c.take();
    return c;
  }

  async until(done: (buffer: string) => boolean): Promise<string> {
    const deadline = Date.now() + 5000;
    while (!done(this.buffer)) {
      if (Date.now() > deadline) throw new Error(`timed out; have: ${JSON.stringify(this.buffer)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.buffer;
  }

  take(): string {
    const b = this.buffer;
    this.buffer = '';
    return b;
  }

  /** Sends a command and returns every line up to and including its tagged answer. */
  async command(tag: string, text: string): Promise<string> {
    this.socket.write(`${tag} ${text}\r\n`);
    await this.until((b) => new RegExp(`(^|\r\n)${tag} (OK|NO|BAD)[^\r\n]*\r\n`).test(b));
    return this.take();
  }

  write(text: string): void {
    this.socket.write(text);
  }

  close(): void {
    this.socket.destroy();
  }
}

describe('IMAP server', () => {
  let server: ImapServer;
  let port: number;
  let store: MemoryStore;

  before(async () => {
    store = new MemoryStore();
    stores.set('alice', store);
    await store.append('Inbox', message('First'), ['\\Seen'], new Date('2026-12-01T10:00:00Z'));
    await store.append('Inbox', message('Second', 'Lunch on Friday?\r\n'), [], new Date('2026-12-02T10:00:00Z'));
    server = new ImapServer({
      openStore: (user) => stores.get(user) as MemoryStore,
      login,
      tls: null,
      log: createLogger({ component: 'imap-test' }, { level: 'error' }),
      messageBytesMax: 64 * 1024,
      connectionsMax: 50,
      connectionsPerAddressMax: 50,
      ...imapDefaults,
      idlePollMs: 50,
    });
    port = await server.listen(0, '127.0.0.1');
  });

  after(async () => {
    await server.close();
  });

  function client(): ImapFlow {
    return new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user: 'alice', pass: 'secret' }, logger: process.env.IMAP_DEBUG ? undefined : false, logRaw: Boolean(process.env.IMAP_DEBUG), disableAutoIdle: true });
  }

  test('imapflow logs in, lists folders with special-use, and reads a message', async () => {
    const c = client();
    await c.connect();
    try {
      const folders = await c.list();
      const byPath = new Map(folders.map((f) => [f.path, f]));
      assert.deepEqual([...byPath.keys()].sort(), ['Drafts', 'INBOX', 'Junk', 'Sent', 'Trash']);
      assert.equal(byPath.get('Sent')?.specialUse, '\\Sent');
      assert.equal(byPath.get('Trash')?.specialUse, '\\Trash');
      const lock = await c.getMailboxLock('INBOX');
      try {
        const mailbox = c.mailbox as { exists: number; uidValidity: bigint };
        assert.equal(mailbox.exists, 2);
        const seen: Array<{ uid: number; subject: string | undefined; flags: string[] }> = [];
        for await (const m of c.fetch('1:*', { uid: true, envelope: true, flags: true })) {
          seen.push({ uid: m.uid, subject: m.envelope?.subject, flags: [...(m.flags ?? [])] });
        }
        assert.deepEqual(seen, [
          { uid: 1, subject: 'First', flags: ['\\Seen'] },
          { uid: 2, subject: 'Second', flags: [] },
        ]);
        const { content } = await c.download('2', undefined, { uid: true });
        assert.ok(content);
        const chunks: Buffer[] = [];
        for await (const chunk of content) chunks.push(chunk as Buffer);
        assert.match(Buffer.concat(chunks).toString(), /Lunch on Friday\?/);
        // Downloading with BODY.PEEK leaves the message unread; a BODY[] fetch marks it read.
        assert.deepEqual((await store.messages('Inbox'))[1]?.flags, []);
        const full = await c.fetchOne('2', { source: true, flags: true }, { uid: true });
        assert.ok(full && full.source);
        const search = await c.search({ body: 'friday' }, { uid: true });
        assert.deepEqual(search, [2]);
      } finally {
        lock.release();
      }
    } finally {
      await c.logout();
    }
  });

  test('APPEND answers APPENDUID; COPY and MOVE answer COPYUID; expunge renumbers', async () => {
    const c = client();
    await c.connect();
    try {
      await c.mailboxCreate('Projects');
      const appended = await c.append('Projects', message('Plan'), ['\\Flagged'], new Date('2026-11-30T08:00:00Z'));
      assert.ok(appended);
      assert.equal(appended.uid, 1);
      assert.equal((await store.messages('Projects'))[0]?.flags.join(), '\\Flagged');
      const lock = await c.getMailboxLock('Projects');
      try {
        const copied = await c.messageCopy('1', 'Trash', { uid: true });
        assert.ok(copied);
        assert.equal(copied.uidMap?.get(1), 1);
        const moved = await c.messageMove('1', 'Sent', { uid: true });
        assert.ok(moved);
        assert.equal(moved.uidMap?.get(1), 1);
        assert.equal((await store.messages('Projects')).length, 0);
        assert.equal((c.mailbox as { exists: number }).exists, 0);
      } finally {
        lock.release();
      }
      const status = await c.status('Sent', { messages: true, unseen: true, uidNext: true });
      assert.ok(status);
      assert.equal(status.messages, 1);
      assert.equal(status.unseen, 1);
      await c.mailboxRename('Projects', 'Archive');
      await c.mailboxDelete('Archive');
      assert.ok(!(await store.folders()).some((f) => f.name === 'Archive'));
    } finally {
      await c.logout();
    }
  });

  test('IDLE reports a delivery and a flag change made by someone else', async () => {
    const raw = await RawClient.connect(port);
    try {
      assert.match(await raw.command('a1', 'LOGIN alice secret'), /a1 OK/);
      const selected = await raw.command('a2', 'SELECT INBOX');
      const exists = Number(/\* (\d+) EXISTS/.exec(selected)?.[1]);
      raw.write('a3 IDLE\r\n');
      await raw.until((b) => b.includes('+ idling'));
      raw.take();
      await store.append('Inbox', message('During idle'), [], new Date());
      await raw.until((b) => b.includes(`* ${exists + 1} EXISTS`));
      await store.setFlags('Inbox', [1], 'add', ['\\Flagged']);
      await raw.until((b) => /\* 1 FETCH \(UID 1 FLAGS \([^)]*\\Flagged/.test(b));
      raw.write('DONE\r\n');
      await raw.until((b) => b.includes('a3 OK'));
      raw.take();
      // Another client expunges message 1: NOOP tells this one, and numbers shift down.
      const before = await store.messages('Inbox');
      await store.expunge('Inbox', [1]);
      const noop = await raw.command('a4', 'NOOP');
      assert.match(noop, /\* 1 EXPUNGE\r\n/);
      const fetched = await raw.command('a5', 'FETCH 1 (UID)');
      assert.match(fetched, new RegExp(`\\* 1 FETCH \\(UID ${before[1]?.uid}\\)`));
      await store.setFlags('Inbox', [1], 'remove', ['\\Flagged']);
    } finally {
      raw.close();
    }
  });

  test('non-UID FETCH does not report an expunge; UID FETCH does', async () => {
    const raw = await RawClient.connect(port);
    try {
      await raw.command('b1', 'LOGIN alice secret');
      await raw.command('b2', 'SELECT INBOX');
      // BODY[...] without .PEEK marks the message read, and the answer says so.
      const unread = (await store.messages('Inbox')).find((m) => !m.flags.includes('\\Seen')) as MessageMeta;
      const read = await raw.command('b2a', `UID FETCH ${unread.uid} (BODY[TEXT])`);
      assert.match(read, new RegExp(`\\* \\d+ FETCH \\(UID ${unread.uid} BODY\\[TEXT\\] \\{\\d+\\}\\r\\n[^]*FLAGS \\(\\\\Seen\\)\\)`));
      assert.ok((await store.messages('Inbox')).find((m) => m.uid === unread.uid)?.flags.includes('\\Seen'));
      const listing = await store.messages('Inbox');
      const last = listing[listing.length - 1] as MessageMeta;
      await store.expunge('Inbox', [last.uid]);
      const fetch = await raw.command('b3', `FETCH ${listing.length} (BODY.PEEK[])`);
      assert.doesNotMatch(fetch, /\* \d+ EXPUNGE/);
      assert.match(fetch, /b3 NO \[EXPUNGEISSUED\]/);
      const uidFetch = await raw.command('b4', 'UID FETCH 1:* (FLAGS)');
      assert.match(uidFetch, new RegExp(`\\* ${listing.length} EXPUNGE`));
    } finally {
      raw.close();
    }
  });

  test('a session ends at its next command once its account\'s sessions were ended, even in IDLE', async () => {
    stores.set('carol', new MemoryStore());
    const busy = await RawClient.connect(port);
    const idle = await RawClient.connect(port);
    try {
      assert.match(await busy.command('g1', 'LOGIN carol secret'), /g1 OK/);
      assert.match(await idle.command('g1', 'LOGIN carol secret'), /g1 OK/);
      idle.write('g2 IDLE\r\n');
      await idle.until((b) => b.includes('+ idling'));
      ended.add('carol');
      busy.write('g2 NOOP\r\n');
      assert.match(await busy.until((b) => b.includes('* BYE')), /\* BYE Your session has ended/);
      assert.match(await idle.until((b) => b.includes('* BYE')), /\* BYE Your session has ended/);
    } finally {
      busy.close();
      idle.close();
    }
  });

  test('literals: synchronising ones get "+", LITERAL+ ones do not, oversized ones are refused', async () => {
    const raw = await RawClient.connect(port);
    try {
      raw.write('c1 LOGIN {5}\r\n');
      await raw.until((b) => b.startsWith('+ '));
      raw.take();
      raw.write('alice {6+}\r\nsecret\r\n');
      assert.match(await raw.until((b) => /c1 (OK|NO|BAD)/.test(b)), /c1 OK/);
      raw.take();
      const big = 64 * 1024 + 1;
      raw.write(`c2 APPEND INBOX {${big}}\r\n`);
      const refused = await raw.until((b) => /c2 (OK|NO|BAD)/.test(b));
      assert.match(refused, /c2 BAD \[TOOBIG\]/);
      assert.doesNotMatch(refused, /^\+/);
      raw.take();
      // A LITERAL+ too large is skipped whole, and the connection goes on.
      raw.write(`c3 APPEND INBOX {${big}+}\r\n${'x'.repeat(big)}\r\n`);
      await raw.until((b) => /c3 BAD \[TOOBIG\]/.test(b));
      raw.take();
      assert.match(await raw.command('c4', 'NOOP'), /c4 OK/);
      assert.match(await raw.command('c5', 'SELECT "INBOX'), /c5 BAD/);
    } finally {
      raw.close();
    }
  });

  test('capabilities and login rules follow POP3: loopback may log in in plain text', async () => {
    const raw = await RawClient.connect(port);
    try {
      const caps = await raw.command('d1', 'CAPABILITY');
      assert.match(caps, /IMAP4rev1 LITERAL\+/);
      assert.match(caps, /AUTH=PLAIN/);
      assert.doesNotMatch(caps, /STARTTLS|LOGINDISABLED/);
      assert.match(await raw.command('d2', 'SELECT INBOX'), /d2 BAD/);
      assert.match(await raw.command('d3', 'LOGIN alice wrong'), /d3 NO \[AUTHENTICATIONFAILED\]/);
      const plain = Buffer.from('\0alice\0secret').toString('base64');
      assert.match(await raw.command('d4', `AUTHENTICATE PLAIN ${plain}`), /d4 OK/);
      // A folder under a missing parent: the parent is listed as \\Noselect; names travel in modified UTF-7.
      assert.match(await raw.command('d5', 'CREATE "Entw&APw-rfe/2026"'), /d5 OK/);
      assert.ok(store.folderMap.has('Entwürfe/2026'));
      assert.match(await raw.command('d6', 'LIST "" %'), /\* LIST \(\\Noselect \\HasChildren\) "\/" Entw&APw-rfe\r\n/);
      assert.match(await raw.command('d7', 'LIST "" "Entw&APw-rfe/%"'), /\* LIST \(\\HasNoChildren\) "\/" Entw&APw-rfe\/2026\r\n/);
      assert.match(await raw.command('d8', 'LIST (SPECIAL-USE) "" *'), /^(\* LIST \(\\HasNoChildren \\(Drafts|Junk|Sent|Trash)\) "\/" \w+\r\n){4}d8 OK/);
      assert.match(await raw.command('d9', 'APPEND Nowhere {1+}\r\nx'), /d9 NO \[TRYCREATE\]/);
      assert.match(await raw.command('d10', 'DELETE "Entw&APw-rfe/2026"'), /d10 OK/);
      assert.match(await raw.command('d11', 'DELETE Trash'), /d11 NO \[CANNOT\]/);
      assert.match(await raw.command('d12', 'LOGOUT'), /\* BYE[^]*d12 OK/);
    } finally {
      raw.close();
    }
  });
});

describe('IMAP server away from loopback', () => {
  const base = {
    openStore: (user: string) => stores.get(user) as MemoryStore,
    login,
    log: createLogger({ component: 'imap-test' }, { level: 'error' }),
    messageBytesMax: 64 * 1024,
    connectionsMax: 5,
    connectionsPerAddressMax: 5,
    ...imapDefaults,
    plainAuthAllowed: () => false,
  };

  test('without TLS, a non-loopback client sees LOGINDISABLED and cannot log in', async () => {
    const server = new ImapServer({ ...base, tls: null });
    const port = await server.listen(0, '127.0.0.1');
    const raw = await RawClient.connect(port);
    try {
      assert.match(await raw.command('e1', 'CAPABILITY'), /LOGINDISABLED/);
      const before = logins.length;
      assert.match(await raw.command('e2', 'LOGIN alice secret'), /e2 NO \[PRIVACYREQUIRED\]/);
      assert.match(await raw.command('e3', `AUTHENTICATE PLAIN ${Buffer.from('\0alice\0secret').toString('base64')}`), /e3 NO \[PRIVACYREQUIRED\]/);
      assert.equal(logins.length, before);
    } finally {
      raw.close();
      await server.close();
    }
  });

  test('after STARTTLS the same client may log in (imapflow upgrades by itself)', async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], { keyType: 'ec', curve: 'P-256', algorithm: 'sha256' });
    const server = new ImapServer({ ...base, tls: tls.createSecureContext({ key: pems.private, cert: pems.cert }) });
    const port = await server.listen(0, '127.0.0.1');
    const raw = await RawClient.connect(port);
    const c = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: true, tls: { rejectUnauthorized: false }, auth: { user: 'alice', pass: 'secret' }, logger: false });
    try {
      const caps = await raw.command('f1', 'CAPABILITY');
      assert.match(caps, /STARTTLS/);
      assert.match(caps, /LOGINDISABLED/);
      await c.connect();
      assert.ok(c.secureConnection);
      assert.equal((await c.status('INBOX', { messages: true })) !== false, true);
    } finally {
      raw.close();
      await c.logout();
      await server.close();
    }
  });

  test('a client that does not log in in time is logged out; connections per address are capped', async () => {
    const server = new ImapServer({ ...base, tls: null, loginTimeoutMs: 300, connectionsPerAddressMax: 1 });
    const port = await server.listen(0, '127.0.0.1');
    const first = await RawClient.connect(port);
    const second = net.connect(port, '127.0.0.1');
    try {
      const refused = await new Promise<string>((resolve) => {
        let text = '';
        second.on('data', (d) => (text += d.toString()));
        second.on('close', () => resolve(text));
      });
      assert.match(refused, /^\* BYE \[UNAVAILABLE\] Too many connections from your address/);
      assert.match(await first.until((b) => b.includes('* BYE')), /\* BYE Autologout/);
    } finally {
      first.close();
      second.destroy();
      await server.close();
    }
  });
});

describe('IMAP session under random commands', () => {
  test('never throws, and answers every command with its tag (or a continuation, or BYE)', async () => {
    const words = ['SELECT', 'EXAMINE', 'FETCH', 'UID', 'STORE', 'SEARCH', 'COPY', 'MOVE', 'EXPUNGE', 'APPEND', 'LIST', 'STATUS', 'CREATE', 'DELETE', 'RENAME', 'CLOSE', 'UNSELECT', 'NOOP', 'IDLE', 'DONE', 'ENABLE', 'ID', 'NAMESPACE', 'LSUB', 'SUBSCRIBE', 'CHECK'];
    const args = ['INBOX', 'Trash', '"Work"', '1', '1:*', '*', '2,4:5', '0', '(FLAGS)', '(BODY[1.2.MIME] ENVELOPE BODYSTRUCTURE)', 'BODY[]<0.5>', '+FLAGS', '-FLAGS.SILENT', '(\\Seen \\Deleted)', 'NOT', 'OR', 'SEEN', 'FROM', 'x', '""', '(', ')', '{3+}\r\nabc', '(MESSAGES UNSEEN)', 'RETURN', '(SPECIAL-USE)', '%'];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom(...words), fc.array(fc.constantFrom(...args), { maxLength: 5 })), { maxLength: 25 }), async (commands) => {
        const store = new MemoryStore();
        await store.append('Inbox', message('One', 'Hi\r\n'), [], new Date(0));
        await store.append('Inbox', Buffer.from('Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\nx\r\n--b--\r\n'), ['\\Seen'], new Date(0));
        let output = '';
        let closed = false;
        const session = new ImapSession(
          { tlsAvailable: false, plainAuthAllowed: true, errorsMax: 1000, commandsBeforeLoginMax: 1000, messageBytesMax: 1 << 20 },
          {
            write: async (data) => {
              output += data.toString('latin1');
            },
            login: async (user) => ({ outcome: 'ok', user }),
            openStore: () => store,
            startTls: async () => {},
            close: () => {
              closed = true;
            },
            now: () => new Date(0),
            log: () => {},
          },
        );
        await session.handle(Buffer.from('t0 LOGIN alice secret'));
        for (const [i, [word, rest]] of commands.entries()) {
          if (closed) break;
          output = '';
          const tag = `t${i + 1}`;
          await session.handle(Buffer.from([tag, word, ...rest].join(' ')));
          const answered = new RegExp(`(^|\r\n)${tag} (OK|NO|BAD) `).test(output) || output.startsWith('+ ') || output.includes('+ idling') || output.includes('* BYE') || (word === 'DONE' && /^t\d+ (OK|BAD)/.test(output)) || /^t\d+ (OK|BAD) /m.test(output);
          assert.ok(answered, `${tag} ${word} ${rest.join(' ')} -> ${JSON.stringify(output)}`);
        }
      }),
      { numRuns: 150 },
    );
  });
});
