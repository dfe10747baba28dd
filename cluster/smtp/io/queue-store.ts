// The outbound queue's jobs in the store (layout: core/delivery-queue.ts). A job is stored
// before the SMTP 250 or the Mail.Send reply, so it survives a crash or restart of the daemon.
// Message chunks are written first and the job column last, as in the mailbox.
import type { ClusterClient } from '../../kvs/cluster-client.ts';
import { PennError } from '../../common/errors.ts';
import { decodeJob, encodeJob, queueMessageRow, queueRow, type QueueJob } from '../core/delivery-queue.ts';
import { splitChunks } from '../core/mailbox.ts';
import { deleteChunks, mapLimit, readChunks, writeChunks } from './chunks.ts';

export class QueueStore {
  constructor(
    private readonly cluster: ClusterClient,
    private readonly chunkBytes: number,
  ) {}

  /** Stores a new job and its message; returns the job with its chunk count. */
  async add(job: Omit<QueueJob, 'chunks' | 'size'>, message: Buffer): Promise<QueueJob> {
    const chunks = splitChunks(message, this.chunkBytes);
    const full: QueueJob = { ...job, size: message.length, chunks: chunks.length };
    await writeChunks(this.cluster, queueMessageRow(job.id), chunks);
    const value = encodeJob(full);
    if (!(await this.cluster.cput(queueRow, job.id, null, value))) {
      const stored = await this.cluster.get(queueRow, job.id);
      if (!stored?.equals(value)) throw new PennError('aborted', `queue id ${job.id} collided`);
    }
    return full;
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
