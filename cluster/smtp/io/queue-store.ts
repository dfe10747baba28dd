// The outbound queue's jobs in the store (layout: core/delivery-queue.ts). A job is stored
// before the SMTP 250 or the Mail.Send reply, so it survives a crash or restart of the daemon.
// Message chunks are written first and the job column last, as in the mailbox.
import { PennError } from '../../common/errors.ts';
import { decodeJob, encodeJob, queueMessageRow, queueRow, type QueueJob } from '../core/delivery-queue.ts';
import { splitChunks } from '../../model/mail/mailbox.ts';
import { deleteChunks, mapLimit, readChunks, writeChunks } from '../../model/mail/chunks.ts';
import { CopyStore } from '../../model/mail/copy-store.ts';

/** The marks row of the queue (cluster/model/mail/delivery-marks.ts): "_" keeps it apart from every user's rows. */
const queueMarksOwner = '_mailqueue';

export class QueueStore extends CopyStore {
  /**
   * Stores a new job (its id from newId) and its message; returns the job with its chunk count,
   * or null when a job under this delivery key was stored before (a sender's retry).
   */
  async add(newId: () => string, job: Omit<QueueJob, 'id' | 'chunks' | 'size'>, message: Buffer, deliveryKey?: string): Promise<QueueJob | null> {
    const chunks = splitChunks(message, this.chunkBytes);
    const full = (id: string): QueueJob => ({ ...job, id, size: message.length, chunks: chunks.length });
    const { written } = await this.storeOnce(queueMarksOwner, deliveryKey, {
      newId,
      exists: async (id) => (await this.cluster.get(queueRow, id)) !== undefined,
      write: (id) => this.write(full(id), chunks),
    });
    return written ?? null;
  }

  private async write(job: QueueJob, chunks: Buffer[]): Promise<QueueJob> {
    await writeChunks(this.cluster, queueMessageRow(job.id), chunks);
    // The commit point: the id holds 64 random bits and the ClusterClient reads a CPut back
    // after an unknown outcome, so "not applied" means another job took the id.
    if (!(await this.cluster.cput(queueRow, job.id, null, encodeJob(job)))) throw new PennError('aborted', `queue id ${job.id} collided`);
    return job;
  }

  async update(job: QueueJob): Promise<void> {
    await this.cluster.put(queueRow, job.id, encodeJob(job));
  }

  async remove(job: QueueJob): Promise<void> {
    await this.cluster.delete(queueRow, job.id);
    await deleteChunks(this.cluster, queueMessageRow(job.id), job.chunks);
  }

  message(job: QueueJob): Promise<Buffer | undefined> {
    return readChunks(this.cluster, queueMessageRow(job.id), job.chunks);
  }

  /** Every stored job (at start-up); unreadable ones are reported, not dropped. */
  async loadAll(): Promise<{ jobs: QueueJob[]; unreadable: string[] }> {
    const columns = await this.cluster.listColumns(queueRow);
    const values = await mapLimit(columns, 32, async (c) => ({ id: c.name, value: await this.cluster.get(queueRow, c.name) }));
    const jobs: QueueJob[] = [];
    const unreadable: string[] = [];
    for (const { id, value } of values) {
      if (!value) continue;
      const job = decodeJob(value);
      if (job) jobs.push(job);
      else unreadable.push(id);
    }
    return { jobs, unreadable };
  }
}
