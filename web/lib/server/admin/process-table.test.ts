import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exited, newRecord, processTable, restarted, started } from '../../../../cluster/common/supervision.ts';
import { processesView } from './process-table.ts';

const file = '/srv/penncloud/data/run/processes.json';
const t0 = Date.parse('2026-11-25T10:00:00.000Z');

/** What the supervisor writes after web1 was killed -9 at t0 + 60 s and started again 0.5 s later. */
function tableText(): string {
  const killed = exited(started(newRecord('web1'), 300, t0), { code: null, signal: 'SIGKILL' }, t0 + 60_000, false).record;
  const records = [started(newRecord('c0'), 100, t0), restarted(killed, 301, t0 + 60_500)];
  return JSON.stringify(processTable({ pid: 42, startedAt: new Date(t0).toISOString() }, records, t0 + 60_500));
}

test("each process with its restarts and last exit, timed from now; the supervisor's liveness asked of the machine", () => {
  const view = processesView(file, tableText(), t0 + 120_000, (pid) => pid === 42);
  assert.equal(view.source, 'supervisor');
  if (view.source !== 'supervisor') return;
  assert.deepEqual([view.supervisorPid, view.supervisorRunning, view.updatedAgoMs], [42, true, 59_500]);
  assert.deepEqual(view.processes, [
    { name: 'c0', pid: 100, state: 'running', restarts: 0, upForMs: 120_000, lastExitCause: null, lastExitAgoMs: null },
    { name: 'web1', pid: 301, state: 'running', restarts: 1, upForMs: 59_500, lastExitCause: 'signal SIGKILL', lastExitAgoMs: 60_000 },
  ]);
});

test('a table whose supervisor is gone is still shown, marked so', () => {
  const view = processesView(file, tableText(), t0 + 120_000, () => false);
  assert.equal(view.source === 'supervisor' && view.supervisorRunning, false);
});

test('no file: not started by npm start; a damaged file: says what is wrong, never throws', () => {
  assert.deepEqual(processesView(file, null, t0, () => true), { source: 'absent', path: file });
  const torn = processesView(file, tableText().slice(0, 40), t0, () => true);
  assert.equal(torn.source, 'unreadable');
  const foreign = processesView(file, '{"processes": 3}', t0, () => true);
  assert.equal(foreign.source, 'unreadable');
  assert.match(foreign.source === 'unreadable' ? foreign.error : '', /not a process table/);
});
