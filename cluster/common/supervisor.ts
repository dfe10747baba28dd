// The process side of `npm start`'s supervision (the policy is supervision.ts): starts each
// process through a launcher (launch.ts's runs the sources under tsx; compiled, `npm start`
// passes scripts/build.ts's, which runs build/server/), starts one again after the policy's
// backoff when it exits without being asked to, says so on the console with the exit cause and
// the log file, and stops everything on request without restarting anything meanwhile.
//
// Every change is written to <dataDir>/run/processes.json through a temp file and a rename, so
// the admin console never reads half a table. The supervisor holds <dataDir>/run/LOCK
// (dir-lock.ts, which also makes the directory): a second `npm start` on the same data would
// otherwise restart its children forever against the first one's locks and ports.
import type { ChildProcess } from 'node:child_process';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { lockDir } from './dir-lock.ts';
import { launch, type Launched } from './launch.ts';
import {
  defaultPolicy,
  exited,
  newRecord,
  processTable,
  processTablePath,
  restarted,
  started,
  stopRequested,
  type ProcessRecord,
  type SupervisionPolicy,
} from './supervision.ts';

export interface SupervisorOptions {
  dataDir: string;
  logDir: string;
  /** A word on this process's command line, for the lock (e.g. "start-cluster"). */
  owner: string;
  say?: (line: string) => void;
  policy?: SupervisionPolicy;
  /** Starts a script (its source path) with its output appended to a log; default launch.ts's. */
  launch?: (script: string, args: string[], logPath: string) => Launched;
}

export interface Supervisor {
  /** Starts `script` under the name `name` (also its log's name); ignored once stopping. */
  start(name: string, script: string, args: string[]): void;
  /** Processes running now. */
  runningCount(): number;
  /** SIGTERM to every process (SIGKILL after 10 s), waits for all, removes the table. */
  stopAll(): Promise<void>;
}

interface Managed {
  script: string;
  args: string[];
  record: ProcessRecord;
  child: ChildProcess | null;
  exit: Promise<void>;
  logClosed: Promise<void>;
  restartTimer: NodeJS.Timeout | null;
}

const stopGraceMs = 10_000;

/** Throws when another supervisor runs on the same data dir. */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  const say = options.say ?? ((line: string) => console.log(line));
  const policy = options.policy ?? defaultPolicy;
  const start = options.launch ?? launch;
  const tablePath = processTablePath(options.dataDir);
  const lock = lockDir(path.dirname(tablePath), options.owner);
  const self = { pid: process.pid, startedAt: new Date().toISOString() };
  const managed = new Map<string, Managed>();
  let stopping = false;
  let tableFailed = false;

  const logOf = (name: string) => path.join(options.logDir, `${name}.log`);

  function writeTable(): void {
    const tmp = `${tablePath}.tmp`;
    try {
      const table = processTable(self, [...managed.values()].map((m) => m.record), Date.now());
      writeFileSync(tmp, `${JSON.stringify(table, null, 2)}\n`);
      renameSync(tmp, tablePath);
      tableFailed = false;
    } catch (err) {
      // The table is for the console; a full disk must not stop the supervision itself.
      if (!tableFailed) say(`cannot write ${tablePath}: ${(err as Error).message}`);
      tableFailed = true;
    }
  }

  function spawnProcess(m: Managed, again: boolean): void {
    const name = m.record.name;
    const { child, logClosed } = start(m.script, m.args, logOf(name));
    m.child = child;
    m.logClosed = logClosed;
    m.exit = new Promise((resolve) => {
      let ended = false;
      const end = (code: number | null, signal: string | null) => {
        if (ended) return;
        ended = true;
        onEnd(m, code, signal);
        resolve();
      };
      child.once('exit', end);
      // A spawn that fails (no pid) emits only 'error'; an error after the start comes with 'exit'.
      child.once('error', () => {
        if (child.pid === undefined) end(null, null);
      });
    });
    if (child.pid !== undefined) {
      m.record = again ? restarted(m.record, child.pid, Date.now()) : started(m.record, child.pid, Date.now());
      if (again) say(`${name} is running again (pid ${child.pid}, restart ${m.record.restarts})`);
    }
    writeTable();
  }

  function onEnd(m: Managed, code: number | null, signal: string | null): void {
    m.child = null;
    const { record, restartInMs } = exited(m.record, { code, signal }, Date.now(), stopping, policy);
    m.record = record;
    if (restartInMs !== null) {
      say(`${record.name} exited (${record.lastExitCause}); restarting in ${restartInMs / 1000} s; log: ${logOf(record.name)}`);
      m.restartTimer = setTimeout(() => {
        m.restartTimer = null;
        if (!stopping) spawnProcess(m, true);
      }, restartInMs);
    }
    writeTable();
  }

  return {
    start(name, script, args) {
      if (stopping) return;
      if (managed.has(name)) throw new Error(`${name} is already supervised`);
      const m: Managed = { script, args, record: newRecord(name), child: null, exit: Promise.resolve(), logClosed: Promise.resolve(), restartTimer: null };
      managed.set(name, m);
      spawnProcess(m, false);
    },
    runningCount: () => [...managed.values()].filter((m) => m.child).length,
    async stopAll() {
      stopping = true;
      for (const m of managed.values()) {
        if (m.restartTimer) clearTimeout(m.restartTimer);
        m.restartTimer = null;
        m.record = stopRequested(m.record);
      }
      writeTable();
      await Promise.all(
        [...managed.values()].map(async (m) => {
          const child = m.child;
          if (child) {
            const timer = setTimeout(() => child.kill('SIGKILL'), stopGraceMs);
            child.kill('SIGTERM');
            await m.exit;
            clearTimeout(timer);
          }
          // Its last lines are in the log before `npm start` exits.
          await m.logClosed;
        }),
      );
      // The table describes a running supervisor: none runs any more.
      rmSync(tablePath, { force: true });
      lock.release();
    },
  };
}
