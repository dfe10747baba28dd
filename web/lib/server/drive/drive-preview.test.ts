// Which drive files are ever served inline, and how every answer is fenced: nosniff, a sandboxing
// CSP, an attachment for anything off the allowlist (HTML and SVG above all) whatever was asked;
// and what the viewer makes of a file's type and name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hasThumbnail, isInlineType, previewKindOf } from '../../drive-preview.ts';
import { contentHeaders, sandboxCsp, wantsInline } from './drive-preview.ts';

function fenced(headers: Record<string, string>): void {
  assert.equal(headers['X-Content-Type-Options'], 'nosniff');
  const csp = headers['Content-Security-Policy'] ?? '';
  assert.match(csp, /^sandbox;/, 'no script, whatever the content turns out to be');
  assert.match(csp, /default-src 'none'/);
  assert.doesNotMatch(csp, /allow-scripts|script-src|unsafe/);
}

test('images, audio and video asked for inline are inline; the stored type is the Content-Type', () => {
  for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif']) {
    const { inline, headers } = contentHeaders('a picture.png', type, true);
    assert.equal(inline, true, type);
    assert.equal(headers['Content-Type'], type);
    assert.match(headers['Content-Disposition']!, /^inline; filename="a picture.png"; filename\*=UTF-8''a%20picture.png$/);
    assert.equal(headers['Content-Security-Policy'], sandboxCsp);
    fenced(headers);
  }
  for (const type of ['video/webm', 'video/mp4', 'video/quicktime', 'audio/mpeg', 'audio/ogg', 'audio/flac']) {
    const { inline, headers } = contentHeaders('clip', type, true);
    assert.equal(inline, true, type);
    assert.equal(headers['Content-Security-Policy'], sandboxCsp);
    fenced(headers);
  }
});

test('documents that can script, and anything off the allowlist, are attachments even when asked inline', () => {
  const refused = ['text/html', 'image/svg+xml', 'application/xhtml+xml', 'text/xml', 'application/xml', 'application/pdf', 'text/plain', 'application/javascript', 'application/octet-stream', 'image/x-icon', 'multipart/x-mixed-replace'];
  for (const type of refused) {
    const { inline, headers } = contentHeaders('page.html', type, true);
    assert.equal(inline, false, type);
    assert.match(headers['Content-Disposition']!, /^attachment;/, type);
    assert.equal(headers['Content-Security-Policy'], sandboxCsp, type);
    fenced(headers);
  }
});

test('without ?inline=1 everything is an attachment, images too', () => {
  const { inline, headers } = contentHeaders('photo.jpg', 'image/jpeg', false);
  assert.equal(inline, false);
  assert.match(headers['Content-Disposition']!, /^attachment;/);
  fenced(headers);
});

test('only inline=1 in the query asks for the inline form', () => {
  assert.equal(wantsInline(new Request('http://x/api/drive/files/f1?inline=1')), true);
  for (const url of ['http://x/api/drive/files/f1', 'http://x/api/drive/files/f1?inline=true', 'http://x/api/drive/files/f1?inline=0', 'http://x/api/drive/files/f1?download&inline']) {
    assert.equal(wantsInline(new Request(url)), false, url);
  }
});

test('the allowlist holds no type that renders as a document', () => {
  for (const type of ['text/html', 'image/svg+xml', 'application/xhtml+xml', 'application/xml', 'text/xml', 'application/pdf', '']) assert.equal(isInlineType(type), false, type);
});

test('the viewer shows each kind of file as its type, or for untyped files its extension, allows', () => {
  const cases: [string | undefined, string, string][] = [
    ['image/png', 'a.png', 'image'],
    ['image/svg+xml', 'logo.svg', 'text'],
    ['text/html', 'page.html', 'text'],
    ['text/plain', 'notes', 'text'],
    ['application/json', 'data.json', 'text'],
    ['application/octet-stream', 'main.rs', 'text'],
    ['application/octet-stream', 'Makefile', 'text'],
    [undefined, 'script.py', 'text'],
    ['application/octet-stream', 'archive.bin', 'none'],
    ['application/zip', 'code.ts.zip', 'none'],
    ['application/pdf', 'report.pdf', 'pdf'],
    ['video/webm', 'clip.webm', 'video'],
    ['audio/mpeg', 'song.mp3', 'audio'],
    ['image/tiff', 'scan.tiff', 'none'],
  ];
  for (const [type, name, kind] of cases) assert.equal(previewKindOf(type, name), kind, `${type} ${name}`);
});

test('thumbnails are made of raster images sharp reads, never of SVG', () => {
  for (const type of ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/tiff']) assert.equal(hasThumbnail(type), true, type);
  for (const type of ['image/svg+xml', 'text/html', 'application/pdf', 'image/x-icon', undefined]) assert.equal(hasThumbnail(type), false, String(type));
});
