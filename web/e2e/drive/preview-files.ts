// Files the preview spec makes rather than commits: a small PDF written object by object (with an
// open action in JavaScript that a viewer must never run), and the duration a browser's
// MediaRecorder leaves out of its WebM, written into the file's Info element (Matroska: EBML
// elements, each an ID and a size in variable-length integers, RFC 8794 §4).

/** Two pages, each a filled block and a line of text; opening it asks to run JavaScript. */
export function pdfWithScript(): Buffer {
  const page = (n: number) => `0 0.4 0.8 rg 72 300 468 300 re f\nBT /F1 32 Tf 72 650 Td (Preview page ${n}) Tj ET\n`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R /OpenAction 3 0 R >>',
    '<< /Type /Pages /Kids [5 0 R 7 0 R] /Count 2 >>',
    "<< /S /JavaScript /JS (window.pwned = 1; app.alert('pwned'); this.submitForm('/api/drive/folders');) >>",
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 6 0 R /Resources << /Font << /F1 4 0 R >> >> >>',
    `<< /Length ${page(1).length} >>\nstream\n${page(1)}endstream`,
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 8 0 R /Resources << /Font << /F1 4 0 R >> >> >>',
    `<< /Length ${page(2).length} >>\nstream\n${page(2)}endstream`,
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const ids = { segment: 0x18538067, seekHead: 0x114d9b74, info: 0x1549a966, timecodeScale: 0x2ad7b1, duration: 0x4489 };

/** A variable-length integer at `at`: its length in bytes, and its value with (size) or without (ID) the length marker. */
function vint(data: Buffer, at: number, keepMarker: boolean): { length: number; value: number; unknown: boolean } {
  const first = data[at]!;
  let length = 1;
  while (length <= 8 && !(first & (0x100 >> length))) length++;
  if (length > 8) throw new Error(`no variable-length integer at byte ${at}`);
  let value = keepMarker ? first : first & ((0x100 >> length) - 1);
  let allOnes = value === (0x100 >> length) - 1;
  for (let i = 1; i < length; i++) {
    value = value * 256 + data[at + i]!;
    allOnes &&= data[at + i] === 0xff;
  }
  return { length, value, unknown: !keepMarker && allOnes };
}

/** One element's ID, where its content starts and how long it is (undefined: unknown, to the end). */
function element(data: Buffer, at: number) {
  const id = vint(data, at, true);
  const size = vint(data, at + id.length, false);
  return { id: id.value, start: at + id.length + size.length, size: size.unknown ? undefined : size.value, sizeAt: at + id.length, sizeLength: size.length };
}

function sizeBytes(value: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  let rest = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  out[0]! |= 0x100 >> length;
  return out;
}

/** The WebM with a Duration of `ms` in its Segment's Info (unchanged if it has one already). */
export function withDuration(webm: Buffer, ms: number): Buffer {
  const header = element(webm, 0);
  const segment = element(webm, header.start + header.size!);
  if (segment.id !== ids.segment) throw new Error('no Segment after the EBML header');
  const end = segment.size === undefined ? webm.length : segment.start + segment.size;
  for (let at = segment.start; at < end; ) {
    const child = element(webm, at);
    if (child.size === undefined) break;
    // Positions in a SeekHead would move with the bytes added; the recorder writes none.
    if (child.id === ids.seekHead) throw new Error('the WebM has a SeekHead; its positions would need updating');
    if (child.id === ids.info) {
      let scaleNs = 1_000_000;
      for (let inner = child.start; inner < child.start + child.size; ) {
        const field = element(webm, inner);
        if (field.id === ids.duration) return webm;
        if (field.id === ids.timecodeScale) scaleNs = webm.readUIntBE(field.start, field.size!);
        inner = field.start + field.size!;
      }
      const duration = Buffer.alloc(11);
      duration.writeUInt16BE(ids.duration, 0);
      duration[2] = 0x88; // a size of 8: a 64-bit float
      duration.writeDoubleBE((ms * 1_000_000) / scaleNs, 3);
      const content = Buffer.concat([webm.subarray(child.start, child.start + child.size), duration]);
      const info = Buffer.concat([webm.subarray(at, child.sizeAt), sizeBytes(content.length, 8), content]);
      const before = Buffer.from(webm.subarray(0, at));
      if (segment.size !== undefined) sizeBytes(segment.size + info.length - (child.start + child.size - at), segment.sizeLength).copy(before, segment.sizeAt);
      return Buffer.concat([before, info, webm.subarray(child.start + child.size)]);
    }
    at = child.start + child.size;
  }
  throw new Error('no Info element in the WebM');
}
