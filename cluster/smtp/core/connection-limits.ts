// Counts open connections per client address and in total, so one address cannot take every
// slot. Pure bookkeeping; the servers call tryOpen on connect and close when the socket ends.

export type OpenResult = 'ok' | 'server-full' | 'address-full';

export class ConnectionLimits {
  private readonly byAddress = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly totalMax: number,
    private readonly perAddressMax: number,
  ) {}

  tryOpen(address: string): OpenResult {
    if (this.total >= this.totalMax) return 'server-full';
    const count = this.byAddress.get(address) ?? 0;
    if (count >= this.perAddressMax) return 'address-full';
    this.byAddress.set(address, count + 1);
    this.total++;
    return 'ok';
  }

  close(address: string): void {
    const count = this.byAddress.get(address);
    if (count === undefined) return;
    if (count <= 1) this.byAddress.delete(address);
    else this.byAddress.set(address, count - 1);
    this.total--;
  }

  get open(): number {
    return this.total;
  }
}
