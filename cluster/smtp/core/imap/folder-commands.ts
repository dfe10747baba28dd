// The commands of the authenticated state (RFC 3501 §6.3): SELECT, EXAMINE, CREATE, DELETE,
// RENAME, SUBSCRIBE, UNSUBSCRIBE, LIST (with RFC 6154 SPECIAL-USE and RFC 5258 selection and
// return options), LSUB, STATUS, APPEND (with RFC 4315 APPENDUID).
import { astringValue, parseDateTime, raw, type Value } from './encode.ts';
import { decodeMailboxName, delimiter, encodeMailboxName, patternMatcher, shownName, storeName } from './names.ts';
import { astring, type Token } from './parser.ts';
import { ImapStoreError, systemFlags, type FolderInfo, type SystemFlag } from './ports.ts';
import { bad, no, ok, type CommandContext, type Tagged } from './context.ts';
import { FolderView, flagList } from './view.ts';

const specialUse: Record<string, string> = { drafts: '\\Drafts', sent: '\\Sent', junk: '\\Junk', trash: '\\Trash' };

export async function runFolderCommand(ctx: CommandContext, name: string, args: Token[]): Promise<Tagged | null> {
  switch (name) {
    case 'SELECT':
    case 'EXAMINE':
      return select(ctx, args, name === 'EXAMINE');
    case 'CREATE':
      return create(ctx, args);
    case 'DELETE':
      return remove(ctx, args);
    case 'RENAME':
      return rename(ctx, args);
    case 'SUBSCRIBE':
    case 'UNSUBSCRIBE':
      return subscribe(ctx, args, name === 'SUBSCRIBE');
    case 'LIST':
    case 'LSUB':
      return list(ctx, args, name);
    case 'STATUS':
      return status(ctx, args);
    case 'APPEND':
      return append(ctx, args);
    default:
      return null;
  }
}

/** The client's name for a folder, decoded, and the store's folder it names (if any). */
async function findFolder(ctx: CommandContext, token: Token | undefined): Promise<{ wanted: string; folder: FolderInfo | undefined; folders: FolderInfo[] } | undefined> {
  const text = astring(token);
  if (text === undefined) return undefined;
  const decoded = decodeMailboxName(text);
  if (decoded === undefined || decoded === '' || decoded.length > 1000) return undefined;
  const folders = await ctx.store.folders();
  const inbox = folders.find((f) => f.role === 'inbox')?.name;
  const wanted = storeName(decoded, inbox);
  return { wanted, folder: folders.find((f) => f.name === wanted), folders };
}

const noSuchFolder = (): Tagged => no('No such folder', 'NONEXISTENT');

async function select(ctx: CommandContext, args: Token[], readOnly: boolean): Promise<Tagged> {
  // RFC 3501 §6.3.1: a SELECT, even a failing one, first deselects the current folder.
  ctx.view = null;
  if (args.length !== 1) return bad('Usage: SELECT folder');
  const found = await findFolder(ctx, args[0]);
  if (!found) return bad('Invalid folder name');
  if (!found.folder) return noSuchFolder();
  const folder = found.folder;
  const messages = await ctx.store.messages(folder.name);
  const view = new FolderView(folder.name, readOnly, folder.uidValidity, messages, folder.changes);
  const flags = flagList(systemFlags);
  await ctx.send([raw('*'), raw('FLAGS'), flags]);
  await ctx.send([raw('*'), raw('OK'), raw(`[PERMANENTFLAGS ${readOnly ? '()' : `(${systemFlags.join(' ')})`}]`), raw('Flags permitted')]);
  await ctx.send([raw('*'), view.exists, raw('EXISTS')]);
  await ctx.send([raw('*'), 0, raw('RECENT')]);
  const firstUnseen = messages.findIndex((m) => !m.flags.includes('\\Seen'));
  if (firstUnseen !== -1) await ctx.send([raw('*'), raw('OK'), raw(`[UNSEEN ${firstUnseen + 1}]`), raw('First unseen')]);
  await ctx.send([raw('*'), raw('OK'), raw(`[UIDVALIDITY ${folder.uidValidity}]`), raw('UIDs valid')]);
  const uidNext = Math.max(folder.uidNext, (messages[messages.length - 1]?.uid ?? 0) + 1);
  await ctx.send([raw('*'), raw('OK'), raw(`[UIDNEXT ${uidNext}]`), raw('Predicted next UID')]);
  ctx.view = view;
  return ok(`${readOnly ? 'EXAMINE' : 'SELECT'} completed`, readOnly ? 'READ-ONLY' : 'READ-WRITE');
}

