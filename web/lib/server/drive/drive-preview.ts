// How a drive file's bytes are labelled when they leave a frontend: as an attachment, or inline
// when the caller asks (`?inline=1`, the viewer's <img>, <audio>, <video>) and the stored type is
// on the allowlist of web/lib/drive-preview.ts. Every answer is nosniff and carries a sandboxing
// CSP, so even a file whose stored type is wrong (the uploader names it) cannot run script as a
// page of the site, whether it is opened in the viewer or at its URL. Pure.
import { isInlineType } from '../../drive-preview';
import { contentDisposition } from '../download';

/**
 * Every answer, attachment or inline: no script, no fetches of its own, an opaque origin. The
 * viewer's <img>, <audio> and <video> are not documents, so the policy does not touch them; it
 * binds only a file opened at its URL. There Chromium's own player for a video or audio file,
 * running in the sandbox's opaque origin, cannot fetch the file again (it asks with CORS, which
 * a cookie-guarded file must never grant to an opaque origin), so such a file plays in the
 * viewer, not at its bare URL: no script, even in a file whose stored type lies, comes first.
 */
export const sandboxCsp = "sandbox; default-src 'none'";

export interface Disposition {
  inline: boolean;
  headers: Record<string, string>;
}

/** Whether a request asks for the inline form: `inline=1` in its query. */
export function wantsInline(req: Request): boolean {
  return new URL(req.url).searchParams.get('inline') === '1';
}

/**
 * The headers that name and fence a file's content: its type, inline or attachment, nosniff and
 * the CSP. A type off the allowlist is an attachment whatever was asked.
 */
export function contentHeaders(name: string, type: string, askedInline: boolean): Disposition {
  const inline = askedInline && isInlineType(type);
  const disposition = contentDisposition(name);
  return {
    inline,
    headers: {
      'Content-Type': type,
      'Content-Disposition': inline ? disposition.replace(/^attachment;/, 'inline;') : disposition,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': sandboxCsp,
    },
  };
}
