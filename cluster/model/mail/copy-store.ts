// What the mailbox (mailbox-store.ts) and the mail daemon's outbound queue share: each stores
// copies of messages in chunks through the ClusterClient, every copy under a fresh random id
// and committed by its own CPut expect-absent, at most once per delivery key
// (delivery-marks-store.ts). The "stored" marks are written after a store returns, so a stop
// waits for them with idle().
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import { DeliveryMarks, type Copy, type MarkedCopy, type Once } from './delivery-marks-store.ts';

/** A copy to store: as delivery-marks-store.ts's Copy, but write answers what it stored. */
export interface CopyWrite<T> extends Omit<Copy, 'write'> {
  write(id: string): Promise<T>;
}

export abstract class CopyStore {
  private readonly marks: DeliveryMarks;

  constructor(
    protected readonly cluster: ClusterClient,
    protected readonly chunkBytes: number,
  ) {
    this.marks = new DeliveryMarks(cluster);
  }

  /** Resolves when the delivery marks still being written (after a store returned) have settled. */
  idle(): Promise<void> {
    return this.marks.idle();
  }

  /**
   * Writes the copy under a fresh id. With a delivery key, nothing is written when the key says
   * the copy was stored before (a sender's retry): `written` is then absent and `id` names the
   * earlier copy; otherwise `written` is what write answered. The owner names the marks row.
   */
  protected async storeOnce<T>(owner: string, deliveryKey: string | undefined, copy: CopyWrite<T>): Promise<{ id: string; written?: T }> {
    if (deliveryKey === undefined) {
      const id = copy.newId();
      return { id, written: await copy.write(id) };
    }
    let written: T | undefined;
    const { id } = await this.marks.once(owner, deliveryKey, {
      newId: () => copy.newId(),
      exists: (id) => copy.exists(id),
      write: async (id) => {
        written = await copy.write(id);
      },
    });
    return { id, written };
  }

  /**
   * As storeOnce with a key, for a copy whose id is made as it is stored, with its "stored" mark
   * in the same write (DeliveryMarks.onceMarked). Undefined when the copy's write stored nothing.
   */
  protected storeOnceMarked(owner: string, deliveryKey: string, copy: MarkedCopy): Promise<Once | undefined> {
    return this.marks.onceMarked(owner, deliveryKey, copy);
  }
}
