import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sortMessages } from './mail-sort.ts';

const m = (id: string, from: string, subject: string, date: string, to: string[] = []) => ({ id, from, to, cc: [], subject, date });

test('a folder sorts by the other party, subject or date, either way, ties newest first', () => {
  const messages = [m('a1', 'Bob <b@x>', 'lunch', '2026-01-02'), m('a2', 'alice <a@x>', 'Lunch', '2026-01-03'), m('a3', 'carol <c@x>', 'agenda', '2026-01-01')];
  const ids = (list: { id: string }[]) => list.map((x) => x.id);
  assert.deepEqual(ids(sortMessages('inbox', messages, 'who', 'asc')), ['a2', 'a1', 'a3'], 'names without regard to case');
  assert.deepEqual(ids(sortMessages('inbox', messages, 'subject', 'asc')), ['a3', 'a2', 'a1'], 'equal subjects: newest first');
  assert.deepEqual(ids(sortMessages('inbox', messages, 'subject', 'desc')), ['a2', 'a1', 'a3']);
  assert.deepEqual(ids(sortMessages('inbox', messages, 'date', 'desc')), ['a2', 'a1', 'a3']);
  const sent = [m('s1', 'me', 'x', '2026-01-01', ['zed@x']), m('s2', 'me', 'y', '2026-01-02', ['amy@x'])];
  assert.deepEqual(ids(sortMessages('sent', sent, 'who', 'asc')), ['s2', 's1'], 'in Sent, by recipient');
  assert.equal(messages[0]!.id, 'a1', 'the input is not reordered');
});

test('Drafts lists by recipient like Sent; Junk and the user\'s folders by sender', () => {
  const drafts = [m('d1', 'me', 'x', '2026-01-01', ['zed@x']), m('d2', 'me', 'y', '2026-01-02', ['amy@x'])];
  assert.deepEqual(sortMessages('drafts', drafts, 'who', 'asc').map((x) => x.id), ['d2', 'd1']);
  const mixed = [m('j1', 'zed <z@x>', 'x', '2026-01-01', ['amy@x']), m('j2', 'amy <a@x>', 'y', '2026-01-02', ['zed@x'])];
  assert.deepEqual(sortMessages('junk', mixed, 'who', 'asc').map((x) => x.id), ['j2', 'j1']);
  assert.deepEqual(sortMessages('f1a', mixed, 'who', 'desc').map((x) => x.id), ['j1', 'j2']);
});
