// What a drive file's preview may be, decided from its stored media type and name alone, by the
// server (which types it ever serves inline, which it makes thumbnails of) and by the viewer
// (what it shows). One module for both, so the page never asks to show inline what the server
// would only send as an attachment. Pure, and safe to import in the browser.
//
// The lists are allowlists on purpose: a type not named here is downloaded, never rendered from
// the site's origin. SVG and HTML are documents that can run script, so they are shown as text.

export type PreviewKind = 'image' | 'pdf' | 'text' | 'audio' | 'video' | 'none';

/** Raster images every current browser draws in an <img>. */
const imageTypes = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);
const audioTypes = new Set(['audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/ogg', 'audio/opus', 'audio/wav', 'audio/x-wav', 'audio/webm', 'audio/flac']);
const videoTypes = new Set(['video/mp4', 'video/webm', 'video/ogg', 'video/quicktime']);

/** Types of text that are not text/*: shown in a <pre>, never interpreted. */
const textLikeTypes = new Set([
  'application/json',
  'application/xml',
  'application/javascript',
  'application/x-javascript',
  'application/typescript',
  'application/x-sh',
  'application/x-shellscript',
  'application/x-yaml',
  'application/yaml',
  'application/toml',
  'application/sql',
  'application/x-httpd-php',
  'application/x-python',
  'image/svg+xml',
]);

/**
 * Names whose type says nothing (an upload that named none, so stored as octet-stream) but whose
 * extension is plain text: source code and configuration.
 */
const textExtensions = new Set(
  (
    'txt text md markdown rst log csv tsv json jsonl ndjson xml yaml yml toml ini cfg conf env properties ' +
    'html htm css scss less svg js mjs cjs jsx ts mts cts tsx py rb php pl lua r go rs java kt kts scala swift ' +
    'c h cc cpp cxx hpp hh cs m mm sh bash zsh fish ps1 bat cmd sql graphql proto tex bib diff patch ' +
    'dockerfile makefile gradle cmake vue svelte el clj ex exs erl hs ml fs dart zig nim'
  ).split(' '),
);

/** Images the server makes thumbnails of (sharp decodes them; never SVG, see drive-thumbnail-image.ts). */
const thumbnailTypes = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'image/avif', 'image/tiff']);

function baseType(type: string | undefined): string {
  return (type ?? '').split(';')[0]!.trim().toLowerCase();
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  // A name without a dot may still be a known text file (Makefile, Dockerfile).
  return (dot > 0 ? name.slice(dot + 1) : name).toLowerCase();
}

export function previewKindOf(type: string | undefined, name: string): PreviewKind {
  const t = baseType(type);
  if (imageTypes.has(t)) return 'image';
  if (t === 'application/pdf') return 'pdf';
  if (audioTypes.has(t)) return 'audio';
  if (videoTypes.has(t)) return 'video';
  if (t.startsWith('text/') || textLikeTypes.has(t)) return 'text';
  if ((t === '' || t === 'application/octet-stream') && textExtensions.has(extensionOf(name))) return 'text';
  return 'none';
}

/**
 * Whether the server may send a file of this type with `Content-Disposition: inline`: images,
 * audio and video that a browser plays in an element of the page. PDF and text are fetched by
 * the viewer's script and drawn by it, so they never need to be inline.
 */
export function isInlineType(type: string | undefined): boolean {
  const t = baseType(type);
  return imageTypes.has(t) || audioTypes.has(t) || videoTypes.has(t);
}

export function hasThumbnail(type: string | undefined): boolean {
  return thumbnailTypes.has(baseType(type));
}
