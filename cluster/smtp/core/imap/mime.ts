// The MIME structure of a raw message as byte ranges (RFC 2045, 2046; RFC 3501 §6.4.5 part
// numbering): each part knows where its header and body start and end, so BODY[1.2.MIME],
// BODY[2.TEXT] and BODYSTRUCTURE's sizes are exact slices of the stored octets. The parser is
// lenient (a missing boundary ends the part at the end of its parent) and bounded: past
// partsMax parts or depthMax levels the rest is one opaque part.

export interface HeaderField {
  /** Lowercase field name. */
  name: string;
  /** The value unfolded, as UTF-8 text (8-bit headers are almost always UTF-8). */
  value: string;
  /** The field's octets, folding and line end included. */
  start: number;
  end: number;
}

export interface MimePart {
  /** Offsets into the raw message: header start, body start (after the blank line), body end. */
  start: number;
  bodyStart: number;
  end: number;
  headers: HeaderField[];
  /** Lowercase type and subtype, and the Content-Type parameters (names lowercase). */
  type: string;
  subtype: string;
  params: Array<[string, string]>;
  /** The parts of a multipart. */
  children: MimePart[];
  /** The message inside a message/rfc822 part. */
  message?: MimePart;
}

const partsMax = 500;
const depthMax = 20;
const headerFieldsMax = 1000;

export function parseMime(raw: Buffer): MimePart {
  const budget = { parts: 0 };
  return parseEntity(raw, 0, raw.length, 0, budget, null);
}

function parseEntity(raw: Buffer, start: number, end: number, depth: number, budget: { parts: number }, defaultType: [string, string] | null): MimePart {
  budget.parts++;
  const { headers, bodyStart } = parseHeader(raw, start, end);
  const ct = parseContentType(header(headers, 'content-type'));
  const [type, subtype] = ct ? [ct.type, ct.subtype] : (defaultType ?? ['text', 'plain']);
  const params = ct ? ct.params : type === 'text' ? ([['charset', 'us-ascii']] as Array<[string, string]>) : [];
  const part: MimePart = { start, bodyStart, end, headers, type, subtype, params, children: [] };
  const deeper = depth < depthMax && budget.parts < partsMax;
  if (type === 'multipart' && deeper) {
    const boundary = params.find(([k]) => k === 'boundary')?.[1];
    if (boundary) {
      const childDefault: [string, string] | null = subtype === 'digest' ? ['message', 'rfc822'] : null;
      for (const [s, e] of splitMultipart(raw, bodyStart, end, boundary)) {
        if (budget.parts >= partsMax) break;
        part.children.push(parseEntity(raw, s, e, depth + 1, budget, childDefault));
      }
    }
  } else if (type === 'message' && (subtype === 'rfc822' || subtype === 'global') && deeper) {
    part.message = parseEntity(raw, bodyStart, end, depth + 1, budget, null);
  }
  return part;
}

/** The header fields from start up to the blank line; without one, the whole entity is header. */
export function parseHeader(raw: Buffer, start: number, end: number): { headers: HeaderField[]; bodyStart: number } {
  const headers: HeaderField[] = [];
  let at = start;
  let current: HeaderField | null = null;
  let pieces: string[] = [];
  const finish = () => {
    if (current && headers.length < headerFieldsMax) {
      current.value = pieces.join('').replace(/\r?\n/g, '').trim();
      headers.push(current);
    }
    current = null;
    pieces = [];
  };
  while (at < end) {
    const lf = raw.indexOf(0x0a, at);
    const lineEnd = lf === -1 || lf >= end ? end : lf + 1;
    const first = raw[at];
    if (first === 0x0a || (first === 0x0d && raw[at + 1] === 0x0a)) {
      finish();
      return { headers, bodyStart: lineEnd };
    }
    const line = raw.subarray(at, lineEnd).toString('utf8');
    if ((first === 0x20 || first === 0x09) && current) {
      pieces.push(line);
      (current as HeaderField).end = lineEnd;
    } else {
      finish();
      const colon = line.indexOf(':');
      if (colon > 0) {
        current = { name: line.slice(0, colon).trim().toLowerCase(), value: '', start: at, end: lineEnd };
        pieces.push(line.slice(colon + 1));
      }
    }
    at = lineEnd;
  }
  finish();
  return { headers, bodyStart: end };
}

/** The first field of that name, unfolded; undefined when absent. */
export function header(headers: readonly HeaderField[], name: string): string | undefined {
  return headers.find((h) => h.name === name)?.value;
}

