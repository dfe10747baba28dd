// Sharing's names, records and checks (docs/ARCHITECTURE.md, "Storage layouts", Drive). Pure.
//
//   #share#<token>       link        a link: owner, item, created, expiry, password hash (the authority:
//                                    a link works exactly while this cell is there and not expired)
//                        failures    wrong passwords given for the link (attempt-counter.ts)
//   <owner>#shares       link:<token>                   the owner's list: a link they made
//                        user:<recipient>:<itemId>      the owner's list: an item shared with a user
//   <user>#shared        <owner>:<itemId>               "Shared with me": the authority for a user share
//   #share-guess#<addr>  misses, passwords               unknown tokens and wrong passwords per client address
//
// A token is 32 characters of base64url from 24 random bytes (192 bits): found only by being
// given, never by guessing, and the look-ups that miss are counted per client address anyway.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { usernamePattern } from '../../../../cluster/model/accounts/username.ts';
import { isValidId } from './drive-names';

const tokenBytes = 24;
const tokenPattern = /^[A-Za-z0-9_-]{32}$/;

export function newShareToken(): string {
  return randomBytes(tokenBytes).toString('base64url');
}

export function isShareToken(value: string): boolean {
  return tokenPattern.test(value);
}

export const linkRow = (token: string) => `#share#${token}`;
export const linkColumn = 'link';
export const linkFailuresColumn = 'failures';
export const ownerSharesRow = (owner: string) => `${owner}#shares`;
export const sharedWithRow = (user: string) => `${user}#shared`;
export const guessRow = (address: string) => `#share-guess#${address}`;

/** The owner's column of a share, which is also its id in the owner's API. */
export const linkShareId = (token: string) => `link:${token}`;
export const userShareId = (recipient: string, itemId: string) => `user:${recipient}:${itemId}`;
/** The recipient's column of a share, which is its id in their "Shared with me". */
export const incomingShareId = (owner: string, itemId: string) => `${owner}:${itemId}`;

export type OwnedShareId = { kind: 'link'; token: string } | { kind: 'user'; recipient: string; itemId: string };

/** An owner's share id parsed, or undefined for one that names no share. */
export function parseOwnedShareId(id: string): OwnedShareId | undefined {
  const parts = id.split(':');
  if (parts.length === 2 && parts[0] === 'link' && isShareToken(parts[1]!)) return { kind: 'link', token: parts[1]! };
  if (parts.length === 3 && parts[0] === 'user' && usernamePattern.test(parts[1]!) && isValidId(parts[2]!)) {
    return { kind: 'user', recipient: parts[1]!, itemId: parts[2]! };
  }
  return undefined;
}

/** A recipient's share id parsed (`<owner>:<itemId>`), or undefined. */
export function parseIncomingShareId(id: string): { owner: string; itemId: string } | undefined {
  const parts = id.split(':');
  if (parts.length !== 2 || !usernamePattern.test(parts[0]!) || !isValidId(parts[1]!)) return undefined;
  return { owner: parts[0]!, itemId: parts[1]! };
}

const linkRecordSchema = z.object({
  owner: z.string(),
  item: z.string(),
  created: z.number(),
  /** Milliseconds since the epoch; null: never. */
  expires: z.number().nullable(),
  /** scrypt hash (cluster/model/accounts/password-hash.ts); null: no password. */
  password: z.string().nullable(),
});
export type LinkRecord = z.infer<typeof linkRecordSchema>;

const userShareRecordSchema = z.object({ owner: z.string(), recipient: z.string(), item: z.string(), created: z.number() });
export type UserShareRecord = z.infer<typeof userShareRecordSchema>;

/** The owner's list keeps the same records as the authorities (a link's without its hash). */
const ownedRecordSchema = z.union([
  z.object({ kind: z.literal('link'), token: z.string(), item: z.string(), created: z.number(), expires: z.number().nullable(), password: z.boolean() }),
  z.object({ kind: z.literal('user'), recipient: z.string(), item: z.string(), created: z.number() }),
]);
export type OwnedRecord = z.infer<typeof ownedRecordSchema>;

function decoder<T>(schema: z.ZodType<T>): (value: Buffer) => T {
  return (value) => schema.parse(JSON.parse(value.toString('utf8')));
}
export const decodeLink = decoder(linkRecordSchema);
export const decodeUserShare = decoder(userShareRecordSchema);
export const decodeOwned = decoder(ownedRecordSchema);
export const encodeRecord = (record: LinkRecord | UserShareRecord | OwnedRecord) => Buffer.from(JSON.stringify(record), 'utf8');

export function isExpired(expires: number | null, nowMs: number): boolean {
  return expires !== null && nowMs >= expires;
}

/**
 * The expiry a new link asks for, in ms, or a message saying what is wrong with it: in the
 * future, and at most `maxAheadMs` ahead.
 */
export function checkExpiry(iso: string | null | undefined, nowMs: number, maxAheadMs: number): number | null | string {
  if (iso === undefined || iso === null) return null;
  const at = Date.parse(iso);
  if (!Number.isFinite(at)) return 'The expiry is not a date and time (ISO 8601).';
  if (at <= nowMs) return 'The expiry must be in the future.';
  if (at - nowMs > maxAheadMs) return `A link expires at most ${Math.floor(maxAheadMs / 86_400_000)} days ahead.`;
  return at;
}

/** One step up the tree: an item's parent and the name that parent gives it. */
export interface Step {
  parent: string | null;
  name: string;
}

/** Reads one step up from `id` (the item's pointer, then its parent's entry); undefined: gone. */
export type StepReader = (id: string) => Promise<Step | undefined>;

export interface Crumb {
  id: string;
  name: string;
}

/** Deeper trees than this are not walked: a share deeper than it is refused, not looped on. */
export const walkStepsMax = 256;

/**
 * The path from the shared item `sharedId` down to `itemId`, both included, when `itemId` is
 * that item or inside it AND the shared item is still in the drive (its parents reach the top
 * folder `rootId`, not Trash nor a deleted folder); otherwise undefined. Walks up from the item
 * requested, every request: a share follows moves, and stops at once when the item leaves it.
 */
export async function pathWithin(sharedId: string, itemId: string, rootId: string, read: StepReader): Promise<Crumb[] | undefined> {
  const path: Crumb[] = [];
  const seen = new Set<string>();
  let inside = false;
  let current = itemId;
  for (let steps = 0; steps < walkStepsMax; steps++) {
    if (seen.has(current)) return undefined;
    seen.add(current);
    if (current === rootId) return inside ? path : undefined;
    const step = await read(current);
    if (!step || step.parent === null) return undefined;
    if (!inside) path.unshift({ id: current, name: step.name });
    if (current === sharedId) inside = true;
    current = step.parent;
  }
  return undefined;
}
