// A message's text decoded cheaply, pure Buffer code, for mail search (mail-search.ts) and the
// search text a larger message's summary carries (message-summary.ts): MIME parts split by their
// boundaries, base64 and quoted-printable undone, the charset applied, HTML tags dropped;
// attachments and parts that are not text left out. It never throws on a malformed message: what
// cannot be read is skipped. A full MIME parser (mailparser) costs several times more, which a
// search paying it for every inline message of a mailbox could not afford.

/** Parts visited in one message, and how deep multiparts nest, before the rest is ignored. */
const partsMax = 64;
const depthMax = 8;

/** The header section, unfolded, with encoded words (RFC 2047) decoded. */
export function headerText(raw: Buffer): string {
  const end = headerEnd(raw);
  return decodeWords(raw.subarray(0, end.at).toString('utf8').replace(/\r?\n[ \t]+/g, ' '));
}

/**
 * Encoded bytes of one part decoded when only the start of the text is wanted, per character
 * wanted: enough for text sent as quoted-printable HTML, where markup and escapes take most of
 * the bytes. It bounds the work on a message with a text part of many megabytes.
 */
const partBytesPerChar = 32;

interface Budget {
  parts: number;
  /** Characters still wanted (whitespace runs counted as one when bounded). */
  chars: number;
  partBytesMax: number;
}

/**
 * The text of a message's text parts, decoded; attachments and other parts left out. With
 * `charsMax`, only the start of it: whitespace runs become one space, and parts stop being read
 * once about that many characters are gathered (the caller cuts the rest).
 */
export function messageBodyText(raw: Buffer, charsMax = Infinity): string {
  const out: string[] = [];
  const budget: Budget = { parts: partsMax, chars: charsMax, partBytesMax: charsMax * partBytesPerChar };
  collectText(raw, 0, out, budget);
  return out.join('\n');
}

function gather(text: string, out: string[], budget: Budget): void {
  const piece = Number.isFinite(budget.chars) ? text.replace(/\s+/g, ' ').trim() : text;
  out.push(piece);
  budget.chars -= piece.length + 1;
}

function headerEnd(raw: Buffer): { at: number; body: number } {
  const crlf = raw.indexOf('\r\n\r\n');
  // A bare-LF blank line counts only before the first CRLF one (no need to look past it).
  const lf = (crlf < 0 ? raw : raw.subarray(0, crlf)).indexOf('\n\n');
  if (crlf >= 0 && (lf < 0 || crlf <= lf)) return { at: crlf, body: crlf + 4 };
  if (lf >= 0) return { at: lf, body: lf + 2 };
  return { at: raw.length, body: raw.length };
}

/** The header fields and parameters a search reads, compiled once (they run for every message). */
const fieldPatterns = {
  'content-type': fieldPattern('content-type'),
  'content-transfer-encoding': fieldPattern('content-transfer-encoding'),
  'content-disposition': fieldPattern('content-disposition'),
};
const paramPatterns = { boundary: paramPattern('boundary'), charset: paramPattern('charset') };

function fieldPattern(name: string): RegExp {
  return new RegExp(`(?:^|\\n)${name}[ \\t]*:([^\\r\\n]*(?:\\r?\\n[ \\t][^\\r\\n]*)*)`, 'i');
}

function paramPattern(name: string): RegExp {
  return new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]+))`, 'i');
}

/** The value of a header field (unfolded), or ''. */
function field(header: string, name: keyof typeof fieldPatterns): string {
  const match = fieldPatterns[name].exec(header);
  return match ? (match[1] as string).replace(/\r?\n[ \t]+/g, ' ').trim() : '';
}

function param(value: string, name: keyof typeof paramPatterns): string | undefined {
  const match = paramPatterns[name].exec(value);
  return match ? (match[1] ?? match[2]) : undefined;
}

function collectText(entity: Buffer, depth: number, out: string[], budget: Budget): void {
  if (--budget.parts < 0 || budget.chars <= 0) return;
  const end = headerEnd(entity);
  const header = entity.subarray(0, end.at).toString('latin1');
  const body = entity.subarray(end.body);
  const type = field(header, 'content-type');
  const mediaType = mediaTypeOf(type);
  if (mediaType.startsWith('multipart/')) {
    const boundary = param(type, 'boundary');
    if (boundary === undefined || depth >= depthMax) return;
    let parts = splitParts(body, boundary);
    // The start of the text needs one version of it: the plain one when there is one, so that
    // its HTML twin does not take half of the characters wanted.
    if (Number.isFinite(budget.chars) && mediaType === 'multipart/alternative') {
      const plain = parts.find((part) => mediaTypeOf(field(part.subarray(0, headerEnd(part).at).toString('latin1'), 'content-type')) === 'text/plain');
      if (plain) parts = [plain];
    }
    for (const part of parts) collectText(part, depth + 1, out, budget);
    return;
  }
  if (mediaType === 'message/rfc822') {
    if (depth >= depthMax) return;
    gather(headerText(body), out, budget);
    collectText(body, depth + 1, out, budget);
    return;
  }
  if (!mediaType.startsWith('text/') || /^attachment/i.test(field(header, 'content-disposition'))) return;
  const bytes = decodeTransfer(body.subarray(0, budget.partBytesMax), field(header, 'content-transfer-encoding').toLowerCase());
  const text = decodeCharset(bytes, param(type, 'charset') ?? 'utf-8');
  gather(mediaType === 'text/html' ? htmlText(text) : text, out, budget);
}

/** The media type of a Content-Type value, lower case; text/plain when there is none (RFC 2045 §5.2). */
function mediaTypeOf(type: string): string {
  return (type.split(';')[0] || 'text/plain').trim().toLowerCase();
}

/** The parts between `--boundary` lines (RFC 2046 §5.1.1); the preamble and epilogue left out. */
function splitParts(body: Buffer, boundary: string): Buffer[] {
  const marker = Buffer.from(`--${boundary}`);
  const parts: Buffer[] = [];
  let at = body.indexOf(marker);
  while (at >= 0 && parts.length < partsMax) {
    let start = at + marker.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break;
    const lineEnd = body.indexOf('\n', start);
    if (lineEnd < 0) break;
    start = lineEnd + 1;
    const next = body.indexOf(marker, start);
    parts.push(body.subarray(start, next < 0 ? body.length : next));
    at = next;
  }
  return parts;
}

function decodeTransfer(body: Buffer, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (encoding !== 'quoted-printable') return body;
  const text = body.toString('latin1').replace(/=\r?\n/g, '');
  return Buffer.from(text.replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
}

function decodeCharset(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return bytes.toString('utf8');
  }
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function htmlText(html: string): string {
  return html
    .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, name: string) => {
      if (name[0] !== '#') return entities[name.toLowerCase()] ?? whole;
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    })
    .replace(/\s+/g, ' ');
}

/** RFC 2047 encoded words (`=?utf-8?B?…?=`, `=?iso-8859-1?Q?…?=`) decoded; others left as they are. */
function decodeWords(text: string): string {
  return text.replace(/=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=(?:\s+(?==\?))?/g, (whole, charset: string, kind: string, data: string) => {
    const bytes = kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1');
    const decoded = decodeCharset(bytes, charset.split('*')[0] as string);
    return decoded || whole;
  });
}
