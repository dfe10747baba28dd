// Byte-level message handling for the protocols, pure Buffer code: the 1000-octet line limit,
// trace headers, and the POP3 multi-line form (dot-stuffing, TOP). Works on Buffers, not
// strings, so 8-bit bodies pass through unchanged. Line ends and the header section, which the
// stored form shares, are in cluster/model/mail/message-text.ts.
import { headerEnd } from '../../model/mail/message-text.ts';

const LF = 0x0a;
const DOT = 0x2e;

/** RFC 5321 §4.5.3.1.6: a text line is at most 1000 octets including its CRLF. */
export const textLineBytesMax = 1000;

/**
 * Watches a message as it streams in and remembers whether any line went over the limit
 * (counting the line's CRLF). Constant memory: only the current line's length is kept.
 */
export class LineLengthGuard {
  private lineBytes = 0;
  longestLineBytes = 0;

  constructor(private readonly limit: number = textLineBytesMax) {}

  push(chunk: Buffer): void {
    let from = 0;
    for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, from)) {
      this.endLine(this.lineBytes + (i - from) + 1);
      from = i + 1;
    }
    this.lineBytes += chunk.length - from;
  }

  /** True when a line (or the unterminated last one) is longer than the limit. */
  get exceeded(): boolean {
    return Math.max(this.longestLineBytes, this.lineBytes) > this.limit;
  }

  private endLine(bytes: number): void {
    if (bytes > this.longestLineBytes) this.longestLineBytes = bytes;
    this.lineBytes = 0;
  }
}

/** RFC 5322 §3.3 date-time in UTC, e.g. "Tue, 25 Nov 2026 10:00:00 +0000". */
export function rfc5322Date(date: Date): string {
  return date.toUTCString().replace(/GMT$/, '+0000');
}

export interface TraceInfo {
  /** Envelope sender, '' for the null sender. */
  returnPath: string;
  heloName: string;
  remoteAddress: string;
  /** Our host name (mail.domain). */
  by: string;
  /** ESMTP, ESMTPS (TLS), ESMTPA/ESMTPSA (authenticated), per RFC 3848. */
  protocol: string;
  id: string;
  date: Date;
}

/**
 * The Return-Path (RFC 5321 §4.4: added at final delivery) and Received header this server
 * puts on top of every message it accepts. Header values are cleaned of CR/LF so a crafted
 * HELO name cannot inject fields.
 */
export function traceHeaders(t: TraceInfo): Buffer {
  const clean = (s: string) => s.replace(/[\r\n]/g, ' ').slice(0, 200);
  const from = `${clean(t.heloName) || 'unknown'} ([${clean(t.remoteAddress)}])`;
  return Buffer.from(
    `Return-Path: <${clean(t.returnPath)}>\r\n` +
      `Received: from ${from}\r\n\tby ${clean(t.by)} (PennCloud) with ${t.protocol} id ${t.id};\r\n\t${rfc5322Date(t.date)}\r\n`,
    'latin1',
  );
}

/**
 * A message in POP3's multi-line form (RFC 1939 §3): every line that begins with "." gets one
 * more "." in front (byte-stuffing, the same transparency rule as RFC 5321 §4.5.2), the last
 * line ends with CRLF, and ".\r\n" closes the response. With topLines, only the headers, the
 * blank line and that many body lines (RFC 1939 §7, TOP).
 */
export function pop3MultiLine(message: Buffer, topLines: number | null = null): Buffer {
  let body = message;
  if (topLines !== null) {
    const end = headerEnd(message);
    let cut = end;
    for (let n = 0; n < topLines && cut < message.length; n++) {
      const lf = message.indexOf(LF, cut);
      cut = lf === -1 ? message.length : lf + 1;
    }
    body = message.subarray(0, cut);
  }
  const parts: Buffer[] = [];
  let from = 0;
  let lineStart = 0;
  while (lineStart < body.length) {
    if (body[lineStart] === DOT) {
      parts.push(body.subarray(from, lineStart), Buffer.from('.'));
      from = lineStart;
    }
    const lf = body.indexOf(LF, lineStart);
    if (lf === -1) break;
    lineStart = lf + 1;
  }
  parts.push(body.subarray(from));
  const endsWithLineEnd = body.length === 0 || body[body.length - 1] === LF;
  parts.push(Buffer.from(endsWithLineEnd ? '.\r\n' : '\r\n.\r\n'));
  return Buffer.concat(parts);
}
