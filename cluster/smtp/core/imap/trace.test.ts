import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encode, raw } from './encode.ts';
import { parseCommand } from './parser.ts';
import type { FolderInfo, ImapStore, MessageMeta } from './ports.ts';
import { ImapSession } from './session.ts';
import { traceCommand, traceResponse } from './trace.ts';

function traced(text: string): string {
  const parsed = parseCommand(Buffer.from(text, 'latin1'));
  assert.ok(parsed.ok);
  return traceCommand(parsed.tag, parsed.name, parsed.args);
}

describe('IMAP protocol trace', () => {
  test('commands are written back from their tokens; LOGIN and AUTHENTICATE credentials are masked', () => {
    assert.equal(traced('a1 LOGIN alice "s3cret pw"'), 'a1 LOGIN alice ***');
    assert.equal(traced('a2 AUTHENTICATE PLAIN AGFsaWNlAHNlY3JldA=='), 'a2 AUTHENTICATE PLAIN ***');
    assert.equal(traced('a3 UID FETCH 1:* (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From Subject)])'), 'a3 UID FETCH 1:* (UID RFC822.SIZE FLAGS BODY.PEEK[HEADER.FIELDS (From Subject)])');
    assert.equal(traced('a4 LIST (SPECIAL-USE) "" "*"'), 'a4 LIST (SPECIAL-USE) "" "*"');
  });

  test('a literal shows only its size: an APPEND never puts the message in the log', () => {
    assert.equal(traced('a5 APPEND Sent (\\Seen) {25}\r\nSubject: x\r\n\r\nsecret body'), 'a5 APPEND Sent (\\Seen) {25}');
  });

  test('a response shows its first line; a FETCH hides quoted text and its literals start after it', () => {
    const fetch = encode([raw('*'), 1, raw('FETCH'), [raw('UID'), 7, raw('ENVELOPE'), [null, 'Private subject'], raw('BODY[]'), Buffer.from('the body\r\n')]]);
    assert.equal(traceResponse(fetch), '* 1 FETCH (UID 7 ENVELOPE (NIL "…") BODY[] {10}');
    assert.equal(traceResponse(Buffer.from('* LIST (\\HasNoChildren \\Trash) "/" Trash\r\n')), '* LIST (\\HasNoChildren \\Trash) "/" Trash');
    assert.equal(traceResponse(Buffer.from(`* SEARCH ${'1 '.repeat(400)}`)).length, 301);
  });
});

/** One folder in memory: what a session needs to log in, append, select and fetch. */
function oneFolderStore(): ImapStore {
  const messages: Array<{ meta: MessageMeta; raw: Buffer }> = [];
  const info = (): FolderInfo => ({ name: 'Inbox', role: 'inbox', uidValidity: 7, uidNext: messages.length + 1, total: messages.length, unread: 0, changes: messages.length });
  const store: Partial<ImapStore> = {
    folders: async () => [info()],
    messages: async () => messages.map((m) => m.meta),
    read: async (_folder, uid) => messages.find((m) => m.meta.uid === uid)?.raw,
    changes: async () => messages.length,
    append: async (_folder, raw, flags, internalDate) => {
      const uid = messages.length + 1;
      messages.push({ meta: { uid, flags, size: raw.length, internalDate }, raw });
      return { uidValidity: 7, uid };
    },
  };
  return store as ImapStore;
}

describe('IMAP session trace', () => {
  test('every command and response line is traced; no password, message or header text is', async () => {
    const lines: string[] = [];
    const session = new ImapSession(
      { tlsAvailable: false, plainAuthAllowed: true, errorsMax: 10, commandsBeforeLoginMax: 10, messageBytesMax: 1 << 20 },
      {
        write: async () => {},
        login: async (user) => ({ outcome: 'ok', user }),
        openStore: () => oneFolderStore(),
        startTls: async () => {},
        close: () => {},
        now: () => new Date(0),
        log: () => {},
        trace: (direction, line) => lines.push(`${direction} ${line}`),
      },
    );
    const secret = Buffer.from('\0alice\0hunter2-pw').toString('base64');
    await session.handle(Buffer.from('a1 AUTHENTICATE PLAIN'));
    await session.handle(Buffer.from(secret));
    const message = 'Subject: Private plans\r\n\r\nThe hidden body text.\r\n';
    await session.handle(Buffer.from(`a2 APPEND INBOX {${message.length}}\r\n${message}`));
    await session.handle(Buffer.from('a3 SELECT INBOX'));
    await session.handle(Buffer.from('a4 UID FETCH 1 (ENVELOPE BODY.PEEK[HEADER.FIELDS (Subject)] BODY.PEEK[])'));
    const text = lines.join("\n");
    for (const hidden of [secret, 'hunter2', 'Private plans', 'hidden body']) assert.ok(!text.includes(hidden), `${hidden} in the trace:\n${text}`);
    assert.ok(lines.includes('C a1 AUTHENTICATE PLAIN'));
    assert.ok(lines.includes('C (AUTHENTICATE response)'));
    assert.ok(lines.includes(`C a2 APPEND INBOX {${message.length}}`));
    assert.ok(lines.some((l) => /^S a2 OK \[APPENDUID 7 1\]/.test(l)));
    assert.ok(lines.some((l) => l.startsWith('S * 1 EXISTS')));
    assert.ok(lines.some((l) => l.startsWith('S * 1 FETCH (UID 1 ENVELOPE (')));
    assert.ok(lines.some((l) => l.startsWith('S a4 OK')));
  });
});
