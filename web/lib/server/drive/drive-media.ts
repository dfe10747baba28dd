// The media type stored with a file: the one the client sent, unless it says nothing useful
// (absent, application/octet-stream, or curl --data-binary's form type), then one guessed from
// the name's extension. Served back with nosniff and as an attachment, so a wrong guess can
// only misname a download, never run it as a page. Pure.
const byExtension: Record<string, string> = {
  txt: 'text/plain',
  md: 'text/markdown',
  csv: 'text/csv',
  html: 'text/html',
  htm: 'text/html',
  css: 'text/css',
  js: 'text/javascript',
  json: 'application/json',
  xml: 'application/xml',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  svg: 'image/svg+xml',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
  mp4: 'video/mp4',
  webm: 'video/webm',
  mov: 'video/quicktime',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
};

const fallback = 'application/octet-stream';
const token = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/;
const uninformative = new Set([fallback, 'application/x-www-form-urlencoded', 'multipart/form-data']);

export function mediaTypeOf(header: string | null, name: string): string {
  const given = (header ?? '').split(';')[0]!.trim().toLowerCase();
  if (token.test(given) && !uninformative.has(given)) return given;
  const dot = name.lastIndexOf('.');
  return (dot > 0 && byExtension[name.slice(dot + 1).toLowerCase()]) || fallback;
}
