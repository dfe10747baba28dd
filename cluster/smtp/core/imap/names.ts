// Folder names between the client and the store: modified UTF-7 on the wire (RFC 3501
// §5.1.3), "INBOX" in any case for the inbox (§5.1), "/" between levels, and LIST patterns with
// "*" (any characters) and "%" (any but the delimiter), §6.3.8.
import type { FolderInfo } from './ports.ts';

export const delimiter = '/';

/** Unicode → modified UTF-7: "&" is "&-", other characters outside printable ASCII are base64 of UTF-16BE between "&" and "-", with "," for "/". */
export function encodeMailboxName(name: string): string {
  let out = '';
  let pending: number[] = [];
  const flush = () => {
    if (!pending.length) return;
    const bytes = Buffer.alloc(pending.length * 2);
    pending.forEach((u, i) => bytes.writeUInt16BE(u, i * 2));
    out += '&' + bytes.toString('base64').replace(/=+$/, '').replace(/\//g, ',') + '-';
    pending = [];
  };
  for (let i = 0; i < name.length; i++) {
    const u = name.charCodeAt(i);
    if (u >= 0x20 && u <= 0x7e) {
      flush();
      out += u === 0x26 ? '&-' : name[i];
    } else pending.push(u);
  }
  flush();
  return out;
}

/** Modified UTF-7 → Unicode; undefined when malformed or not in its one canonical form. A name already in UTF-8 passes through. */
export function decodeMailboxName(wire: string): string | undefined {
  if (/[^\x20-\x7e]/.test(wire)) return wire;
  const out = decodeUtf7(wire);
  return out !== undefined && encodeMailboxName(out) === wire ? out : undefined;
}

function decodeUtf7(wire: string): string | undefined {
  let out = '';
  for (let i = 0; i < wire.length; i++) {
    const c = wire[i] as string;
    if (c !== '&') {
      out += c;
      continue;
    }
    const end = wire.indexOf('-', i);
    if (end === -1) return undefined;
    const b64 = wire.slice(i + 1, end);
    i = end;
    if (b64 === '') {
      out += '&';
      continue;
    }
    if (!/^[A-Za-z0-9+,]+$/.test(b64)) return undefined;
    const bytes = Buffer.from(b64.replace(/,/g, '/'), 'base64');
    if (bytes.length === 0 || bytes.length % 2 !== 0) return undefined;
    for (let k = 0; k < bytes.length; k += 2) out += String.fromCharCode(bytes.readUInt16BE(k));
  }
  return out;
}

/** The name a client sees for a folder: INBOX for the inbox (and its children's first level). */
export function shownName(folder: FolderInfo, inbox: string | undefined): string {
  if (folder.role === 'inbox') return 'INBOX';
  if (inbox !== undefined && folder.name.startsWith(inbox + delimiter)) return 'INBOX' + folder.name.slice(inbox.length);
  return folder.name;
}

/** The store's name for what the client named (decoded); INBOX in any case is the inbox. */
export function storeName(name: string, inbox: string | undefined): string {
  const trimmed = name.endsWith(delimiter) ? name.slice(0, -1) : name;
  const head = trimmed.slice(0, 5).toUpperCase();
  if (inbox !== undefined && head === 'INBOX' && (trimmed.length === 5 || trimmed[5] === delimiter)) return inbox + trimmed.slice(5);
  return trimmed;
}

/** A LIST pattern (reference already prepended) as a matcher over shown names. */
export function patternMatcher(pattern: string): (name: string) => boolean {
  let source = '';
  for (const c of pattern) {
    if (c === '*') source += '.*';
    else if (c === '%') source += '[^/]*';
    else source += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const re = new RegExp(`^${source}$`, 's');
  // INBOX is matched without regard to case (RFC 3501 §5.1).
  const inboxRe = /^inbox/i.test(pattern) ? new RegExp(`^${'INBOX' + source.slice(5)}$`, 's') : null;
  return (name) => re.test(name) || (inboxRe !== null && inboxRe.test(name));
}
