// How `npm start` supervises its processes, as plain data: a process that exits without being
// asked to is started again after a backoff that doubles from 0.5 s up to 30 s, and falls back
// to 0.5 s once the process has stayed up a minute (a crash loop waits longer and longer; a
// process that crashes once a day restarts at once). No timers, files or clocks here: the
// supervisor (supervisor.ts) passes the time in and carries out what these functions decide.
//
// The supervisor's view of every process is also the file `<dataDir>/run/processes.json`,
// which the admin console reads; its shape is ProcessTable below.
import path from 'node:path';
import { z } from 'zod';

export interface SupervisionPolicy {
  backoffFirstMs: number;
  backoffMaxMs: number;
  /** Up this long, a process's next exit counts as the first of a new series. */
  resetAfterUpMs: number;
}

export const defaultPolicy: SupervisionPolicy = { backoffFirstMs: 500, backoffMaxMs: 30_000, resetAfterUpMs: 60_000 };

/** running; waiting to be started again (backoff); asked to stop; stopped for good. */
export type ProcessState = 'running' | 'backoff' | 'stopping' | 'stopped';

export interface ProcessRecord {
  name: string;
  pid: number | null;
  state: ProcessState;
  /** Restarts after exits nobody asked for. */
  restarts: number;
  /** ISO times. */
  startedAt: string | null;
  lastExitCause: string | null;
  lastExitAt: string | null;
  /** Exits in the current series (see resetAfterUpMs): how far the backoff has doubled. */
  exitsInRow: number;
}

/** The wait before restarting after the n-th exit of a series (n ≥ 1). */
export function backoffMs(exitsInRow: number, policy: SupervisionPolicy = defaultPolicy): number {
  const doublings = Math.max(0, exitsInRow - 1);
  // 2^doublings overflows to Infinity long after the cap; min() keeps it finite.
  return Math.min(policy.backoffMaxMs, policy.backoffFirstMs * 2 ** Math.min(doublings, 30));
}

/** "exit code 1" or "signal SIGKILL", as Node reports a child's end. */
export function exitCause(code: number | null, signal: string | null): string {
  return signal ? `signal ${signal}` : `exit code ${code ?? 'unknown'}`;
}

export function newRecord(name: string): ProcessRecord {
  return { name, pid: null, state: 'stopped', restarts: 0, startedAt: null, lastExitCause: null, lastExitAt: null, exitsInRow: 0 };
}

export function started(record: ProcessRecord, pid: number, nowMs: number): ProcessRecord {
  return { ...record, pid, state: 'running', startedAt: new Date(nowMs).toISOString() };
}

export function stopRequested(record: ProcessRecord): ProcessRecord {
  return { ...record, state: record.state === 'running' ? 'stopping' : 'stopped' };
}

export interface ExitDecision {
  record: ProcessRecord;
  /** Start it again after this long; null: leave it stopped (it was asked to stop). */
  restartInMs: number | null;
}

/** A process ended. `stopping`: the supervisor is stopping everything, so nothing restarts. */
export function exited(
  record: ProcessRecord,
  exit: { code: number | null; signal: string | null },
  nowMs: number,
  stopping: boolean,
  policy: SupervisionPolicy = defaultPolicy,
): ExitDecision {
  const ended = { ...record, pid: null, lastExitCause: exitCause(exit.code, exit.signal), lastExitAt: new Date(nowMs).toISOString() };
  if (stopping || record.state === 'stopping') return { record: { ...ended, state: 'stopped' }, restartInMs: null };
  const upMs = record.startedAt ? nowMs - Date.parse(record.startedAt) : 0;
  const exitsInRow = upMs >= policy.resetAfterUpMs ? 1 : record.exitsInRow + 1;
  return { record: { ...ended, state: 'backoff', exitsInRow }, restartInMs: backoffMs(exitsInRow, policy) };
}

/** A restart after a backoff: counted, then started like the first time. */
export function restarted(record: ProcessRecord, pid: number, nowMs: number): ProcessRecord {
  return started({ ...record, restarts: record.restarts + 1 }, pid, nowMs);
}

// ---- The file the admin console reads ----

const processSchema = z.object({
  name: z.string(),
  pid: z.number().int().nullable(),
  state: z.enum(['running', 'backoff', 'stopping', 'stopped']),
  restarts: z.number().int().min(0),
  startedAt: z.string().nullable(),
  lastExitCause: z.string().nullable(),
  lastExitAt: z.string().nullable(),
});

const tableSchema = z.object({
  supervisor: z.object({ pid: z.number().int(), startedAt: z.string() }),
  updatedAt: z.string(),
  processes: z.array(processSchema),
});

export type ProcessTable = z.infer<typeof tableSchema>;
export type ProcessEntry = z.infer<typeof processSchema>;

export function processTablePath(dataDir: string): string {
  return path.join(dataDir, 'run', 'processes.json');
}

export function processTable(supervisor: ProcessTable['supervisor'], records: ProcessRecord[], nowMs: number): ProcessTable {
  // exitsInRow is the supervisor's own bookkeeping, not something an operator reads.
  const processes = records.map(({ exitsInRow: _exitsInRow, ...entry }) => entry);
  return { supervisor, updatedAt: new Date(nowMs).toISOString(), processes };
}

/** The file's text as a table; throws saying what is wrong with it. */
export function parseProcessTable(text: string): ProcessTable {
  const result = tableSchema.safeParse(JSON.parse(text));
  if (!result.success) throw new Error(`not a process table: ${result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return result.data;
}
