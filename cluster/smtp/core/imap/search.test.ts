import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeMailboxName, encodeMailboxName, patternMatcher, storeName } from './names.ts';
import { parseCommand } from './parser.ts';
import type { ImapStore, MessageMeta, SystemFlag, TextCriterion } from './ports.ts';
import { parseSearch, runSearch, type Candidate } from './search.ts';

const raws = new Map<number, Buffer>();
const metas: MessageMeta[] = [];

function add(uid: number, flags: SystemFlag[], date: string, text: string): void {
  const raw = Buffer.from(text.replace(/\r?\n/g, '\r\n'));
  raws.set(uid, raw);
  metas.push({ uid, flags, size: raw.length, internalDate: new Date(date) });
}

add(3, ['\\Seen'], '2026-11-01T10:00:00Z', 'From: Ann <ann@example.org>\nTo: bob@example.com\nSubject: Budget\nDate: Sat, 31 Oct 2026 23:30:00 -0200\n\nThe budget is ready.\n');
add(7, [], '2026-11-15T10:00:00Z', 'From: =?UTF-8?Q?J=C3=B6rg?= <joerg@example.de>\nTo: bob@example.com\nCc: ann@example.org\nSubject: =?UTF-8?B?R3LDvMOfZQ==?=\nX-Priority: 1\n\nSee you soon.\n');
add(9, ['\\Flagged', '\\Answered'], '2026-12-01T10:00:00Z', 'From: carl@example.net\nTo: bob@example.com\nSubject: Photos\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nHolidays at the lake, sch=C3=B6n\n--b\nContent-Type: image/jpeg\nContent-Transfer-Encoding: base64\n\nbGFrZQ==\n--b--\n');
add(12, ['\\Deleted', '\\Draft'], '2026-12-03T10:00:00Z', 'From: bob@example.com\nSubject: Draft reply\n\nNot sent yet. Budget attached.\n');

const candidates: Candidate[] = metas.map((meta, i) => ({ seq: i + 1, meta }));

function storeWith(index?: (c: TextCriterion, uids: readonly number[]) => ReadonlySet<number> | undefined): ImapStore & { reads: number } {
  const store = {
    reads: 0,
    async read(_folder: string, uid: number) {
      store.reads++;
      return raws.get(uid);
    },
    searchText: index ? async (_folder: string, c: TextCriterion, uids: readonly number[]) => index(c, uids) : undefined,
  };
  return store as unknown as ImapStore & { reads: number };
}

async function search(criteria: string, store = storeWith()): Promise<number[]> {
  const parsed = parseCommand(Buffer.from(`t SEARCH ${criteria}`));
  assert.ok(parsed.ok, criteria);
  const node = parseSearch(parsed.args);
  assert.ok(node.ok, criteria);
  return (await runSearch(store, 'Inbox', node.node, candidates)).map((c) => c.meta.uid);
}

