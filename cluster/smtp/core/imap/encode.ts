// Server responses as data (RFC 3501 §9): a response is a list of values joined by spaces, and
// each value knows how it must be written. Text goes out quoted when it is short printable
// ASCII, and as a literal otherwise (CR, LF, NUL, 8-bit octets, a long value), so no string a
// message or a client supplied can break the response's framing.

export type Value =
  /** Written as is: keywords, flags, numbers already formatted, response codes. */
  | { raw: string }
  /** NIL. */
  | null
  | number
  /** A string: quoted or literal, whichever is safe. */
  | string
  /** Octets: always a literal (message bodies). */
  | Buffer
  | Value[]
  /** A multipart body structure: its parts with nothing between them, then the rest (RFC 3501 §9 body-type-mpart). */
  | { parts: Value[]; rest: Value[] };

export const raw = (text: string): Value => ({ raw: text });

/** Longest string sent quoted; longer ones go as literals. */
const quotedMax = 1024;

export function encode(values: readonly Value[]): Buffer {
  const out: Buffer[] = [];
  const text: string[] = [];
  const flush = () => {
    if (text.length) out.push(Buffer.from(text.join(''), 'utf8'));
    text.length = 0;
  };
  const write = (v: Value): void => {
    if (v === null) text.push('NIL');
    else if (typeof v === 'number') text.push(String(Math.trunc(v)));
    else if (typeof v === 'string') {
      if (canQuote(v)) text.push(quote(v));
      else {
        const bytes = Buffer.from(v, 'utf8');
        text.push(`{${bytes.length}}\r\n`);
        flush();
        out.push(bytes);
      }
    } else if (Buffer.isBuffer(v)) {
      text.push(`{${v.length}}\r\n`);
      flush();
      out.push(v);
    } else if (Array.isArray(v)) {
      text.push('(');
      v.forEach((item, i) => {
        if (i > 0) text.push(' ');
        write(item);
      });
      text.push(')');
    } else if ('parts' in v) {
      text.push('(');
      v.parts.forEach(write);
      for (const item of v.rest) {
        text.push(' ');
        write(item);
      }
      text.push(')');
    } else text.push(v.raw);
  };
  values.forEach((v, i) => {
    if (i > 0) text.push(' ');
    write(v);
  });
  text.push('\r\n');
  flush();
  return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
}

export function canQuote(s: string): boolean {
  return s.length <= quotedMax && /^[\x20-\x7e]*$/.test(s);
}

export function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => '\\' + c)}"`;
}

/** An astring for a mailbox name or similar: an atom when it is one, else quoted or a literal. */
export function astringValue(s: string): Value {
  return s !== '' && /^[\x21\x23\x24\x26\x27\x2b-\x5b\x5d-\x7a\x7c\x7e]+$/.test(s) && s.toUpperCase() !== 'NIL' ? raw(s) : s;
}

/** RFC 3501 date-time: "dd-Mon-yyyy hh:mm:ss +0000", in UTC. */
export function imapDateTime(d: Date): string {
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const time = [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
  return `${day}-${months[d.getUTCMonth()]}-${d.getUTCFullYear()} ${time} +0000`;
}

export const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 3501 date-time as APPEND gives it; undefined when malformed. */
export function parseDateTime(s: string): Date | undefined {
  const m = /^ ?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const month = months.findIndex((x) => x.toLowerCase() === (m[2] as string).toLowerCase());
  if (month < 0) return undefined;
  const [day, year, h, min, sec, zh, zm] = [m[1], m[3], m[4], m[5], m[6], m[8], m[9]].map(Number) as number[];
  if (day! < 1 || day! > 31 || h! > 23 || min! > 59 || sec! > 60 || zm! > 59) return undefined;
  const offset = (m[7] === '-' ? -1 : 1) * (zh! * 60 + zm!);
  const ms = Date.UTC(year!, month, day!, h!, min!, sec!) - offset * 60_000;
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

/** RFC 3501 date (SEARCH SINCE etc.): "d-Mon-yyyy", as the UTC midnight starting that day. */
export function parseDate(s: string): number | undefined {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(s);
  if (!m) return undefined;
  const month = months.findIndex((x) => x.toLowerCase() === (m[2] as string).toLowerCase());
  const day = Number(m[1]);
  if (month < 0 || day < 1 || day > 31) return undefined;
  return Date.UTC(Number(m[3]), month, day);
}
