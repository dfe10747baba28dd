// The drive's folder layout written from its documented form (docs/ARCHITECTURE.md, "Storage
// layouts"), for benches and tests that build large folders straight in the store: a folder's
// head `folder:<id>` in `<user>#files` names its bucket count, and an entry lives in bucket
// `folder:<id>/<k>`, k the FNV-1a hash (32 bits, of the UTF-8 bytes) of its folded name (NFC,
// lower case) mod that count — in Trash (`folder:trash`), the hash of its id instead. Not the web's code: scripts and tests use the web only through
// its build and its API, so this is a second reading of the same description.
import { randomBytes } from 'node:crypto';
import type { ClusterClient } from '../../cluster/kvs/cluster-client.ts';

export interface StoredEntry {
  kind: 'file' | 'folder';
  name: string;
  created: number;
  modified: number;
  size?: number;
  type?: string;
  /** In Trash only: the folder it came from, that folder's path then, and when (ms). */
  trashed?: { from: string; fromPath: string; at: number };
}

export const filesRow = (user: string) => `${user}#files`;
export const folderColumn = (id: string) => `folder:${id}`;
export const bucketColumn = (id: string, k: number) => `folder:${id}/${k}`;
export const fileAtColumn = (id: string) => `at:${id}`;

export function newItemId(kind: StoredEntry['kind']): string {
  return (kind === 'folder' ? 'd' : 'f') + randomBytes(12).toString('base64url');
}

export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function bucketOfName(name: string, count: number): number {
  return fnv1a(name.normalize('NFC').toLowerCase()) % count;
}

/** A folder's bucket count, from its head. */
export async function bucketCount(cluster: ClusterClient, user: string, folderId: string): Promise<number> {
  const head = await cluster.get(filesRow(user), folderColumn(folderId));
  if (!head) throw new Error(`folder ${folderId} has no head`);
  return (JSON.parse(head.toString('utf8')) as { buckets: number }).buckets;
}

/** Writes `entries` into a folder's buckets (replacing what they held), `inFlight` writes at once; answers how many buckets. */
export async function writeBuckets(cluster: ClusterClient, user: string, folderId: string, entries: Record<string, StoredEntry>, inFlight = 16): Promise<number> {
  const count = await bucketCount(cluster, user, folderId);
  const buckets = new Map<number, Record<string, StoredEntry>>();
  for (const [id, entry] of Object.entries(entries)) {
    const k = folderId === 'trash' ? fnv1a(id) % count : bucketOfName(entry.name, count);
    if (!buckets.has(k)) buckets.set(k, {});
    buckets.get(k)![id] = entry;
  }
  const writes = [...buckets].map(([k, held]) => () => cluster.put(filesRow(user), bucketColumn(folderId, k), JSON.stringify({ entries: held })));
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < writes.length) await writes[next++]!();
    }),
  );
  return buckets.size;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** The order of a folder listing (docs/API.md): folders first, then by name as people sort, then by code points, then by id. */
export function listingOrder(a: { kind: string; name: string; id: string }, b: { kind: string; name: string; id: string }): number {
  if (a.kind !== b.kind) return a.kind === 'folder' ? -1 : 1;
  return collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
