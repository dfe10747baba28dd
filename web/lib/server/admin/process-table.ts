// The console's Processes table: what `npm start`'s supervisor last wrote to
// <dataDir>/run/processes.json (cluster/common/supervisor.ts). No file means the processes were
// started some other way (`npm run web`, the tests), which the console says instead of failing;
// a table whose supervisor is gone (killed) is shown, marked as no longer kept.
//
// processesView is a pure function of the file's text, tested without files.
import { readFile } from 'node:fs/promises';
import { parseProcessTable, processTablePath } from '../../../../cluster/common/supervision.ts';
import type { ProcessesView } from '../../queries/admin';

const sinceMs = (iso: string | null, nowMs: number) => (iso ? Math.max(0, nowMs - Date.parse(iso)) : null);

/** text: the file's content, or null when there is no file. */
export function processesView(path: string, text: string | null, nowMs: number, isRunning: (pid: number) => boolean): ProcessesView {
  if (text === null) return { source: 'absent', path };
  let table;
  try {
    table = parseProcessTable(text);
  } catch (err) {
    return { source: 'unreadable', path, error: (err as Error).message };
  }
  return {
    source: 'supervisor',
    path,
    supervisorPid: table.supervisor.pid,
    supervisorRunning: isRunning(table.supervisor.pid),
    updatedAgoMs: sinceMs(table.updatedAt, nowMs) ?? 0,
    processes: table.processes.map((p) => ({
      name: p.name,
      pid: p.pid,
      state: p.state,
      restarts: p.restarts,
      upForMs: p.state === 'running' ? sinceMs(p.startedAt, nowMs) : null,
      lastExitCause: p.lastExitCause,
      lastExitAgoMs: sinceMs(p.lastExitAt, nowMs),
    })),
  };
}

/** npm start runs every process on one machine, so the supervisor's pid is checked here. */
function pidRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readProcesses(dataDir: string, now: Date): Promise<ProcessesView> {
  const path = processTablePath(dataDir);
  let text: string | null;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return { source: 'unreadable', path, error: (err as Error).message };
    text = null;
  }
  return processesView(path, text, now.getTime(), pidRunning);
}
