import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  backoffMs,
  exitCause,
  exited,
  newRecord,
  parseProcessTable,
  processTable,
  restarted,
  started,
  stopRequested,
  type ProcessRecord,
} from './supervision.ts';

const t0 = Date.parse('2026-11-25T10:00:00.000Z');
const killed = { code: null, signal: 'SIGKILL' };

/** A process started at t0 that then exits `times` times, each `upMs` after its (re)start. */
function crashLoop(times: number, upMs: number): { record: ProcessRecord; waits: number[] } {
  let record = started(newRecord('web1'), 100, t0);
  let now = t0;
  const waits: number[] = [];
  for (let i = 0; i < times; i++) {
    now += upMs;
    const decision = exited(record, { code: 1, signal: null }, now, false);
    assert.notEqual(decision.restartInMs, null);
    waits.push(decision.restartInMs!);
    now += decision.restartInMs!;
    record = restarted(decision.record, 101 + i, now);
  }
  return { record, waits };
}

test('a crash loop waits 0.5 s, then twice as long each time, never more than 30 s', () => {
  const { record, waits } = crashLoop(10, 50);
  assert.deepEqual(waits, [500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000]);
  assert.equal(record.restarts, 10);
  assert.equal(backoffMs(1000), 30_000);
});

test('a process that stayed up a minute restarts after 0.5 s again', () => {
  const { record } = crashLoop(5, 50);
  const upAMinute = Date.parse(record.startedAt!) + 60_000;
  assert.equal(exited(record, killed, upAMinute, false).restartInMs, 500);
  assert.equal(exited(record, killed, upAMinute - 1, false).restartInMs, 16_000);
});

test('an exit records its cause and time, drops the pid and waits in backoff', () => {
  const record = started(newRecord('g0r1'), 4242, t0);
  const { record: after } = exited(record, killed, t0 + 2000, false);
  assert.equal(after.state, 'backoff');
  assert.equal(after.pid, null);
  assert.equal(after.lastExitCause, 'signal SIGKILL');
  assert.equal(after.lastExitAt, '2026-11-25T10:00:02.000Z');
  assert.equal(after.restarts, 0, 'counted when it is started again, not before');
  const again = restarted(after, 4343, t0 + 2500);
  assert.deepEqual([again.state, again.pid, again.restarts, again.startedAt], ['running', 4343, 1, '2026-11-25T10:00:02.500Z']);
});

test('nothing restarts while stopping: neither a process asked to stop nor one that dies meanwhile', () => {
  const record = started(newRecord('lb'), 7, t0);
  const asked = exited(stopRequested(record), { code: 0, signal: null }, t0 + 10, false);
  assert.deepEqual([asked.record.state, asked.restartInMs], ['stopped', null]);
  const died = exited(record, killed, t0 + 10, true);
  assert.deepEqual([died.record.state, died.restartInMs, died.record.lastExitCause], ['stopped', null, 'signal SIGKILL']);
  // One waiting out its backoff is simply not started again.
  const waiting = exited(record, killed, t0 + 10, false).record;
  assert.equal(stopRequested(waiting).state, 'stopped');
});

test('exit causes read as an operator would say them', () => {
  assert.equal(exitCause(1, null), 'exit code 1');
  assert.equal(exitCause(0, null), 'exit code 0');
  assert.equal(exitCause(null, 'SIGSEGV'), 'signal SIGSEGV');
});

test('the process table survives its file, and a damaged file is refused saying why', () => {
  const records = [started(newRecord('c0'), 10, t0), exited(started(newRecord('mail'), 11, t0), killed, t0 + 5, false).record];
  const table = processTable({ pid: 9, startedAt: new Date(t0).toISOString() }, records, t0 + 6);
  const back = parseProcessTable(JSON.stringify(table));
  assert.deepEqual(back, table);
  assert.equal('exitsInRow' in back.processes[0]!, false);
  assert.throws(() => parseProcessTable('{"supervisor":{"pid":9}}'), /not a process table: supervisor\.startedAt/);
  assert.throws(() => parseProcessTable('{"supervisor":'), SyntaxError);
});