describe('SEARCH', () => {
  test('flags, sizes, UIDs and sequence numbers', async () => {
    assert.deepEqual(await search('ALL'), [3, 7, 9, 12]);
    assert.deepEqual(await search('SEEN'), [3]);
    assert.deepEqual(await search('UNSEEN'), [7, 9, 12]);
    assert.deepEqual(await search('FLAGGED ANSWERED'), [9]);
    assert.deepEqual(await search('DELETED'), [12]);
    assert.deepEqual(await search('UNDELETED UNDRAFT'), [3, 7, 9]);
    assert.deepEqual(await search('NEW'), []);
    assert.deepEqual(await search('RECENT'), []);
    assert.deepEqual(await search('OLD'), [3]);
    assert.deepEqual(await search('KEYWORD $Junk'), []);
    assert.deepEqual(await search('UNKEYWORD $Junk'), [3, 7, 9, 12]);
    assert.deepEqual(await search('UID 7:10'), [7, 9]);
    assert.deepEqual(await search('UID *'), [12]);
    assert.deepEqual(await search('2:3'), [7, 9]);
    assert.deepEqual(await search('*'), [12]);
    const sizes = metas.map((m) => m.size);
    assert.deepEqual(await search(`LARGER ${sizes[1]}`), metas.filter((m) => m.size > (sizes[1] as number)).map((m) => m.uid));
    assert.deepEqual(await search(`SMALLER ${sizes[1]}`), metas.filter((m) => m.size < (sizes[1] as number)).map((m) => m.uid));
  });

  test('dates compare whole days: INTERNALDATE, and the Date header for SENT*', async () => {
    assert.deepEqual(await search('BEFORE 15-Nov-2026'), [3]);
    assert.deepEqual(await search('ON 15-Nov-2026'), [7]);
    assert.deepEqual(await search('SINCE 15-Nov-2026'), [7, 9, 12]);
    // 31 Oct 23:30 at -0200 is 1 Nov in UTC.
    assert.deepEqual(await search('SENTON 1-Nov-2026'), [3]);
    assert.deepEqual(await search('SENTBEFORE 1-Nov-2026'), []);
    assert.deepEqual(await search('SENTSINCE 1-Nov-2026'), [3]);
  });

  test('header and text criteria match decoded text without regard to case', async () => {
    assert.deepEqual(await search('FROM ann'), [3]);
    assert.deepEqual(await search('FROM jörg'), [7]);
    assert.deepEqual(await search('SUBJECT grüße'), [7]);
    assert.deepEqual(await search('CC ANN@EXAMPLE.ORG'), [7]);
    assert.deepEqual(await search('TO bob'), [3, 7, 9]);
    assert.deepEqual(await search('BCC bob'), []);
    assert.deepEqual(await search('HEADER X-Priority ""'), [7]);
    assert.deepEqual(await search('HEADER X-Priority 2'), []);
    assert.deepEqual(await search('BODY schön'), [9]);
    assert.deepEqual(await search('BODY lake'), [9]);
    assert.deepEqual(await search('BODY bGFrZQ'), []);
    assert.deepEqual(await search('BODY budget'), [3, 12]);
    assert.deepEqual(await search('TEXT photos'), [9]);
    assert.deepEqual(await search('CHARSET UTF-8 SUBJECT "Draft reply"'.replace('CHARSET UTF-8 ', '')), [12]);
  });

  test('NOT, OR and parenthesised groups', async () => {
    assert.deepEqual(await search('NOT SEEN'), [7, 9, 12]);
    assert.deepEqual(await search('OR SEEN FLAGGED'), [3, 9]);
    assert.deepEqual(await search('OR (FROM ann SEEN) (SUBJECT photos)'), [3, 9]);
    assert.deepEqual(await search('NOT (OR BODY budget DELETED)'), [7, 9]);
    assert.deepEqual(await search('UNDELETED BODY budget'), [3]);
  });

  test('content is read only for messages the other criteria leave open', async () => {
    const store = storeWith();
    assert.deepEqual(await search('FLAGGED BODY lake', store), [9]);
    assert.equal(store.reads, 1);
    const none = storeWith();
    assert.deepEqual(await search('OR SEEN NOT SEEN', none), [3, 7, 9, 12]);
    assert.equal(none.reads, 0);
  });

  test('a store index answers text criteria without any message being read', async () => {
    const asked: string[] = [];
    const store = storeWith((c, uids) => {
      asked.push(`${c.key}:${c.value}:${uids.join(',')}`);
      return c.key === 'subject' ? new Set([9]) : undefined;
    });
    assert.deepEqual(await search('SUBJECT photos', store), [9]);
    assert.equal(store.reads, 0);
    assert.deepEqual(asked, ['subject:photos:3,7,9,12']);
    // A criterion the index does not cover falls back to reading.
    assert.deepEqual(await search('FROM carl', store), [9]);
    assert.equal(store.reads, 4);
  });

  test('malformed criteria are errors, not exceptions', () => {
    for (const bad of ['', 'FROM', 'BEFORE yesterday', 'LARGER x', 'UID x', 'OR SEEN', 'NONSENSE', '()', 'NOT']) {
      const parsed = parseCommand(Buffer.from(`t SEARCH ${bad}`.trimEnd()));
      const args = parsed.ok ? parsed.args : [];
      assert.equal(parseSearch(args).ok, false, bad);
    }
  });
});

describe('folder names', () => {
  test('modified UTF-7 both ways (RFC 3501 §5.1.3)', () => {
    assert.equal(encodeMailboxName('Entwürfe'), 'Entw&APw-rfe');
    assert.equal(encodeMailboxName('A & B'), 'A &- B');
    assert.equal(encodeMailboxName('日本語'), '&ZeVnLIqe-');
    for (const name of ['Entwürfe', 'A & B', '日本語', 'plain', 'x/ü/y', '😀']) assert.equal(decodeMailboxName(encodeMailboxName(name)), name);
    assert.equal(decodeMailboxName('&Jjo-!'), '☺!');
    assert.equal(decodeMailboxName('bad&'), undefined);
    assert.equal(decodeMailboxName('&,,,-'), undefined);
  });

  test('INBOX in any case is the inbox; LIST patterns', () => {
    assert.equal(storeName('inbox', 'Inbox'), 'Inbox');
    assert.equal(storeName('InBoX/Sub', 'Inbox'), 'Inbox/Sub');
    assert.equal(storeName('Inboxes', 'Inbox'), 'Inboxes');
    assert.equal(storeName('Work/', 'Inbox'), 'Work');
    assert.ok(patternMatcher('*')('a/b/c'));
    assert.ok(patternMatcher('%')('Sent'));
    assert.ok(!patternMatcher('%')('a/b'));
    assert.ok(patternMatcher('a/%')('a/b'));
    assert.ok(patternMatcher('inbox')('INBOX'));
    assert.ok(!patternMatcher('sent')('Sent'));
    assert.ok(patternMatcher('Work.(1)')('Work.(1)'));
    assert.ok(!patternMatcher('Work.(1)')('WorkX(1)'));
  });
});
