// Delivery marks: how one copy of a message is stored at most once although the sender sends
// it again. A 451 after a partial failure (one recipient's storage group down, another's
// fine) makes the sender retry the whole transaction; without marks, every copy that was
// already stored would be stored again. Pure: names, keys and codecs; delivery-marks-store.ts
// does the reads and writes.
//
//   <owner>#mail-marks     one column per copy recently stored or being stored,
//                          `<day>/<key>` → {"id", "stored", "atMs"}: the copy's id (a mailbox
//                          message or a queued job; empty in the claim of a copy whose id is
//                          made as it is stored), whether it is committed, when it was claimed.
//
// The key is a digest of what makes the copy: which copy (inbox of a user, Sent, the outbound
// queue, a bounce), the envelope sender and the message bytes exactly as the client sent them.
// Only messages with a Message-ID header are keyed (RFC 5322 §3.6.4: it names one message): a
// client sending the same bare text twice on purpose gets two copies, as before. The day in the
// column name bounds the marks: lookups read today's and yesterday's columns, and older ones are
// pruned — a sender's retry after more than a day gets at-least-once delivery, as mail always had.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { decodeJson, encodeJson } from '../../common/json-value.ts';
import { hasHeader } from './message-text.ts';

export const dayMs = 86_400_000;
/** Days a mark is looked up: today's and yesterday's columns. */
export const markDaysKept = 2;
/**
 * A claim younger than this may belong to an attempt still running (storing a copy takes a few
 * store operations, each bounded by the client's deadline): it is not taken over, and the
 * sender is told to try again later.
 */
export const claimStaleMs = 30_000;

export function marksRow(owner: string): string {
  return `${owner}#mail-marks`;
}

export function dayOf(ms: number): number {
  return Math.floor(ms / dayMs);
}

export function markColumn(day: number, key: string): string {
  return `${day}/${key}`;
}

/** The columns a key may be found in at nowMs, newest first. */
export function markColumns(key: string, nowMs: number): string[] {
  const today = dayOf(nowMs);
  return Array.from({ length: markDaysKept }, (_, i) => markColumn(today - i, key));
}

/** A mark column too old to be looked up any more (or not a mark at all). */
export function isStaleMarkColumn(name: string, nowMs: number): boolean {
  const day = Number(name.slice(0, name.indexOf('/')));
  return !Number.isInteger(day) || day <= dayOf(nowMs) - markDaysKept;
}

// An empty id: a claim whose copy gets its id only as it is stored (a mailbox copy, whose id
// comes with its UID), and whose "stored" mark, naming it, is written in the same CPutAll.
const markSchema = z.object({ id: z.string(), stored: z.boolean(), atMs: z.number() });
export type Mark = z.infer<typeof markSchema>;

export function encodeMark(mark: Mark): Buffer {
  return encodeJson(mark);
}

export function decodeMark(value: Buffer): Mark | undefined {
  return decodeJson(markSchema, value);
}

export interface CopyOf {
  /** Which copy: e.g. "inbox:alice", "sent:alice", "queue:bob@example.org,carol@example.org". */
  copy: string;
  /** Envelope sender. */
  from: string;
  /** The message as the client sent it (before our trace headers). */
  raw: Buffer;
}

/** The copy's key, or undefined when the message has no Message-ID (then it is not deduplicated). */
export function deliveryKey(of: CopyOf): string | undefined {
  if (!hasHeader(of.raw, 'message-id')) return undefined;
  return keyOf([of.copy, of.from], of.raw);
}

/** A key for copies we make ourselves (bounces): named by parts that recur only on a retry. */
export function ownKey(parts: string[]): string {
  return keyOf(parts, Buffer.alloc(0));
}

function keyOf(parts: string[], raw: Buffer): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(`${part.length}:${part}\n`);
  hash.update(raw);
  // 128 bits: a collision would need 2^64 copies.
  return hash.digest('hex').slice(0, 32);
}
