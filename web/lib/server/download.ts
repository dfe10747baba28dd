// How every download leaves a frontend (drive files, mail attachments): as an attachment named
// for old and new browsers alike (RFC 6266 §4.3, RFC 8187), never sniffed, never run as a page
// even when opened directly. Pure.

/** The name both as a plain-ASCII fallback and UTF-8 encoded. */
export function contentDisposition(name: string): string {
  // The fallback keeps printable ASCII except the quote and backslash, which would end or escape it.
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

export function attachmentHeaders(name: string): Record<string, string> {
  return {
    'Content-Disposition': contentDisposition(name),
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': "sandbox; default-src 'none'",
  };
}
