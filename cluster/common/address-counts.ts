// How many things (connections, sessions, requests in flight) are open per client address and
// in all, with a cap on each, so that one address cannot take every slot. Pure bookkeeping: a
// server opens on connect and closes when the socket ends; the caps are tested alone.

/** Open things per client address, and in all. */
export class AddressCounts {
  private readonly byAddress = new Map<string, number>();
  private all = 0;

  constructor(
    private readonly totalMax: number,
    private readonly perAddressMax: number,
  ) {}

  /**
   * Counts one more for `address` (undefined: counted in the total only) unless a cap is reached;
   * the cap that refused it, or undefined when it was counted.
   */
  open(address: string | undefined): 'total' | 'address' | undefined {
    if (this.all >= this.totalMax) return 'total';
    const mine = address === undefined ? 0 : (this.byAddress.get(address) ?? 0);
    if (address !== undefined && mine >= this.perAddressMax) return 'address';
    this.all++;
    if (address !== undefined) this.byAddress.set(address, mine + 1);
    return undefined;
  }

  /** Gives back what `open` counted; an address with nothing open (never counted) changes nothing. */
  close(address: string | undefined): void {
    if (address !== undefined) {
      const mine = this.byAddress.get(address);
      if (mine === undefined) return;
      if (mine > 1) this.byAddress.set(address, mine - 1);
      else this.byAddress.delete(address);
    }
    this.all--;
  }

  get total(): number {
    return this.all;
  }

  of(address: string): number {
    return this.byAddress.get(address) ?? 0;
  }
}