/** [start, end) of each part between boundary delimiters (RFC 2046 §5.1.1); the CRLF before a delimiter belongs to it. */
function splitMultipart(raw: Buffer, start: number, end: number, boundary: string): Array<[number, number]> {
  const delimiter = Buffer.from('--' + boundary, 'latin1');
  const parts: Array<[number, number]> = [];
  let partStart = -1;
  let from = start;
  while (from < end) {
    const at = raw.indexOf(delimiter, from);
    if (at === -1 || at + delimiter.length > end) break;
    const atLineStart = at === start || raw[at - 1] === 0x0a;
    const lf = raw.indexOf(0x0a, at);
    const lineEnd = lf === -1 || lf >= end ? end : lf + 1;
    if (!atLineStart) {
      from = at + delimiter.length;
      continue;
    }
    const rest = raw.subarray(at + delimiter.length, lineEnd).toString('latin1');
    const closing = rest.startsWith('--');
    if (!closing && !/^[ \t]*\r?\n?$/.test(rest)) {
      from = lineEnd;
      continue;
    }
    if (partStart !== -1) {
      let partEnd = at;
      if (partEnd > partStart && raw[partEnd - 1] === 0x0a) partEnd--;
      if (partEnd > partStart && raw[partEnd - 1] === 0x0d) partEnd--;
      parts.push([partStart, partEnd]);
    }
    if (closing) return parts;
    partStart = lineEnd;
    from = lineEnd;
  }
  // No closing delimiter: the last part runs to the end.
  if (partStart !== -1) parts.push([partStart, end]);
  return parts;
}

export interface ContentType {
  type: string;
  subtype: string;
  params: Array<[string, string]>;
}

/** "type/subtype; a=b; c=\"d\"" (RFC 2045 §5.1); undefined when absent or malformed. */
export function parseContentType(value: string | undefined): ContentType | undefined {
  if (!value) return undefined;
  const m = /^\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*\/\s*([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\s*(.*)$/s.exec(value);
  if (!m) return undefined;
  return { type: (m[1] as string).toLowerCase(), subtype: (m[2] as string).toLowerCase(), params: parseParams(m[3] as string) };
}

/** "; a=b; c=\"d\"" parameters, names lowercase, quotes and escapes removed. */
export function parseParams(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))/gs;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null && out.length < 100) {
    const value = m[2] !== undefined ? m[2].replace(/\\(.)/gs, '$1') : (m[3] ?? '');
    out.push([(m[1] as string).toLowerCase(), value]);
  }
  return out;
}

/** Content-Disposition: its type and parameters. */
export function parseDisposition(value: string | undefined): { type: string; params: Array<[string, string]> } | undefined {
  if (!value) return undefined;
  const m = /^\s*([^\s;]+)(.*)$/s.exec(value);
  if (!m) return undefined;
  return { type: (m[1] as string).toLowerCase(), params: parseParams(m[2] as string) };
}

/**
 * Finds the part a section's numbers name (RFC 3501 §6.4.5): a multipart's children count from
 * 1; a message/rfc822 part's numbers continue into the message inside it; a message that is not
 * multipart has one part, 1, its body. `asMessage` tells whether the result is a message (its
 * header is a message header) rather than one of its body parts.
 */
export function resolvePart(root: MimePart, path: readonly number[]): { part: MimePart; asMessage: boolean } | undefined {
  let part = root;
  let asMessage = true;
  for (const n of path) {
    if (!asMessage && part.message) {
      part = part.message;
      asMessage = true;
    }
    if (part.type === 'multipart') {
      const child = part.children[n - 1];
      if (!child) return undefined;
      part = child;
      asMessage = false;
    } else if (asMessage && n === 1) asMessage = false;
    else return undefined;
  }
  return { part, asMessage };
}

/** RFC 2047 encoded words decoded, for SEARCH and the like; unknown charsets fall back to Latin-1. */
export function decodeWords(text: string): string {
  return text
    .replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g, (_all, charset: string, enc: string, data: string) => {
      const bytes =
        enc.toUpperCase() === 'B'
          ? Buffer.from(data, 'base64')
          : Buffer.from(
              data.replace(/_/g, ' ').replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
              'latin1',
            );
      return decodeCharset(bytes, charset.replace(/\*.*$/, ''));
    });
}

export function decodeCharset(bytes: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset.toLowerCase()).decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/** A part's body decoded from its Content-Transfer-Encoding and charset, for BODY/TEXT search. */
export function decodedText(raw: Buffer, part: MimePart): string {
  const body = raw.subarray(part.bodyStart, part.end);
  const cte = (header(part.headers, 'content-transfer-encoding') ?? '').trim().toLowerCase();
  let bytes: Buffer = body;
  if (cte === 'base64') bytes = Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  else if (cte === 'quoted-printable') {
    bytes = Buffer.from(
      body
        .toString('latin1')
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    );
  }
  const charset = part.params.find(([k]) => k === 'charset')?.[1] ?? 'utf-8';
  return decodeCharset(bytes, charset);
}
