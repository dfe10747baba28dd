// Shares in the store (rows: drive-share-rules.ts): made, listed and revoked by their owner,
// found by a link's token or in a recipient's "Shared with me".
//
// Each share has one authority cell — a link's `#share#<token>`/`link`, a user share's
// `<recipient>#shared`/`<owner>:<item>` — and a column in the owner's list. A share is made
// list first, authority second, and revoked authority first, list second: a frontend dying in
// between leaves at worst a listed share that gives nothing (revoking it again tidies it), never
// one that works and that its owner cannot see. Revoking deletes the authority, and every
// request reads it: the share ends at once on every frontend.
import { accountExists } from '../../../../cluster/model/accounts/accounts.ts';
import { usernamePattern } from '../../../../cluster/model/accounts/username.ts';
import type { ServerContext } from '../context';
import { HttpError } from '../errors';
import type { IncomingShare, LinkInfo, OwnedShare } from './drive-share-api';
import { sharedItem } from './drive-share-access';
import {
  checkExpiry,
  decodeLink,
  decodeOwned,
  decodeUserShare,
  encodeRecord,
  incomingShareId,
  isExpired,
  isShareToken,
  linkColumn,
  linkFailuresColumn,
  linkRow,
  linkShareId,
  newShareToken,
  ownerSharesRow,
  parseIncomingShareId,
  parseOwnedShareId,
  sharedWithRow,
  userShareId,
  type LinkRecord,
  type OwnedRecord,
} from './drive-share-rules';
import { driveContext, type DriveContext } from './drive-context';
import { itemGone } from './drive-model';
import { kindOfId, rootId } from './drive-names';

export interface NewLink {
  item: string;
  expiresAt?: string | null;
  password?: string | null;
}

async function requireLiveItem(d: DriveContext, itemId: string) {
  if (itemId === rootId) throw new HttpError(400, 'invalid_argument', 'Share a file or a folder inside My Drive, not all of it.');
  if (!kindOfId(itemId)) throw itemGone();
  const item = await sharedItem(d, itemId);
  if (!item) throw itemGone();
  return item;
}

async function reserveRoom(d: DriveContext): Promise<void> {
  const max = d.config.web.sharesPerUserMax;
  const page = await d.cluster.listColumnsPage(ownerSharesRow(d.user), { limit: max });
  if (page.columns.length >= max) throw new HttpError(409, 'failed_precondition', `You have ${max} shares, the most one account may have; revoke some first.`);
}

export async function createLink(ctx: ServerContext, d: DriveContext, input: NewLink): Promise<OwnedShare> {
  const item = await requireLiveItem(d, input.item);
  const now = Date.now();
  const expires = checkExpiry(input.expiresAt, now, d.config.web.shareExpiryMaxMs);
  if (typeof expires === 'string') throw new HttpError(400, 'invalid_argument', expires);
  await reserveRoom(d);
  const password = input.password ? await ctx.hasher.hash(input.password) : null;
  const token = newShareToken();
  const record: LinkRecord = { owner: d.user, item: item.id, created: now, expires, password };
  const owned: OwnedRecord = { kind: 'link', token, item: item.id, created: now, expires, password: password !== null };
  await d.cluster.put(ownerSharesRow(d.user), linkShareId(token), encodeRecord(owned));
  // Expect-absent: 192 random bits do not collide, but a link must never take over another's.
  if (!(await d.cluster.cput(linkRow(token), linkColumn, null, encodeRecord(record)))) {
    throw new HttpError(409, 'aborted', 'Could not make the link; try again.');
  }
  return ownedView(linkShareId(token), owned, item, now);
}

export async function shareWithUser(d: DriveContext, itemId: string, rawRecipient: string): Promise<OwnedShare> {
  const recipient = rawRecipient.trim().toLowerCase();
  if (recipient === d.user) throw new HttpError(400, 'invalid_argument', 'That is you: share with someone else.');
  if (!usernamePattern.test(recipient) || !(await accountExists(d.cluster, recipient))) {
    throw new HttpError(404, 'not_found', `There is no user named "${recipient}".`);
  }
  const item = await requireLiveItem(d, itemId);
  const id = userShareId(recipient, item.id);
  // Sharing again with the same user is the same share (made anew), not one more.
  if (!(await d.cluster.get(ownerSharesRow(d.user), id))) await reserveRoom(d);
  const now = Date.now();
  const owned: OwnedRecord = { kind: 'user', recipient, item: item.id, created: now };
  await d.cluster.put(ownerSharesRow(d.user), id, encodeRecord(owned));
  await d.cluster.put(sharedWithRow(recipient), incomingShareId(d.user, item.id), encodeRecord({ owner: d.user, recipient, item: item.id, created: now }));
  return ownedView(id, owned, item, now);
}