async function create(ctx: CommandContext, args: Token[]): Promise<Tagged> {
  if (args.length !== 1) return bad('Usage: CREATE folder');
  const found = await findFolder(ctx, args[0]);
  if (!found) return bad('Invalid folder name');
  if (found.folder) return no('That folder already exists', 'ALREADYEXISTS');
  if (found.wanted.split(delimiter).some((level) => level === '')) return no('A folder name may not have empty levels', 'CANNOT');
  await ctx.store.createFolder(found.wanted);
  return ok('CREATE completed');
}

async function remove(ctx: CommandContext, args: Token[]): Promise<Tagged> {
  if (args.length !== 1) return bad('Usage: DELETE folder');
  const found = await findFolder(ctx, args[0]);
  if (!found) return bad('Invalid folder name');
  if (!found.folder) return noSuchFolder();
  if (found.folder.role !== null) return no('The inbox and special-use folders cannot be deleted', 'CANNOT');
  await ctx.store.deleteFolder(found.wanted);
  if (ctx.view?.folder === found.wanted) ctx.view = null;
  return ok('DELETE completed');
}

async function rename(ctx: CommandContext, args: Token[]): Promise<Tagged> {
  if (args.length !== 2) return bad('Usage: RENAME folder newname');
  const from = await findFolder(ctx, args[0]);
  const to = await findFolder(ctx, args[1]);
  if (!from || !to) return bad('Invalid folder name');
  if (!from.folder) return noSuchFolder();
  if (to.folder) return no('The new name is taken', 'ALREADYEXISTS');
  if (from.folder.role !== null) return no('The inbox and special-use folders cannot be renamed here', 'CANNOT');
  await ctx.store.renameFolder(from.wanted, to.wanted);
  if (ctx.view?.folder === from.wanted) ctx.view = null;
  return ok('RENAME completed');
}

async function subscribe(ctx: CommandContext, args: Token[], on: boolean): Promise<Tagged> {
  if (args.length !== 1) return bad(`Usage: ${on ? 'SUBSCRIBE' : 'UNSUBSCRIBE'} folder`);
  const found = await findFolder(ctx, args[0]);
  if (!found) return bad('Invalid folder name');
  if (on && !found.folder) return noSuchFolder();
  if (ctx.store.setSubscribed) await ctx.store.setSubscribed(found.wanted, on);
  return ok(`${on ? 'SUBSCRIBE' : 'UNSUBSCRIBE'} completed`);
}

async function list(ctx: CommandContext, args: Token[], command: 'LIST' | 'LSUB'): Promise<Tagged> {
  const rest = [...args];
  // RFC 5258: LIST (selection options) reference patterns RETURN (return options).
  let selection: string[] = [];
  if (command === 'LIST' && rest[0]?.kind === 'list') selection = atoms((rest.shift() as Token & { kind: 'list' }).items);
  let returns: string[] = [];
  const returnAt = rest.findIndex((t, i) => i >= 2 && t.kind === 'atom' && t.value.toUpperCase() === 'RETURN');
  if (command === 'LIST' && returnAt !== -1) {
    const opts = rest[returnAt + 1];
    if (!opts || opts.kind !== 'list' || rest.length !== returnAt + 2) return bad('Usage: LIST reference pattern RETURN (options)');
    returns = atoms(opts.items);
    rest.splice(returnAt);
  }
  if (rest.length !== 2) return bad(`Usage: ${command} reference pattern`);
  const reference = astring(rest[0]);
  const patternToken = rest[1] as Token;
  const patterns = patternToken.kind === 'list' ? patternToken.items.map(astring) : [astring(patternToken)];
  if (reference === undefined || patterns.some((p) => p === undefined)) return bad('Invalid reference or pattern');
  const ref = decodeMailboxName(reference) ?? reference;
  if (patterns.length === 1 && patterns[0] === '') {
    // RFC 3501 §6.3.8: an empty pattern asks for the delimiter and the reference's root.
    await ctx.send([raw('*'), raw(command), [raw('\\Noselect')], delimiter, '']);
    return ok(`${command} completed`);
  }
  const folders = await ctx.store.folders();
  const inbox = folders.find((f) => f.role === 'inbox')?.name;
  const matchers = (patterns as string[]).map((p) => patternMatcher(ref + (decodeMailboxName(p) ?? p)));
  const onlySpecial = selection.includes('SPECIAL-USE');
  const subscribed = command === 'LSUB' || selection.includes('SUBSCRIBED') || returns.includes('SUBSCRIBED');
  const byShown = new Map(folders.map((f) => [shownName(f, inbox), f]));
  // A folder "a/b" without "a": "a" is listed as \Noselect so hierarchy browsing ("%") finds it.
  const names = new Set(byShown.keys());
  for (const name of byShown.keys()) {
    const levels = name.split(delimiter);
    for (let i = 1; i < levels.length; i++) names.add(levels.slice(0, i).join(delimiter));
  }
  const shown = [...names].sort(inboxFirst);
  for (const name of shown) {
    const folder = byShown.get(name);
    if (!matchers.some((m) => m(name))) continue;
    if (onlySpecial && !specialUse[folder?.role ?? '']) continue;
    if (!folder && command === 'LSUB') continue;
    const attributes: string[] = [];
    if (!folder) attributes.push('\\Noselect');
    const hasChildren = shown.some((other) => other.startsWith(name + delimiter));
    if (command === 'LIST') attributes.push(hasChildren ? '\\HasChildren' : '\\HasNoChildren');
    if (subscribed && command === 'LIST' && folder) attributes.push('\\Subscribed');
    const use = specialUse[folder?.role ?? ''];
    if (use && command === 'LIST') attributes.push(use);
    await ctx.send([raw('*'), raw(command), attributes.map((a) => raw(a)), delimiter, astringValue(encodeMailboxName(name))]);
  }
  return ok(`${command} completed`);
}

