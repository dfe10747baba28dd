// Making one thumbnail from an image's bytes, with sharp: the image turned upright by its EXIF
// orientation, fitted inside a square of `edgePx`, first frame only, re-encoded as WebP with no
// metadata kept (sharp writes none unless asked: no GPS position, no camera serial leaves with a
// thumbnail). The bytes are untrusted: only formats recognised by their first bytes are given to
// sharp (libvips would otherwise pick a loader by content, SVG's among them), the pixel count is
// checked from the header before any decoding, and any failure is an answer, never a throw.
import sharp from 'sharp';

// libvips' cache keeps recent operations' pixels for reuse; thumbnails are made once each, so
// the cache would only hold a frontend's memory.
sharp.cache(false);

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'avif';

/** The name sharp's metadata gives each format's decoder (AVIF is read by libheif). */
const decoderOf: Record<ImageFormat, string> = { jpeg: 'jpeg', png: 'png', gif: 'gif', webp: 'webp', tiff: 'tiff', avif: 'heif' };

/** The format the bytes start as, or undefined for anything else (SVG, HTML, PDF, garbage). */
export function sniffImageFormat(head: Uint8Array): ImageFormat | undefined {
  const ascii = (from: number, to: number) => String.fromCharCode(...head.subarray(from, to));
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'jpeg';
  if (ascii(0, 8) === '\x89PNG\r\n\x1a\n') return 'png';
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return 'gif';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'webp';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'tiff';
  // ISO BMFF: a `ftyp` box whose major or compatible brands name AVIF (HEIC is not decodable here).
  if (ascii(4, 8) === 'ftyp') {
    const boxBytes = Math.min(head.length, ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0);
    for (let at = 8; at + 4 <= boxBytes; at += 4) {
      if (at === 12) continue; // the minor version, not a brand
      const brand = ascii(at, at + 4);
      if (brand === 'avif' || brand === 'avis') return 'avif';
    }
  }
  return undefined;
}

export interface ThumbnailLimits {
  /** The thumbnail's longest side. */
  edgePx: number;
  /** Images of more pixels (width × height) are not decoded. */
  inputPixelsMax: number;
}

export type ThumbnailResult =
  | { kind: 'made'; webp: Buffer; width: number; height: number }
  | { kind: 'none'; reason: 'unsupported' }
  | { kind: 'none'; reason: 'pixels'; pixels: number }
  | { kind: 'none'; reason: 'unreadable'; detail: string };

export async function makeThumbnail(input: Buffer, limits: ThumbnailLimits): Promise<ThumbnailResult> {
  const format = sniffImageFormat(input.subarray(0, 64));
  if (!format) return { kind: 'none', reason: 'unsupported' };
  try {
    // The header alone, without the limit (sharp would refuse to say how far over it is).
    const meta = await sharp(input, { limitInputPixels: false }).metadata();
    if (meta.format !== decoderOf[format]) return { kind: 'none', reason: 'unsupported' };
    const pixels = meta.width * meta.height;
    if (!(pixels > 0)) return { kind: 'none', reason: 'unreadable', detail: 'the image has no size' };
    if (pixels > limits.inputPixelsMax) return { kind: 'none', reason: 'pixels', pixels };
    // failOn 'error': a file cut short or that cannot be decoded gets none; a photo whose
    // decoder only warns (damaged scan data, extraneous bytes) gets what a browser would draw.
    const { data, info } = await sharp(input, { limitInputPixels: limits.inputPixelsMax, failOn: 'error', autoOrient: true, pages: 1 })
      .resize(limits.edgePx, limits.edgePx, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75, effort: 2 })
      .toBuffer({ resolveWithObject: true });
    return { kind: 'made', webp: data, width: info.width, height: info.height };
  } catch (err) {
    return { kind: 'none', reason: 'unreadable', detail: err instanceof Error ? err.message : String(err) };
  }
}
