// The commands of the selected state (RFC 3501 §6.4): CHECK, CLOSE, UNSELECT (RFC 3691),
// EXPUNGE, SEARCH, FETCH, STORE, COPY, MOVE (RFC 6851) and their UID forms (with RFC 4315's
// UID EXPUNGE and COPYUID). Non-UID FETCH, STORE and SEARCH must not report expunges (their
// sequence numbers would shift under the client, §7.4.1); the others may, and do.
import { bad, no, ok, type CommandContext, type Tagged } from './context.ts';
import { encode, raw } from './encode.ts';
import { fetchValues, needsContent, parseFetchItems, setsSeen, type FetchItem } from './fetch.ts';
import { storableFlags } from './folder-commands.ts';
import { decodeMailboxName, storeName } from './names.ts';
import { astring, parseSequenceSet, type Token } from './parser.ts';
import type { FlagMode, MessageMeta, UidMapping } from './ports.ts';
import { parseSearch, runSearch, type Candidate } from './search.ts';
import type { FolderView } from './view.ts';

/** Messages read from the store at once while answering a FETCH. */
const fetchBatch = 8;

export async function runMessageCommand(ctx: CommandContext, name: string, args: Token[]): Promise<Tagged | null> {
  const view = ctx.view as FolderView;
  let byUid = false;
  if (name === 'UID') {
    const sub = args[0];
    if (!sub || sub.kind !== 'atom') return bad('Usage: UID FETCH|SEARCH|STORE|COPY|MOVE|EXPUNGE ...');
    name = sub.value.toUpperCase();
    args = args.slice(1);
    byUid = true;
    if (!['FETCH', 'SEARCH', 'STORE', 'COPY', 'MOVE', 'EXPUNGE'].includes(name)) return bad(`Unknown UID command ${name.slice(0, 20)}`);
  }
  let result: Tagged;
  switch (name) {
    case 'CHECK':
      if (args.length) return bad(`${name} takes no arguments`);
      result = ok(`${name} completed`);
      break;
    case 'CLOSE':
    case 'UNSELECT':
      if (args.length) return bad(`${name} takes no arguments`);
      // RFC 3501 §6.4.2: CLOSE removes \Deleted messages silently; UNSELECT does not.
      if (name === 'CLOSE' && !view.readOnly) {
        const deleted = (await ctx.store.messages(view.folder)).filter((m) => m.flags.includes('\\Deleted')).map((m) => m.uid);
        if (deleted.length) await ctx.store.expunge(view.folder, deleted);
      }
      ctx.view = null;
      return ok(`${name} completed`);
    case 'EXPUNGE':
      result = await expunge(ctx, view, args, byUid);
      break;
    case 'SEARCH':
      result = await search(ctx, view, args, byUid);
      break;
    case 'FETCH':
      result = await fetch(ctx, view, args, byUid);
      break;
    case 'STORE':
      result = await store(ctx, view, args, byUid);
      break;
    case 'COPY':
    case 'MOVE':
      result = await copy(ctx, view, args, byUid, name === 'MOVE');
      break;
    default:
      return null;
  }
  if (result.status !== 'BAD' && ctx.view) await ctx.sync(byUid || !['FETCH', 'STORE', 'SEARCH'].includes(name));
  return result;
}

function sequence(view: FolderView, token: Token | undefined, byUid: boolean): number[] | undefined {
  if (!token || token.kind !== 'atom') return undefined;
  const set = parseSequenceSet(token.value);
  return set ? view.resolve(set, byUid) : undefined;
}

async function expunge(ctx: CommandContext, view: FolderView, args: Token[], byUid: boolean): Promise<Tagged> {
  if (byUid ? args.length !== 1 : args.length !== 0) return bad(byUid ? 'Usage: UID EXPUNGE uids' : 'EXPUNGE takes no arguments');
  if (view.readOnly) return no('The folder is open read-only', 'READ-ONLY');
  let limit: Set<number> | null = null;
  if (byUid) {
    const seqs = sequence(view, args[0], true);
    if (!seqs) return bad('Invalid UID set');
    limit = new Set(seqs.map((s) => view.uidAt(s) as number));
  }
  const deleted = (await ctx.store.messages(view.folder)).filter((m) => m.flags.includes('\\Deleted') && (!limit || limit.has(m.uid))).map((m) => m.uid);
  if (deleted.length) await ctx.store.expunge(view.folder, deleted);
  return ok(`${byUid ? 'UID EXPUNGE' : 'EXPUNGE'} completed`);
}

