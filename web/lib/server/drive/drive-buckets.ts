// A folder's entries spread over bucket cells (`folder:<id>/<k>`, drive-names.ts), pure. An entry
// lives in the bucket a hash of its folded name picks, so every entry that could hold a name is
// in one cell: the uniqueness check and the add are one CPut of that bucket, as they were one
// CPut of the whole folder, however many frontends add at once. Trash, where names may repeat,
// picks by a hash of the id instead, so a hundred "untitled.txt" do not fill one bucket. The
// count is fixed when the folder is made (or converted) and kept in its head: a setting changed
// later would move every name to another bucket.
//
// A rename that changes bucket adds the entry to the new bucket, then removes it from the old,
// so a frontend dying in between leaves the item in both (one id, two names), never in none.
// Merging the buckets lists such an id once, the copy changed last (a rename sets `modified`),
// and names the other as stale, for drive-folders.ts to drop.
import type { Entry, FolderHead } from './drive-model';
import { foldName } from './drive-search-index';

export interface Bucket {
  entries: Record<string, Entry>;
}

export function decodeBucket(value: Buffer): Bucket {
  const bucket = JSON.parse(value.toString('utf8')) as Bucket;
  if (typeof bucket !== 'object' || bucket === null || typeof bucket.entries !== 'object' || bucket.entries === null) throw new Error('a folder bucket is malformed');
  return bucket;
}

export function encodeBucket(bucket: Bucket): Buffer {
  return Buffer.from(JSON.stringify(bucket), 'utf8');
}

/** How many buckets a new folder gets: a power of two with room for entriesMax and a quarter more, none over bucketEntriesMax. */
export function bucketCountFor(settings: { folderEntriesMax: number; folderBucketEntriesMax: number }): number {
  const needed = Math.ceil((settings.folderEntriesMax * 1.25) / settings.folderBucketEntriesMax);
  let count = 1;
  while (count < needed) count *= 2;
  return count;
}

/** 32-bit FNV-1a of the text's UTF-8 bytes: the same on every frontend and every version of Node. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function bucketOfName(name: string, count: number): number {
  return hashText(foldName(name)) % count;
}

/** The bucket an entry of this folder lives in. The head must have its bucket count. */
export function bucketFor(head: FolderHead, id: string, name: string): number {
  const count = head.buckets ?? 1;
  return head.trash ? hashText(id) % count : bucketOfName(name, count);
}

/** The bucket a column of this folder's prefix names (drive-names.ts, bucketColumn), or undefined. */
export function bucketOfColumn(prefix: string, column: string): number | undefined {
  const k = Number(column.slice(prefix.length));
  return column.startsWith(prefix) && Number.isSafeInteger(k) && k >= 0 ? k : undefined;
}

/** A head's entries grouped by the bucket each lives in (a conversion writes these). */
export function splitIntoBuckets(head: FolderHead, entries: Record<string, Entry>): Map<number, Record<string, Entry>> {
  const buckets = new Map<number, Record<string, Entry>>();
  for (const [id, entry] of Object.entries(entries)) {
    const k = bucketFor(head, id, entry.name);
    let bucket = buckets.get(k);
    if (!bucket) buckets.set(k, (bucket = {}));
    bucket[id] = entry;
  }
  return buckets;
}

export interface StaleCopy {
  bucket: number;
  id: string;
  entry: Entry;
}

export interface Merged {
  /** Each id once, with its entry, in no order (a list: 100,000 keys into one object cost more than reading them). */
  pairs: [string, Entry][];
  /** Copies of an id that another bucket holds newer: left by a rename cut short. */
  stale: StaleCopy[];
}

/** All the entries of a folder's buckets, each id once: the copy modified last (ties: the higher bucket). */
export function mergeBuckets(buckets: Iterable<{ bucket: number; entries: Record<string, Entry> }>): Merged {
  const pairs: [string, Entry][] = [];
  const bucketOf: number[] = [];
  const at = new Map<string, number>();
  const stale: StaleCopy[] = [];
  for (const { bucket, entries: held } of buckets) {
    for (const id of Object.keys(held)) {
      const entry = held[id]!;
      const i = at.get(id);
      if (i === undefined) {
        at.set(id, pairs.length);
        pairs.push([id, entry]);
        bucketOf.push(bucket);
        continue;
      }
      const other = pairs[i]![1];
      const otherBucket = bucketOf[i]!;
      const newer = entry.modified > other.modified || (entry.modified === other.modified && bucket > otherBucket);
      if (newer) {
        stale.push({ bucket: otherBucket, id, entry: other });
        pairs[i] = [id, entry];
        bucketOf[i] = bucket;
      } else {
        stale.push({ bucket, id, entry });
      }
    }
  }
  return { pairs, stale };
}
