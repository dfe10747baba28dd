// Thumbnails made by real sharp from real images generated here: fitted and upright (EXIF
// orientation), stripped of metadata, WebP; and the images that get none — damaged, cut short,
// over the pixel limit, or not a raster image at all (an SVG with a script is never decoded).
// Also the stored cell's codec.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { decodeThumbnail, encodeThumbnail, stillValid } from './drive-thumbnail-cell.ts';
import { makeThumbnail, sniffImageFormat } from './drive-thumbnail-image.ts';

const limits = { edgePx: 256, inputPixelsMax: 50_000_000 };

/** A photo-sized image, left half red and right half blue, so orientation shows. */
function halves(width: number, height: number): Buffer {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 3;
      if (x < width / 2) raw[at] = 230;
      else raw[at + 2] = 230;
    }
  }
  return raw;
}

async function pixel(webp: Buffer, x: number, y: number): Promise<{ r: number; g: number; b: number }> {
  const { data, info } = await sharp(webp).raw().toBuffer({ resolveWithObject: true });
  const at = (y * info.width + x) * info.channels;
  return { r: data[at]!, g: data[at + 1]!, b: data[at + 2]! };
}

test('a JPEG becomes a WebP inside the edge, its aspect kept, with no metadata left', async () => {
  const jpeg = await sharp(halves(1200, 800), { raw: { width: 1200, height: 800, channels: 3 } })
    .withExif({ IFD0: { Copyright: 'Secret Camera 1234', Artist: 'someone' } })
    .jpeg({ quality: 90 })
    .toBuffer();
  assert.ok((await sharp(jpeg).metadata()).exif, 'the source carries EXIF');
  const result = await makeThumbnail(jpeg, limits);
  assert.equal(result.kind, 'made');
  if (result.kind !== 'made') return;
  assert.deepEqual([result.width, result.height], [256, 171]);
  const meta = await sharp(result.webp).metadata();
  assert.equal(meta.format, 'webp');
  assert.deepEqual([meta.width, meta.height], [256, 171]);
  assert.equal(meta.exif, undefined);
  assert.equal(meta.orientation, undefined);
  assert.ok(!result.webp.includes('Secret Camera'));
  assert.ok(result.webp.length < 64 * 1024, `${result.webp.length} bytes`);
});

