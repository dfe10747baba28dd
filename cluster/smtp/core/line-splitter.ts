// Splits a byte stream into command lines for a line protocol, with a hard limit: a line longer
// than lineBytesMax (counting its CRLF) is reported once as too long and its bytes are dropped
// up to the next line end, so memory stays bounded whatever a client sends. CRLF ends a line;
// a bare LF is accepted too (lenient on input, strict on output).

export type SplitLine = { type: 'line'; line: string } | { type: 'line-too-long' };

export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private discarding = false;

  constructor(private readonly lineBytesMax: number) {}

  push(chunk: Buffer): SplitLine[] {
    const out: SplitLine[] = [];
    let from = 0;
    for (;;) {
      const lf = chunk.indexOf(0x0a, from);
      const end = lf === -1 ? chunk.length : lf + 1;
      const piece = chunk.subarray(from, end);
      if (!this.discarding) {
        if (this.pendingBytes + piece.length > this.lineBytesMax) {
          this.discarding = true;
          this.pending = [];
          this.pendingBytes = 0;
          out.push({ type: 'line-too-long' });
        } else if (piece.length > 0) {
          this.pending.push(piece);
          this.pendingBytes += piece.length;
        }
      }
      if (lf === -1) break;
      if (this.discarding) this.discarding = false;
      else out.push({ type: 'line', line: this.take() });
      from = end;
    }
    return out;
  }

  private take(): string {
    let line = Buffer.concat(this.pending, this.pendingBytes).toString('utf8');
    this.pending = [];
    this.pendingBytes = 0;
    line = line.endsWith('\r\n') ? line.slice(0, -2) : line.slice(0, -1);
    return line;
  }
}
