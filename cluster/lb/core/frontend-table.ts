// Which frontends the load balancer sends browsers to: the pure part, with time passed in.
// A frontend is alive while its last heartbeat is at most timeoutMs old and it has not said it
// is leaving; pick() goes round-robin over the alive ones in frontend order, so a dead frontend
// is skipped as soon as its heartbeat is timeoutMs old, and comes back with its next heartbeat.

export interface Heartbeat {
  frontend: number;
  /** host:port the frontend serves on. */
  address: string;
  /** Host name for redirects; '' means "the name the browser used". */
  publicHost: string;
  startedAtMs: number;
  rssBytes: number;
  leaving: boolean;
}

export interface FrontendState {
  frontend: number;
  address: string;
  publicHost: string;
  lastHeartbeatAtMs: number;
  startedAtMs: number;
  rssBytes: number;
  leaving: boolean;
  redirects: number;
}

export interface FrontendView extends FrontendState {
  alive: boolean;
}

export class FrontendTable {
  private readonly frontends: FrontendState[];
  /** Index into frontends of the last pick. */
  private cursor = -1;

  /** defaults: the address each configured frontend has until it reports one, by number 1…n. */
  constructor(
    defaults: readonly string[],
    private readonly timeoutMs: number,
  ) {
    this.frontends = defaults.map((address, i) => ({
      frontend: i + 1,
      address,
      publicHost: '',
      lastHeartbeatAtMs: 0,
      startedAtMs: 0,
      rssBytes: 0,
      leaving: false,
      redirects: 0,
    }));
  }

  get size(): number {
    return this.frontends.length;
  }

  /** Records a heartbeat; false for a frontend number outside 1…size. */
  heartbeat(beat: Heartbeat, nowMs: number): boolean {
    const state = this.frontends[beat.frontend - 1];
    if (!state) return false;
    state.address = beat.address;
    state.publicHost = beat.publicHost;
    state.startedAtMs = beat.startedAtMs;
    state.rssBytes = beat.rssBytes;
    state.leaving = beat.leaving;
    state.lastHeartbeatAtMs = nowMs;
    return true;
  }

  isAlive(state: FrontendState, nowMs: number): boolean {
    return state.lastHeartbeatAtMs > 0 && !state.leaving && nowMs - state.lastHeartbeatAtMs <= this.timeoutMs;
  }

  /** The next alive frontend after the last one picked, or undefined when none is alive. */
  pick(nowMs: number): FrontendState | undefined {
    const n = this.frontends.length;
    for (let step = 1; step <= n; step++) {
      const index = (this.cursor + step) % n;
      const state = this.frontends[index]!;
      if (this.isAlive(state, nowMs)) {
        this.cursor = index;
        state.redirects++;
        return state;
      }
    }
    return undefined;
  }

  view(nowMs: number): FrontendView[] {
    return this.frontends.map((s) => ({ ...s, alive: this.isAlive(s, nowMs) }));
  }
}