function inboxFirst(a: string, b: string): number {
  if (a === 'INBOX') return -1;
  if (b === 'INBOX') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function atoms(tokens: Token[]): string[] {
  return tokens.flatMap((t) => (t.kind === 'atom' ? [t.value.toUpperCase()] : []));
}

const statusItems = new Set(['MESSAGES', 'RECENT', 'UIDNEXT', 'UIDVALIDITY', 'UNSEEN']);

async function status(ctx: CommandContext, args: Token[]): Promise<Tagged> {
  const items = args[1];
  if (args.length !== 2 || !items || items.kind !== 'list' || items.items.length === 0) return bad('Usage: STATUS folder (items)');
  const wanted = atoms(items.items);
  if (wanted.length !== items.items.length || wanted.some((w) => !statusItems.has(w))) return bad('Unknown STATUS item');
  const found = await findFolder(ctx, args[0]);
  if (!found) return bad('Invalid folder name');
  if (!found.folder) return noSuchFolder();
  const f = found.folder;
  const values: Record<string, number> = { MESSAGES: f.total, RECENT: 0, UIDNEXT: f.uidNext, UIDVALIDITY: f.uidValidity, UNSEEN: f.unread };
  const shown = shownName(f, found.folders.find((x) => x.role === 'inbox')?.name);
  const out: Value[] = wanted.flatMap((w) => [raw(w), values[w] as number]);
  await ctx.send([raw('*'), raw('STATUS'), astringValue(encodeMailboxName(shown)), out]);
  return ok('STATUS completed');
}

async function append(ctx: CommandContext, args: Token[]): Promise<Tagged> {
  const rest = [...args];
  const folderToken = rest.shift();
  let flags: SystemFlag[] = [];
  let date: Date = ctx.now();
  if (rest[0]?.kind === 'list') {
    const parsed = storableFlags((rest.shift() as Token & { kind: 'list' }).items);
    if (!parsed) return bad('Invalid flag');
    flags = parsed;
  }
  if (rest.length === 2) {
    const d = astring(rest.shift());
    const parsed = d === undefined ? undefined : parseDateTime(d);
    if (!parsed) return bad('Invalid date-time');
    date = parsed;
  }
  const message = rest[0];
  if (rest.length !== 1 || !message || message.kind !== 'string') return bad('Usage: APPEND folder [(flags)] [date-time] {size}');
  if (message.value.length > ctx.options.messageBytesMax) return no(`Message too large (at most ${ctx.options.messageBytesMax} octets)`, 'TOOBIG');
  if (message.value.length === 0) return bad('Empty message');
  const found = await findFolder(ctx, folderToken);
  if (!found) return bad('Invalid folder name');
  // RFC 3501 §6.3.11: TRYCREATE tells the client it may create the folder and try again.
  if (!found.folder) return no('No such folder', 'TRYCREATE');
  try {
    const { uidValidity, uid } = await ctx.store.append(found.folder.name, Buffer.from(message.value), flags, date);
    return ok('APPEND completed', `APPENDUID ${uidValidity} ${uid}`);
  } catch (err) {
    if (err instanceof ImapStoreError && err.code === 'nonexistent') return no('No such folder', 'TRYCREATE');
    throw err;
  }
}

/** System flags from a flag list; other keywords are dropped (PERMANENTFLAGS has no \*), \Recent ignored. Undefined when malformed. */
export function storableFlags(tokens: readonly Token[]): SystemFlag[] | undefined {
  const out: SystemFlag[] = [];
  for (const t of tokens) {
    if (t.kind !== 'atom') return undefined;
    const flag = systemFlags.find((f) => f.toLowerCase() === t.value.toLowerCase());
    if (flag && !out.includes(flag)) out.push(flag);
    else if (!flag && t.value.startsWith('\\') && t.value.toLowerCase() !== '\\recent') return undefined;
  }
  return out;
}
