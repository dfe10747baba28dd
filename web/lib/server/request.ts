// Checks every mutating request passes before a handler sees it: the Origin names this site,
// and the body is JSON or a form, at most bytesMax bytes. Pure functions of a Request, so they
// are tested without a server.
import { HttpError } from './errors';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isMutating(method: string): boolean {
  return !safeMethods.has(method.toUpperCase());
}

/**
 * A mutating request must carry an Origin naming this site: the same host (and port) the
 * request was sent to, or one of `allowed` (full origins, for a site behind a proxy). Browsers
 * always send Origin on cross-site and same-site POSTs, so a missing one is refused too.
 */
export function checkOrigin(req: Request, allowed: readonly string[]): void {
  const origin = req.headers.get('origin');
  if (!origin) throw new HttpError(403, 'bad_origin', 'Refused: the request has no Origin header.');
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new HttpError(403, 'bad_origin', 'Refused: the request comes from another site.');
  }
  const sameHost = (url.protocol === 'http:' || url.protocol === 'https:') && url.host === req.headers.get('host');
  if (sameHost || allowed.includes(url.origin)) return;
  throw new HttpError(403, 'bad_origin', 'Refused: the request comes from another site.');
}

type BodyKind = 'json' | 'form';

function bodyKind(contentType: string | null): BodyKind | undefined {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === 'application/json') return 'json';
  if (media === 'application/x-www-form-urlencoded') return 'form';
  return undefined;
}

/** The body as a plain value: parsed JSON, or a form as an object of its (last) fields. */
export async function readBody(req: Request, bytesMax: number): Promise<unknown> {
  const kind = bodyKind(req.headers.get('content-type'));
  if (!kind) {
    throw new HttpError(415, 'unsupported_media_type', 'Send the body as application/json or application/x-www-form-urlencoded.');
  }
  const text = await readText(req, bytesMax);
  if (kind === 'form') return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid JSON.');
  }
}

/** Reads a body of any type without keeping it, for routes that take none; size still bounded. */
export async function discardBody(req: Request, bytesMax: number): Promise<void> {
  if (!req.body) return;
  await readText(req, bytesMax);
}

async function readText(req: Request, bytesMax: number): Promise<string> {
  const tooLarge = () => new HttpError(413, 'body_too_large', `The body is larger than ${bytesMax} bytes.`);
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > bytesMax) throw tooLarge();
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > bytesMax) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