test('an EXIF-rotated photo comes out upright', async () => {
  // Orientation 6: the stored pixels must turn 90° clockwise to be seen right, so the stored
  // left half (red) is the top of the picture, and the stored landscape is a portrait.
  const jpeg = await sharp(halves(1200, 800), { raw: { width: 1200, height: 800, channels: 3 } })
    .jpeg({ quality: 90 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
  assert.equal((await sharp(jpeg).metadata()).orientation, 6);
  const result = await makeThumbnail(jpeg, limits);
  assert.equal(result.kind, 'made');
  if (result.kind !== 'made') return;
  assert.deepEqual([result.width, result.height], [171, 256]);
  const top = await pixel(result.webp, 85, 10);
  const bottom = await pixel(result.webp, 85, 245);
  assert.ok(top.r > 180 && top.b < 80, `top is red: ${JSON.stringify(top)}`);
  assert.ok(bottom.b > 180 && bottom.r < 80, `bottom is blue: ${JSON.stringify(bottom)}`);
  assert.equal((await sharp(result.webp).metadata()).orientation, undefined);
});

test('a small image is not enlarged; PNG, GIF and WebP sources work too, alpha kept', async () => {
  const base = sharp({ create: { width: 100, height: 50, channels: 4, background: { r: 0, g: 128, b: 0, alpha: 0.5 } } });
  for (const source of [await base.clone().png().toBuffer(), await base.clone().gif().toBuffer(), await base.clone().webp().toBuffer()]) {
    const result = await makeThumbnail(source, limits);
    assert.equal(result.kind, 'made', String(sniffImageFormat(source)));
    if (result.kind === 'made') assert.deepEqual([result.width, result.height], [100, 50]);
  }
  const png = await makeThumbnail(await base.clone().png().toBuffer(), limits);
  if (png.kind === 'made') assert.equal((await sharp(png.webp).metadata()).hasAlpha, true);
});

test('a damaged image gets no thumbnail, and no throw', async () => {
  const good = await sharp(halves(400, 300), { raw: { width: 400, height: 300, channels: 3 } }).jpeg().toBuffer();
  const garbage = Buffer.concat([good.subarray(0, 4), Buffer.from('this is not the rest of a JPEG '.repeat(40))]);
  const png = await sharp(halves(400, 300), { raw: { width: 400, height: 300, channels: 3 } }).png().toBuffer();
  const cutShort = png.subarray(0, Math.floor(png.length / 2));
  for (const [what, bytes] of [
    ['garbage after a JPEG start', garbage],
    ['a PNG cut in half', cutShort],
    ['a JPEG cut in half', good.subarray(0, Math.floor(good.length / 2))],
    ['a PNG signature alone', png.subarray(0, 8)],
  ] as const) {
    const result = await makeThumbnail(bytes, limits);
    assert.equal(result.kind, 'none', what);
    if (result.kind === 'none') assert.equal(result.reason, 'unreadable', what);
  }
});

test('a JPEG whose scan data is damaged but decodes still gets a thumbnail, as a browser still draws it', async () => {
  const good = await sharp(halves(400, 300), { raw: { width: 400, height: 300, channels: 3 } }).jpeg().toBuffer();
  const flipped = Buffer.from(good);
  for (let i = 700; i < flipped.length - 2; i += 97) flipped[i] = flipped[i]! ^ 0x55;
  const result = await makeThumbnail(flipped, limits);
  assert.equal(result.kind, 'made');
});

test('an image over the pixel limit is refused from its header, before decoding', async () => {
  const big = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#888' } }).png().toBuffer();
  const result = await makeThumbnail(big, { edgePx: 256, inputPixelsMax: 1_000_000 });
  assert.deepEqual(result, { kind: 'none', reason: 'pixels', pixels: 6_000_000 });
});

test('an SVG, HTML or anything not a known raster format is never handed to the decoder', async () => {
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>');
  for (const bytes of [svg, Buffer.from('<!doctype html><script>alert(1)</script>'), Buffer.from('%PDF-1.7\n'), Buffer.alloc(0), Buffer.from([0xff])]) {
    assert.deepEqual(await makeThumbnail(bytes, limits), { kind: 'none', reason: 'unsupported' });
  }
});

test('formats are known by their first bytes', () => {
  const ftyp = (...brands: string[]) => {
    const box = Buffer.alloc(8 + brands.length * 4);
    box.writeUInt32BE(box.length, 0);
    box.write('ftyp', 4, 'latin1');
    brands.forEach((b, i) => box.write(b, 8 + i * 4, 'latin1'));
    return box;
  };
  assert.equal(sniffImageFormat(Buffer.from([0xff, 0xd8, 0xff, 0xe0])), 'jpeg');
  assert.equal(sniffImageFormat(Buffer.from('\x89PNG\r\n\x1a\n', 'latin1')), 'png');
  assert.equal(sniffImageFormat(Buffer.from('GIF89a')), 'gif');
  assert.equal(sniffImageFormat(Buffer.from('RIFF\0\0\0\0WEBPVP8 ', 'latin1')), 'webp');
  assert.equal(sniffImageFormat(Buffer.from('II*\0', 'latin1')), 'tiff');
  assert.equal(sniffImageFormat(ftyp('avif', '\0\0\0\0', 'mif1')), 'avif');
  assert.equal(sniffImageFormat(ftyp('mif1', '\0\0\0\0', 'miaf', 'avif')), 'avif');
  assert.equal(sniffImageFormat(ftyp('heic', 'avif', 'mif1')), undefined, 'a minor version that spells avif is no brand');
  assert.equal(sniffImageFormat(ftyp('isom', '\0\0\0\0', 'mp41')), undefined, 'an MP4 video');
  assert.equal(sniffImageFormat(Buffer.from('RIFF\0\0\0\0WAVE', 'latin1')), undefined);
});

test('the stored cell: a WebP as itself, or why there is none; a raised pixel limit retries', () => {
  const webp = Buffer.from('RIFF\x10\0\0\0WEBPVP8 ', 'latin1');
  assert.deepEqual(decodeThumbnail(encodeThumbnail({ kind: 'made', webp })), { kind: 'made', webp });
  for (const reason of ['unsupported', 'unreadable'] as const) {
    const stored = { kind: 'none', reason } as const;
    assert.deepEqual(decodeThumbnail(encodeThumbnail(stored)), stored);
    assert.equal(stillValid(stored, 1), true);
  }
  const pixels = { kind: 'none', reason: 'pixels', pixels: 6_000_000 } as const;
  assert.deepEqual(decodeThumbnail(encodeThumbnail(pixels)), pixels);
  assert.equal(stillValid(pixels, 1_000_000), true);
  assert.equal(stillValid(pixels, 6_000_000), false, 'the limit now admits it: made again');
  for (const unknown of [undefined, Buffer.alloc(0), Buffer.from('{"none":"later"}'), Buffer.from('{broken'), Buffer.from('GIF89a')]) {
    assert.equal(decodeThumbnail(unknown), undefined);
  }
});
