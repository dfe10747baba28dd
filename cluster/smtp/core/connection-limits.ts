// The mail servers' caps on open connections per client address and in total: the shared
// count (cluster/common/address-counts.ts), with its refusals named as the servers' replies
// and logs name them. The servers call tryOpen on connect and close when the socket ends.
import { AddressCounts } from '../../common/address-counts.ts';

export type OpenResult = 'ok' | 'server-full' | 'address-full';

export class ConnectionLimits {
  private readonly counts: AddressCounts;

  constructor(totalMax: number, perAddressMax: number) {
    this.counts = new AddressCounts(totalMax, perAddressMax);
  }

  tryOpen(address: string): OpenResult {
    const refused = this.counts.open(address);
    if (refused === undefined) return 'ok';
    return refused === 'total' ? 'server-full' : 'address-full';
  }

  /** Frees what tryOpen counted; an address with nothing open changes nothing. */
  close(address: string): void {
    this.counts.close(address);
  }

  get open(): number {
    return this.counts.total;
  }
}