async function search(ctx: CommandContext, view: FolderView, args: Token[], byUid: boolean): Promise<Tagged> {
  let rest = args;
  const first = rest[0];
  if (first?.kind === 'atom' && first.value.toUpperCase() === 'CHARSET') {
    const charset = astring(rest[1])?.toUpperCase();
    if (charset !== 'UTF-8' && charset !== 'US-ASCII') return no('Only UTF-8 and US-ASCII are supported', 'BADCHARSET (UTF-8 US-ASCII)');
    rest = rest.slice(2);
  }
  const parsed = parseSearch(rest);
  if (!parsed.ok) return bad(parsed.message);
  // Flags set elsewhere (the webmail, another client) since the last command count: they are
  // told first, as untagged FETCH and EXISTS, which §7.4.1 allows during SEARCH (not EXPUNGE).
  await ctx.sync(false);
  const candidates: Candidate[] = [];
  for (let seq = 1; seq <= view.exists; seq++) {
    const uid = view.uidAt(seq) as number;
    if (view.isGone(uid)) continue;
    candidates.push({ seq, meta: view.metaOf(uid) as MessageMeta });
  }
  const found = await runSearch(ctx.store, view.folder, parsed.node, candidates);
  const numbers = found.map((c) => (byUid ? c.meta.uid : c.seq));
  // One response however many match; written in pieces so no string grows without bound.
  await ctx.sendRaw(Buffer.from('* SEARCH'));
  for (let i = 0; i < numbers.length; i += 1000) await ctx.sendRaw(Buffer.from(' ' + numbers.slice(i, i + 1000).join(' ')));
  await ctx.sendRaw(Buffer.from('\r\n'));
  return ok(`${byUid ? 'UID SEARCH' : 'SEARCH'} completed`);
}

async function fetch(ctx: CommandContext, view: FolderView, args: Token[], byUid: boolean): Promise<Tagged> {
  if (args.length !== 2) return bad('Usage: FETCH set items');
  const seqs = sequence(view, args[0], byUid);
  if (!seqs) return bad('Invalid sequence set');
  const parsed = parseFetchItems(args[1]);
  if (!parsed.ok) return bad(parsed.message);
  let items: FetchItem[] = parsed.items;
  const content = needsContent(items);
  const markSeen = setsSeen(items) && !view.readOnly;
  if (markSeen && !items.some((i) => i.kind === 'FLAGS')) items = [...items, { kind: 'FLAGS' }];
  let missing = 0;
  for (let i = 0; i < seqs.length; i += fetchBatch) {
    const batch = seqs.slice(i, i + fetchBatch).filter((seq) => {
      const gone = view.isGone(view.uidAt(seq) as number);
      if (gone) missing++;
      return !gone;
    });
    const uids = batch.map((seq) => view.uidAt(seq) as number);
    const raws = content ? await Promise.all(uids.map((uid) => ctx.store.read(view.folder, uid))) : [];
    if (markSeen) {
      const unseen = uids.filter((uid, k) => (!content || raws[k]) && !(view.metaOf(uid) as MessageMeta).flags.includes('\\Seen'));
      if (unseen.length) {
        await ctx.store.setFlags(view.folder, unseen, 'add', ['\\Seen']);
        for (const uid of unseen) view.setFlags(uid, [...(view.metaOf(uid) as MessageMeta).flags, '\\Seen']);
      }
    }
    for (let k = 0; k < batch.length; k++) {
      const uid = uids[k] as number;
      const body = content ? raws[k] : undefined;
      if (content && !body) {
        missing++;
        continue;
      }
      const values = fetchValues(items, view.metaOf(uid) as MessageMeta, body, byUid);
      await ctx.sendRaw(encode([raw('*'), batch[k] as number, raw('FETCH'), values]));
    }
  }
  // RFC 5530 EXPUNGEISSUED: some asked-for messages were removed by another client meanwhile.
  if (missing) return no('Some of the requested messages no longer exist', 'EXPUNGEISSUED');
  return ok(`${byUid ? 'UID FETCH' : 'FETCH'} completed`);
}

