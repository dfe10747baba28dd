// The text of a stored message, pure Buffer code: line ends and the header section. Messages
// are stored with CRLF line ends, the form POP3 sends and SMTP receives; the mail daemon's
// protocol code (cluster/smtp/core/message-format.ts) and the mailbox store both rely on it.

const CR = 0x0d;
const LF = 0x0a;

/** Bare LF becomes CRLF, so the stored size is the size POP3 sends (RFC 1939 §11 counts CRLF). */
export function toCrlf(buf: Buffer): Buffer {
  let bare = 0;
  for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, i + 1)) if (i === 0 || buf[i - 1] !== CR) bare++;
  if (bare === 0) return buf;
  const out = Buffer.allocUnsafe(buf.length + bare);
  let o = 0;
  let from = 0;
  for (let i = buf.indexOf(LF); i !== -1; i = buf.indexOf(LF, i + 1)) {
    if (i > 0 && buf[i - 1] === CR) continue;
    o += buf.copy(out, o, from, i);
    out[o++] = CR;
    out[o++] = LF;
    from = i + 1;
  }
  o += buf.copy(out, o, from);
  return out.subarray(0, o);
}

/** Offset just past the blank line that ends the header section; the whole buffer when there is none. */
export function headerEnd(buf: Buffer): number {
  if (buf.subarray(0, 2).equals(Buffer.from('\r\n'))) return 2;
  const crlf = buf.indexOf('\r\n\r\n');
  const lf = buf.indexOf('\n\n');
  if (crlf === -1 && lf === -1) return buf.length;
  if (crlf !== -1 && (lf === -1 || crlf < lf)) return crlf + 4;
  return lf + 2;
}

/** True when the header section has a field of this name (case-insensitive). */
export function hasHeader(buf: Buffer, name: string): boolean {
  const head = buf.subarray(0, headerEnd(buf)).toString('latin1');
  return new RegExp(`^${name.replace(/[-]/g, '\\-')}[ \\t]*:`, 'im').test(head);
}
