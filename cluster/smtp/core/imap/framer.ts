// Cuts a byte stream into IMAP commands (RFC 3501 §2.2, §4.3): a command is one line, or
// several when literals are inside it — a line ending in "{n}" (synchronising: the client waits
// for a "+" continuation) or "{n+}" (LITERAL+, RFC 7888: it does not) is followed by exactly n
// octets and then the rest of the command. Every size has a hard limit, so memory stays
// bounded whatever a client sends:
//   - a line (literals excluded) over lineBytesMax is reported once and skipped to its end;
//   - a literal over literalBytesMax, past literalsMax in one command, or that would take the
//     command past commandBytesMax is refused: a synchronising one before the client sends it
//     (RFC 3501 §7.5 lets the server answer the command instead of sending "+"), a LITERAL+ one
//     by skipping its octets and the rest of its command, holding none of them.
// Pure: bytes in, events out. The io writes "+" for `continue` and answers the refusals.

export type FrameEvent =
  /** A whole command, literals inline after their "{n}" CRLF, without the final line end. */
  | { type: 'command'; data: Buffer }
  /** A synchronising literal was announced and accepted: send a continuation request. */
  | { type: 'continue' }
  /** A line over the limit; tag: the command's tag when it could be read. */
  | { type: 'too-long'; tag: string | null }
  /** A literal refused for its size or count; nonSync: its octets were sent anyway and are skipped. */
  | { type: 'literal-refused'; tag: string | null; nonSync: boolean; bytes: number };

export interface FramerLimits {
  lineBytesMax: number;
  literalBytesMax: number;
  literalsMax: number;
  commandBytesMax: number;
}

type Mode = 'line' | 'literal' | 'skip-line' | 'skip-literal';

const literalAtEnd = /\{(\d{1,12})(\+?)\}$/;
const tagAtStart = /^([\x21\x23\x24\x26\x27\x2c-\x5b\x5d-\x7a\x7c\x7d\x7e]{1,64}) /;
/** Enough of a skipped line's end to see a "{n+}" there. */
const tailBytes = 24;

export class CommandFramer {
  private mode: Mode = 'line';
  private parts: Buffer[] = [];
  private commandBytes = 0;
  private literals = 0;
  private line: Buffer[] = [];
  private lineBytes = 0;
  private left = 0;
  private tail = Buffer.alloc(0);
  private tag: string | null = null;

  constructor(private readonly limits: FramerLimits) {}

  /** Forgets everything buffered (after STARTTLS, RFC 3501 §6.2.1: nothing sent before the handshake counts). */
  reset(): void {
    this.mode = 'line';
    this.resetCommand();
    this.line = [];
    this.lineBytes = 0;
  }

  push(chunk: Buffer): FrameEvent[] {
    const out: FrameEvent[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.mode === 'literal' || this.mode === 'skip-literal') {
        const take = Math.min(this.left, chunk.length - at);
        if (this.mode === 'literal') this.parts.push(chunk.subarray(at, at + take));
        this.left -= take;
        at += take;
        if (this.left === 0) this.mode = this.mode === 'literal' ? 'line' : 'skip-line';
        continue;
      }
      const lf = chunk.indexOf(0x0a, at);
      const end = lf === -1 ? chunk.length : lf + 1;
      const piece = chunk.subarray(at, end);
      at = end;
      if (this.mode === 'skip-line') {
        this.tail = Buffer.concat([this.tail, piece]).subarray(-tailBytes);
        if (lf !== -1) this.endSkippedLine();
        continue;
      }
      if (this.lineBytes + piece.length > this.limits.lineBytesMax) {
        const head = Buffer.concat([...this.line, piece]);
        out.push({ type: 'too-long', tag: this.tag ?? readTag(head) });
        this.line = [];
        this.lineBytes = 0;
        this.tail = head.subarray(-tailBytes);
        this.mode = 'skip-line';
        if (lf !== -1) this.endSkippedLine();
        continue;
      }
      this.line.push(piece);
      this.lineBytes += piece.length;
      if (lf !== -1) this.endLine(out);
    }
    return out;
  }

  private endLine(out: FrameEvent[]): void {
    let line = Buffer.concat(this.line, this.lineBytes);
    this.line = [];
    this.lineBytes = 0;
    line = line.subarray(0, line.length - (line.length >= 2 && line[line.length - 2] === 0x0d ? 2 : 1));
    if (this.tag === null) this.tag = readTag(line);
    const literal = literalAtEnd.exec(line.subarray(-tailBytes).toString('latin1'));
    if (!literal) {
      this.parts.push(line);
      out.push({ type: 'command', data: Buffer.concat(this.parts) });
      this.resetCommand();
      return;
    }
    const bytes = Number(literal[1]);
    const nonSync = literal[2] === '+';
    const total = this.commandBytes + line.length + 2 + bytes;
    if (bytes > this.limits.literalBytesMax || this.literals >= this.limits.literalsMax || total > this.limits.commandBytesMax) {
      out.push({ type: 'literal-refused', tag: this.tag, nonSync, bytes });
      this.resetCommand();
      if (nonSync) this.skipLiteral(bytes);
      return;
    }
    this.parts.push(line, crlf);
    this.commandBytes += line.length + 2 + bytes;
    this.literals++;
    this.left = bytes;
    this.mode = bytes > 0 ? 'literal' : 'line';
    if (!nonSync) out.push({ type: 'continue' });
  }

  /** A skipped line ends the command unless it announces another LITERAL+, whose octets are skipped too. */
  private endSkippedLine(): void {
    let text = this.tail.toString('latin1');
    text = text.replace(/\r?\n$/, '');
    this.tail = Buffer.alloc(0);
    const literal = literalAtEnd.exec(text);
    if (literal && literal[2] === '+') this.skipLiteral(Number(literal[1]));
    else {
      this.mode = 'line';
      this.resetCommand();
    }
  }

  private skipLiteral(bytes: number): void {
    this.left = bytes;
    this.mode = bytes > 0 ? 'skip-literal' : 'skip-line';
  }

  private resetCommand(): void {
    this.parts = [];
    this.commandBytes = 0;
    this.literals = 0;
    this.tag = null;
  }
}

const crlf = Buffer.from('\r\n');

function readTag(line: Buffer): string | null {
  const m = tagAtStart.exec(line.subarray(0, 66).toString('latin1'));
  return m ? (m[1] as string) : null;
}