async function store(ctx: CommandContext, view: FolderView, args: Token[], byUid: boolean): Promise<Tagged> {
  if (args.length !== 3) return bad('Usage: STORE set (+|-)FLAGS[.SILENT] (flags)');
  const seqs = sequence(view, args[0], byUid);
  if (!seqs) return bad('Invalid sequence set');
  const action = args[1]?.kind === 'atom' ? args[1].value.toUpperCase() : '';
  const m = /^([+-]?)FLAGS(\.SILENT)?$/.exec(action);
  if (!m) return bad('Expected FLAGS, +FLAGS or -FLAGS');
  const flagsToken = args[2] as Token;
  const flags = storableFlags(flagsToken.kind === 'list' ? flagsToken.items : [flagsToken]);
  if (!flags) return bad('Invalid flag');
  if (view.readOnly) return no('The folder is open read-only', 'READ-ONLY');
  const mode: FlagMode = m[1] === '+' ? 'add' : m[1] === '-' ? 'remove' : 'replace';
  const uids = seqs.map((s) => view.uidAt(s) as number).filter((uid) => !view.isGone(uid));
  if (uids.length) await ctx.store.setFlags(view.folder, uids, mode, flags);
  const now = new Map((await ctx.store.messages(view.folder)).map((x) => [x.uid, x]));
  const silent = m[2] !== undefined;
  for (const uid of uids) {
    const after = now.get(uid);
    if (!after) continue;
    view.setFlags(uid, after.flags);
    if (!silent) await ctx.send([raw('*'), view.seqOf(uid), raw('FETCH'), fetchValues([{ kind: 'FLAGS' }], after, undefined, byUid)]);
  }
  return ok(`${byUid ? 'UID STORE' : 'STORE'} completed`);
}

async function copy(ctx: CommandContext, view: FolderView, args: Token[], byUid: boolean, move: boolean): Promise<Tagged> {
  const what = move ? 'MOVE' : 'COPY';
  if (args.length !== 2) return bad(`Usage: ${what} set folder`);
  const seqs = sequence(view, args[0], byUid);
  if (!seqs) return bad('Invalid sequence set');
  const target = astring(args[1]);
  const decoded = target === undefined ? undefined : decodeMailboxName(target);
  if (decoded === undefined || decoded === '') return bad('Invalid folder name');
  if (move && view.readOnly) return no('The folder is open read-only', 'READ-ONLY');
  const folders = await ctx.store.folders();
  const to = storeName(decoded, folders.find((f) => f.role === 'inbox')?.name);
  if (!folders.some((f) => f.name === to)) return no('No such folder', 'TRYCREATE');
  const uids = seqs.map((s) => view.uidAt(s) as number).filter((uid) => !view.isGone(uid));
  if (uids.length === 0) return ok(`${what} completed (nothing to ${what.toLowerCase()})`);
  const mapping = move ? await ctx.store.move(view.folder, uids, to) : await ctx.store.copy(view.folder, uids, to);
  const code = copyUid(mapping);
  if (!move) return ok(`${what} completed`, code);
  // RFC 6851 §4.3: COPYUID goes in an untagged OK before the EXPUNGEs, which the sync after sends.
  if (code) await ctx.send([raw('*'), raw('OK'), raw(`[${code}]`), raw('Moved')]);
  return ok(`${what} completed`);
}

function copyUid(mapping: UidMapping): string | undefined {
  if (mapping.pairs.length === 0) return undefined;
  return `COPYUID ${mapping.uidValidity} ${compress(mapping.pairs.map((p) => p[0]))} ${compress(mapping.pairs.map((p) => p[1]))}`;
}

/** "1,2,3,7" → "1:3,7", keeping the order (COPYUID pairs the two lists by position). */
export function compress(uids: readonly number[]): string {
  const out: string[] = [];
  let i = 0;
  while (i < uids.length) {
    let j = i;
    while (j + 1 < uids.length && (uids[j + 1] as number) === (uids[j] as number) + 1) j++;
    out.push(j > i ? `${uids[i]}:${uids[j]}` : String(uids[i]));
    i = j + 1;
  }
  return out.join(',');
}

