// `npm run admin` as an operator runs it, against a test cluster: its entry point
// (scripts/admin.ts) with the cluster's config in the environment, and what it printed.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './processes.ts';
import type { WebCluster } from './web-cluster.ts';

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run admin -- <args>` against `cloud`, with `input` on its stdin. */
export function runAdminCommand(cloud: WebCluster, args: string[], input = ''): Promise<CommandResult> {
  return runAdminCommandIn(cloud.cluster.env.env, args, input);
}

/** The same with the environment (the config) of any test cluster, e.g. one `npm start` runs. */
export function runAdminCommandIn(env: NodeJS.ProcessEnv, args: string[], input = ''): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts/admin.ts'), ...args], {
      cwd: repoRoot,
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    child.stdin.end(input);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}
