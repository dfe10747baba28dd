// HTML mail made safe to show: sanitized here on the server (sanitize-html), then shown by the
// page in an iframe with `sandbox` (no scripts) whose own CSP forbids every remote load — two
// fences, so a gap in one is still closed by the other. What survives: text and structure,
// links (http, https, mailto only; they open in a new tab), and images only as data: URLs —
// a remote image is a tracking pixel, so it is removed, not proxied.
import sanitizeHtml from 'sanitize-html';

const options: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, 'img', 'font', 'center', 'span'],
  allowedAttributes: {
    // target and rel are set by transformTags below, never taken from the mail.
    a: ['href', 'title', 'target', 'rel'],
    img: ['src', 'alt', 'title', 'width', 'height'],
    td: ['colspan', 'rowspan', 'align', 'valign'],
    th: ['colspan', 'rowspan', 'align', 'valign'],
    '*': ['align', 'dir', 'lang'],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['data'] },
  allowProtocolRelative: false,
  // Contents of these go entirely (a script's text is not something to show).
  nonTextTags: ['script', 'style', 'textarea', 'option', 'noscript', 'title', 'head'],
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, target: '_blank', rel: 'noopener noreferrer' } }),
  },
  exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
};

export function sanitizeMailHtml(html: string): string {
  return sanitizeHtml(html, options);
}

/**
 * The document the page puts in the sandboxed iframe's srcdoc. Its meta CSP is the second
 * fence: no scripts, no remote images, fonts, frames or style sheets, no form posts.
 */
export function mailDocument(cleanHtml: string): string {
  const csp = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; form-action 'none'; base-uri 'none'";
  return (
    '<!doctype html><html><head><meta charset="utf-8">' +
    `<meta http-equiv="Content-Security-Policy" content="${csp}">` +
    '<style>body{font-family:sans-serif;font-size:14px;margin:0;padding:8px;overflow-wrap:anywhere}img{max-width:100%;height:auto}</style>' +
    `</head><body>${cleanHtml}</body></html>`
  );
}
