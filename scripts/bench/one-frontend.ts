// What bench:web and bench:drive share: a real cluster (coordinator, 3 groups × 3 storage nodes,
// the load balancer) with one frontend, a signed-up user's cookie, and the frontend's resident
// memory. The start with a signed-up user serves the abuse benches' clusters too.
import http from 'node:http';
import { residentBytes } from '../lib/processes.ts';
import { startWebCluster, type WebCluster, type WebClusterOptions } from '../lib/web-cluster.ts';
import { ensureWebBuild } from '../../web/build.ts';

export interface OneFrontend {
  cloud: WebCluster;
  origin: string;
  /** The session cookie of `username`, signed up on start. */
  cookie: string;
  pid: number;
}

/**
 * Starts a web cluster with `options` and signs `username` up on its first frontend; the cluster
 * is closed again when that fails.
 */
export async function startSignedUp(options: WebClusterOptions, username: string, password: string): Promise<OneFrontend> {
  await ensureWebBuild();
  const cloud = await startWebCluster(options);
  try {
    const origin = cloud.frontendUrl(1);
    const signup = await fetch(`${origin}/api/auth/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: origin },
      body: JSON.stringify({ username, password }),
    });
    if (signup.status !== 201) throw new Error(`sign-up failed: ${signup.status} ${await signup.text()}`);
    const cookie = signup.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    return { cloud, origin, cookie, pid: cloud.services.get('web1')!.child.pid! };
  } catch (err) {
    await cloud.close();
    throw err;
  }
}

/**
 * Runs a benchmark against one frontend, with an agent of `sockets` keep-alive sockets; closes
 * the cluster after, and exits 1 on an error.
 */
export function benchOneFrontend(username: string, sockets: number, run: (f: OneFrontend & { agent: http.Agent }) => Promise<void>): void {
  const bench = async () => {
    const f = await startSignedUp({ groups: 3, replicas: 3, frontends: 1 }, username, 'bench password');
    const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
    try {
      await run({ ...f, agent });
    } finally {
      agent.destroy();
      await f.cloud.close();
    }
  };
  bench().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}

/** A process's resident memory in MiB. */
export function rssMiB(pid: number): number {
  return residentBytes(pid) / (1024 * 1024);
}