function ownedView(id: string, record: OwnedRecord, item: OwnedShare['item'], nowMs: number): OwnedShare {
  const share: OwnedShare = { id, kind: record.kind, itemId: record.item, item, created: new Date(record.created).toISOString() };
  if (record.kind === 'link') {
    share.link = {
      token: record.token,
      path: `/s/${record.token}`,
      expires: record.expires === null ? null : new Date(record.expires).toISOString(),
      expired: isExpired(record.expires, nowMs),
      password: record.password,
    };
  } else {
    share.recipient = record.recipient;
  }
  return share;
}

/** The owner's shares, newest first; of one item only when `itemId` is given. */
export async function listOwnedShares(d: DriveContext, itemId?: string): Promise<OwnedShare[]> {
  const row = ownerSharesRow(d.user);
  const columns = await d.cluster.listColumns(row);
  const now = Date.now();
  const records = await Promise.all(
    columns.map(async ({ name }) => {
      const value = await d.cluster.get(row, name);
      return value ? { id: name, record: decodeOwned(value) } : undefined;
    }),
  );
  const mine = records.filter((r) => r !== undefined && (itemId === undefined || r.record.item === itemId)) as { id: string; record: OwnedRecord }[];
  // Each item once, however many shares it has.
  const items = new Map<string, Promise<OwnedShare['item']>>();
  for (const { record } of mine) if (!items.has(record.item)) items.set(record.item, sharedItem(d, record.item).then((i) => i ?? null));
  const shares = await Promise.all(mine.map(async ({ id, record }) => ownedView(id, record, await items.get(record.item)!, now)));
  return shares.sort((a, b) => b.created.localeCompare(a.created));
}

/** Revokes one of the owner's shares: it stops working before this answers. */
export async function revokeShare(d: DriveContext, id: string): Promise<void> {
  const parsed = parseOwnedShareId(id);
  const row = ownerSharesRow(d.user);
  if (!parsed || !(await d.cluster.get(row, id))) throw new HttpError(404, 'not_found', 'You have no such share (it may have been revoked already).');
  if (parsed.kind === 'link') {
    await d.cluster.delete(linkRow(parsed.token), linkColumn);
    await d.cluster.delete(linkRow(parsed.token), linkFailuresColumn);
  } else {
    await d.cluster.delete(sharedWithRow(parsed.recipient), incomingShareId(d.user, parsed.itemId));
  }
  await d.cluster.delete(row, id);
}

export type FoundLink = { found: true; record: LinkRecord } | { found: false; expired: boolean };

/** The link a token names (malformed: none); expired links are found as expired. */
export async function findLink(ctx: ServerContext, token: string): Promise<FoundLink> {
  if (!isShareToken(token)) return { found: false, expired: false };
  const value = await ctx.cluster.get(linkRow(token), linkColumn);
  if (!value) return { found: false, expired: false };
  const record = decodeLink(value);
  if (isExpired(record.expires, Date.now())) return { found: false, expired: true };
  return { found: true, record };
}

export async function linkInfo(ctx: ServerContext, record: LinkRecord): Promise<LinkInfo> {
  const item = await sharedItem(driveContext(ctx, record.owner), record.item);
  if (!item) throw itemGone();
  return { owner: record.owner, item, expires: record.expires === null ? null : new Date(record.expires).toISOString() };
}

/** The owner's drive and the shared item of a share with `user`, or 404. */
export async function findIncoming(ctx: ServerContext, user: string, shareId: string): Promise<{ d: DriveContext; sharedId: string }> {
  const parsed = parseIncomingShareId(shareId);
  if (!parsed || !(await ctx.cluster.get(sharedWithRow(user), shareId))) {
    throw new HttpError(404, 'not_found', 'Nothing is shared with you under that name (it may have been revoked).');
  }
  return { d: driveContext(ctx, parsed.owner), sharedId: parsed.itemId };
}

/**
 * What others share with `user` and is still in their drives, newest first: at most
 * web.sharesPerUserMax of them (the first by owner's name), each a few reads.
 */
export async function listIncoming(ctx: ServerContext, user: string): Promise<IncomingShare[]> {
  const row = sharedWithRow(user);
  const { columns } = await ctx.cluster.listColumnsPage(row, { limit: ctx.config.web.sharesPerUserMax });
  const shares = await Promise.all(
    columns.map(async ({ name }) => {
      const value = await ctx.cluster.get(row, name);
      if (!value) return undefined;
      const record = decodeUserShare(value);
      const item = await sharedItem(driveContext(ctx, record.owner), record.item);
      return item ? { id: name, owner: record.owner, item, created: new Date(record.created).toISOString() } : undefined;
    }),
  );
  return (shares.filter(Boolean) as IncomingShare[]).sort((a, b) => b.created.localeCompare(a.created));
}
