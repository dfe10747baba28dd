// How the raw-data browser shows a stored value: as text when the bytes are valid UTF-8 text,
// as a hex dump otherwise, and only the first few KiB of either (the whole value is a download).
// Pure Buffer code.

/** Text shown of a text value. */
export const textPreviewBytesMax = 64 * 1024;
/** Bytes dumped of a binary value: 4 KiB are 256 lines of hex. */
export const hexPreviewBytesMax = 4 * 1024;

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Text: decodes as UTF-8 (no invalid or overlong sequences, no lone surrogates) and holds no
 * control characters besides tab, line feed, carriage return and form feed. NUL and the other C0
 * controls are valid UTF-8 but mark binary data.
 */
export function isText(bytes: Uint8Array): boolean {
  let text: string;
  try {
    text = fatalUtf8.decode(bytes);
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}

/** The longest prefix of at most max bytes that does not cut a UTF-8 sequence in two. */
export function utf8Prefix(bytes: Uint8Array, max: number): Uint8Array {
  if (bytes.length <= max) return bytes;
  let end = max;
  // Step back over continuation bytes (10xxxxxx) to the start of the cut character.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/** `00000010  48 65 6c 6c 6f 00 ff …  |Hello..|`: offset, 16 bytes, their printable ASCII. */
export function hexDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let offset = 0; offset < bytes.length; offset += 16) {
    const chunk = bytes.subarray(offset, offset + 16);
    const hex = Array.from(chunk, (b) => b.toString(16).padStart(2, '0'));
    const left = hex.slice(0, 8).join(' ');
    const right = hex.slice(8).join(' ');
    const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${offset.toString(16).padStart(8, '0')}  ${left.padEnd(23)}  ${right.padEnd(23)}  |${ascii}|`);
  }
  return lines.join('\n');
}

export interface Preview {
  kind: 'text' | 'hex';
  content: string;
  shownBytes: number;
  truncated: boolean;
}

export function previewValue(bytes: Uint8Array): Preview {
  if (isText(bytes)) {
    const shown = utf8Prefix(bytes, textPreviewBytesMax);
    return { kind: 'text', content: Buffer.from(shown).toString('utf8'), shownBytes: shown.length, truncated: shown.length < bytes.length };
  }
  const shown = bytes.subarray(0, hexPreviewBytesMax);
  return { kind: 'hex', content: hexDump(shown), shownBytes: shown.length, truncated: shown.length < bytes.length };
}

/** A file name for a downloaded value: row and column, with anything unsafe in a name replaced. */
export function downloadName(row: string, column: string): string {
  const safe = `${row}.${column}`.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '');
  return `${safe.slice(0, 120) || 'value'}.bin`;
}
