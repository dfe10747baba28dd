// The life of one simulated process, shared by storage nodes and coordinator members: down,
// then starting (opening its files), then up. Every start and every crash begins a new
// incarnation, so work a dead process left in flight can tell it no longer belongs to anyone.
export abstract class SimProcess {
  status: 'down' | 'starting' | 'up' = 'down';
  incarnation = 0;

  /** The current incarnation when serving, else null (the network refuses calls to it). */
  get liveIncarnation(): number | null {
    return this.status === 'up' ? this.incarnation : null;
  }

  /** Marks the process starting and returns its new incarnation; null when it is not down. */
  protected beginStart(): number | null {
    if (this.status !== 'down') return null;
    this.status = 'starting';
    return ++this.incarnation;
  }

  /** Ends the current incarnation; false when the process was already down. */
  protected endIncarnation(): boolean {
    if (this.status === 'down') return false;
    this.incarnation++;
    this.status = 'down';
    return true;
  }
}
