// What a frontend remembers of each user's account row for the session check: the store's
// session version, the admin flag and the node that served them. Every authenticated request
// needs them; reading them from the store each time (a linearizable read through the group's
// primary) was most of what GET /api/me cost.
//
// The bound (docs/API.md, "How long an ended session lasts"): a remembered answer serves only requests that arrive
// within `maxAgeMs` of the moment its store read *began*. A logout or password change
// acknowledged at time T raises the version in the store; a read that begins after T sees it, so
// every request arriving after T + maxAgeMs, on any frontend, is checked against the new version.
// A grant or revoke of admin rights counts within the same bound.
//
// Versions only rise, which makes the cache safe in the other direction: a cookie sealed at a
// version newer than the remembered one (a login elsewhere after our read) is never refused on
// the strength of the old answer — it is read again. Requests that miss at the same moment share
// one read, so 64 concurrent requests of one user cost one store read per maxAgeMs, not 64.
// A failed read is not remembered. Pure apart from the injected clock, so it is tested alone.

/**
 * How long a frontend trusts a check it read from the store: a logout or password change on
 * another frontend ends the session here within this bound (docs/API.md, "How long an ended session lasts").
 */
export const sessionCheckMaxAgeMs = 1000;

export interface AccountCheck<Node> {
  /** The store's session version of the user. */
  version: number;
  admin: boolean;
  /** The node that served the read (the session's node for the user's rows). */
  node: Node;
}

interface Entry<Node> {
  startedMs: number;
  check: Promise<AccountCheck<Node>>;
}

export interface SessionCheckOptions {
  maxAgeMs: number;
  /** Users remembered at most; the least recently read is forgotten first. */
  entriesMax: number;
  nowMs?: () => number;
}

export class SessionCheckCache<Node> {
  private readonly entries = new Map<string, Entry<Node>>();
  private readonly nowMs: () => number;

  constructor(private readonly options: SessionCheckOptions) {
    this.nowMs = options.nowMs ?? Date.now;
  }

  /**
   * The account check of `username` for a session sealed at `sessionVersion`: a remembered one
   * that is young enough and not older than the session, else a new `read()` (shared with the
   * requests that arrive while it runs).
   */
  async check(username: string, sessionVersion: number, read: () => Promise<AccountCheck<Node>>): Promise<AccountCheck<Node>> {
    const entry = this.entries.get(username);
    if (entry && this.nowMs() - entry.startedMs < this.options.maxAgeMs) {
      const remembered = await entry.check;
      if (remembered.version >= sessionVersion) return remembered;
      // The cookie is newer than our answer: it was sealed after our read began. Read again,
      // unless another request already did.
      const latest = this.entries.get(username);
      if (latest !== entry && latest && this.nowMs() - latest.startedMs < this.options.maxAgeMs) return this.check(username, sessionVersion, read);
    }
    return this.start(username, read);
  }

  /** Remembers what a login just read (read begun at `startedMs`). */
  remember(username: string, check: AccountCheck<Node>, startedMs: number): void {
    this.set(username, { startedMs, check: Promise.resolve(check) });
  }

  /** Forgets a user, after this frontend changed their session version. */
  forget(username: string): void {
    this.entries.delete(username);
  }

  get size(): number {
    return this.entries.size;
  }

  private start(username: string, read: () => Promise<AccountCheck<Node>>): Promise<AccountCheck<Node>> {
    const entry: Entry<Node> = { startedMs: this.nowMs(), check: read() };
    this.set(username, entry);
    entry.check.catch(() => {
      if (this.entries.get(username) === entry) this.entries.delete(username);
    });
    return entry.check;
  }

  private set(username: string, entry: Entry<Node>): void {
    this.entries.delete(username);
    this.entries.set(username, entry);
    if (this.entries.size > this.options.entriesMax) this.entries.delete(this.entries.keys().next().value as string);
  }
}
