// The mailbox in the store (layout: mailbox.ts), for the mail daemon and the webmail:
// deliver a raw message into a folder, list a folder (whole or by pages), read one, mark it
// read or unread, delete it. Every call goes through the ClusterClient, which retries through
// failovers. A message is durable once store() returns: its index column (holding a small
// message itself: one replicated write), after the chunks of a larger one, is acknowledged by
// every in-sync replica. With a delivery key, a copy the sender sends again (after a 451) is
// stored once (delivery-marks.ts).
import { PennError } from '../../common/errors.ts';
import {
  decodeIndexValue,
  decodeSummary,
  encodeIndexValue,
  folderIds,
  indexColumn,
  indexRow,
  messageRow,
  pageOfIds,
  splitChunks,
  storedInline,
  type Folder,
  type MessageSummary,
  type PageRequest,
} from './mailbox.ts';
import { toCrlf } from './message-text.ts';
import { newMessageId } from './message-id.ts';
import { parseMessage, summarize, type ParsedFields } from './message-summary.ts';
import { deleteChunks, mapLimit, readChunks, writeChunks } from './chunks.ts';
import { CopyStore } from './copy-store.ts';
import { randomHex } from './random-hex.ts';

/** Index reads in flight while listing a folder. */
const summaryReadsInFlightMax = 32;

export interface StoreOptions {
  unread: boolean;
  /** Arrival time; now when absent. */
  receivedAt?: Date;
  /** Parsed fields when the caller already has them (one parse for many copies). */
  parsed?: ParsedFields;
  /**
   * The copy's delivery key (delivery-marks.ts): a copy already stored under this key is
   * not stored again, and its summary (with the stored id) is returned.
   */
  deliveryKey?: string;
}

export interface MessagePage {
  /** Newest first. */
  messages: MessageSummary[];
  /** Pass as `before` for the next page; null on the last. */
  next: string | null;
  total: number;
}

export class MailboxStore extends CopyStore {
  /** A new id: arrival time plus 64 random bits. */
  static newId(now = Date.now()): string {
    return newMessageId(now, randomHex(8));
  }

  /** Stores a raw message (line ends made CRLF) in the user's folder and returns its summary. */
  async store(user: string, folder: Folder, raw: Buffer, options: StoreOptions): Promise<MessageSummary> {
    const receivedAt = options.receivedAt ?? new Date();
    const message = toCrlf(raw);
    const parsed = options.parsed ?? (await parseMessage(message, receivedAt));
    // A small message is one write (its index value holds it); a larger one is chunked.
    const chunks = storedInline(message.length, this.chunkBytes) ? [] : splitChunks(message, this.chunkBytes);
    const summaryOf = (id: string) => summarize(parsed, { id, folder, size: message.length, chunks: chunks.length, receivedAt, unread: options.unread });
    const { id, written } = await this.storeOnce(user, options.deliveryKey, {
      newId: () => MailboxStore.newId(receivedAt.getTime()),
      exists: async (id) => (await this.cluster.get(indexRow(user), indexColumn(folder, id))) !== undefined,
      write: (id) => this.write(user, folder, message, chunks, summaryOf(id)),
    });
    // A retry of a delivery that happened: the copy stored then (deleted since, perhaps).
    return written ?? (await this.summary(user, folder, id)) ?? summaryOf(id);
  }

  private async write(user: string, folder: Folder, message: Buffer, chunks: Buffer[], summary: MessageSummary): Promise<MessageSummary> {
    const id = summary.id;
    if (chunks.length) await writeChunks(this.cluster, messageRow(user, id), chunks);
    const value = encodeIndexValue(summary, chunks.length ? undefined : message);
    // The commit point. The id holds 64 random bits, so the value is ours alone, and the
    // ClusterClient reads a CPut back after an attempt with an unknown outcome: "not applied"
    // here really means another message took the id.
    if (!(await this.cluster.cput(indexRow(user), indexColumn(folder, id), null, value))) {
      throw new PennError('aborted', `message id ${id} collided in ${user}'s ${folder}`);
    }
    return summary;
  }

