// What bench:web and bench:drive share: a real cluster (coordinator, 3 groups × 3 storage nodes,
// the load balancer) with one frontend, a signed-up user's cookie, and the frontend's resident
// memory read from /proc.
import { readFileSync } from 'node:fs';
import { startWebCluster, type WebCluster } from '../../tests/lib/web-cluster.ts';
import { ensureWebBuild } from '../../web/build.ts';

export interface OneFrontend {
  cloud: WebCluster;
  origin: string;
  /** The session cookie of `username`, signed up on start. */
  cookie: string;
  pid: number;
}

export async function startOneFrontend(username: string): Promise<OneFrontend> {
  await ensureWebBuild();
  const cloud = await startWebCluster({ groups: 3, replicas: 3, frontends: 1 });
  try {
    const origin = cloud.frontendUrl(1);
    const signup = await fetch(`${origin}/api/auth/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: origin },
      body: JSON.stringify({ username, password: 'bench password' }),
    });
    if (signup.status !== 201) throw new Error(`sign-up failed: ${signup.status} ${await signup.text()}`);
    const cookie = signup.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    return { cloud, origin, cookie, pid: cloud.services.get('web1')!.child.pid! };
  } catch (err) {
    await cloud.close();
    throw err;
  }
}

export function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN) / 1024;
}