  /** A folder's ids, oldest first (column names only: one call). */
  async ids(user: string, folder: Folder): Promise<string[]> {
    const columns = await this.cluster.listColumns(indexRow(user));
    return folderIds(
      columns.map((c) => c.name),
      folder,
    );
  }

  /** Every message of a folder (or only the newest `newestMax`), oldest first. Entries deleted meanwhile are left out. */
  async list(user: string, folder: Folder, newestMax = Infinity): Promise<MessageSummary[]> {
    const ids = await this.ids(user, folder);
    return this.summaries(user, folder, ids.length > newestMax ? ids.slice(ids.length - newestMax) : ids);
  }

  /** One page, newest first (mailbox.ts pageOfIds). */
  async page(user: string, folder: Folder, request: PageRequest): Promise<MessagePage> {
    const page = pageOfIds(await this.ids(user, folder), request);
    const messages = await this.summaries(user, folder, page.ids);
    return { messages, next: page.next, total: page.total };
  }

  async summary(user: string, folder: Folder, id: string): Promise<MessageSummary | undefined> {
    const value = await this.cluster.get(indexRow(user), indexColumn(folder, id));
    return value ? decodeSummary(value) : undefined;
  }

  /** The raw message (CRLF line ends), or undefined when it does not exist (any more). */
  async read(user: string, folder: Folder, id: string): Promise<{ summary: MessageSummary; raw: Buffer } | undefined> {
    const value = await this.cluster.get(indexRow(user), indexColumn(folder, id));
    const entry = value && decodeIndexValue(value);
    if (!entry) return undefined;
    const raw = entry.inlineRaw ?? (await readChunks(this.cluster, messageRow(user, id), entry.summary.chunks));
    return raw ? { summary: entry.summary, raw } : undefined;
  }

  /** The raw message of a summary already in hand (POP3 holds its maildrop's summaries); undefined when it is gone. */
  async readRaw(user: string, summary: Pick<MessageSummary, 'id' | 'folder' | 'chunks'>): Promise<Buffer | undefined> {
    if (summary.chunks > 0) return readChunks(this.cluster, messageRow(user, summary.id), summary.chunks);
    const value = await this.cluster.get(indexRow(user), indexColumn(summary.folder, summary.id));
    return value ? decodeIndexValue(value)?.inlineRaw : undefined;
  }

  /** Sets the unread flag; false when the message does not exist. CPut, so a concurrent change is never overwritten with stale fields. */
  async setUnread(user: string, folder: Folder, id: string, unread: boolean): Promise<boolean> {
    const row = indexRow(user);
    const column = indexColumn(folder, id);
    for (let attempt = 0; attempt < 10; attempt++) {
      const value = await this.cluster.get(row, column);
      const entry = value && decodeIndexValue(value);
      if (!value || !entry) return false;
      if (entry.summary.unread === unread) return true;
      // An inline message keeps its bytes: only the summary in front of them changes.
      if (await this.cluster.cput(row, column, value, encodeIndexValue({ ...entry.summary, unread }, entry.inlineRaw))) return true;
    }
    throw new PennError('aborted', 'The message changed too often at once; try again.');
  }

  /** Deletes a message: index column first (it disappears at once), then its chunks. False when it was not there. */
  async remove(user: string, folder: Folder, id: string): Promise<boolean> {
    const row = indexRow(user);
    const column = indexColumn(folder, id);
    const value = await this.cluster.get(row, column);
    if (!value) return false;
    const summary = decodeSummary(value);
    await this.cluster.delete(row, column);
    if (summary && summary.chunks > 0) await deleteChunks(this.cluster, messageRow(user, id), summary.chunks);
    return true;
  }

  private async summaries(user: string, folder: Folder, ids: readonly string[]): Promise<MessageSummary[]> {
    const found = await mapLimit(ids, summaryReadsInFlightMax, (id) => this.summary(user, folder, id));
    return found.filter((s): s is MessageSummary => s !== undefined);
  }
}
