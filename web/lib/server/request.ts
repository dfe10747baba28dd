// Checks every mutating request passes before a handler sees it: the Origin names this site,
// and the body is JSON or a form (multipart where a route takes files), at most bytesMax bytes.
// Pure functions of a Request, so they are tested without a server.
//
// The scheme and the client address a request carries in X-Forwarded-Proto and X-Forwarded-For
// are the frontend's own verdict: web/main.ts overwrites both before Next sees the request,
// believing a client's headers only from a trusted proxy (http.trustedProxies).
import { HttpError } from './errors';

export type Scheme = 'http' | 'https';

/** The scheme the browser used for this request (web/main.ts decided it). */
export function requestScheme(headers: Pick<Headers, 'get'>): Scheme {
  return headers.get('x-forwarded-proto') === 'https' ? 'https' : 'http';
}

/**
 * A mutating request must carry an Origin naming this site: the scheme the browser used and the
 * same host (and port) the request was sent to, or one of `allowed` (full origins, for a site
 * behind a proxy that rewrites Host). Browsers always send Origin on cross-site and same-site
 * POSTs, so a missing one is refused too. The scheme counts: on an HTTPS site a page served over
 * plain HTTP — which anyone on the network can write — is another origin.
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
  if (allowed.includes(url.origin)) return;
  const sameHost = url.host === req.headers.get('host');
  const scheme = requestScheme(req.headers);
  if (sameHost && url.protocol === `${scheme}:`) return;
  if (sameHost && (url.protocol === 'http:' || url.protocol === 'https:')) {
    // Most often a proxy that terminates HTTPS without being in http.trustedProxies, so its
    // X-Forwarded-Proto was ignored: name the mismatch rather than blame "another site".
    throw new HttpError(403, 'bad_origin', `Refused: the page came over ${url.protocol.slice(0, -1)}, but this server was reached over ${scheme}.`);
  }
  throw new HttpError(403, 'bad_origin', 'Refused: the request comes from another site.');
}

/**
 * The path's segments after the first `skip`, each percent-decoded; a segment that is not valid
 * percent-encoding (`%E0`) is a 400, not a server error.
 */
export function pathSegments(req: Request, skip: number): string[] {
  const raw = new URL(req.url).pathname.split('/').filter(Boolean).slice(skip);
  try {
    return raw.map(decodeURIComponent);
  } catch {
    throw new HttpError(400, 'invalid_argument', 'The path is not valid percent-encoding.');
  }
}

type BodyKind = 'json' | 'form' | 'multipart';

function bodyKind(contentType: string | null): BodyKind | undefined {
  const media = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (media === 'application/json') return 'json';
  if (media === 'application/x-www-form-urlencoded') return 'form';
  if (media === 'multipart/form-data') return 'multipart';
  return undefined;
}

/** A file of a multipart body. */
export interface UploadedFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

export interface BodyOptions {
  bytesMax: number;
  /** Accept multipart/form-data: its text fields as strings, its files as UploadedFile[] per field name. */
  multipart?: boolean;
}

/**
 * The body as a plain value: parsed JSON, or a form as an object of its (last) fields; with
 * `multipart`, a multipart form likewise, each file field an array of its files.
 */
export async function readBody(req: Request, { bytesMax, multipart = false }: BodyOptions): Promise<unknown> {
  const contentType = req.headers.get('content-type');
  const kind = bodyKind(contentType);
  if (!kind || (kind === 'multipart' && !multipart)) {
    const accepted = multipart ? 'application/json, application/x-www-form-urlencoded or multipart/form-data' : 'application/json or application/x-www-form-urlencoded';
    throw new HttpError(415, 'unsupported_media_type', `Send the body as ${accepted}.`);
  }
  const bytes = await readBytes(req, bytesMax);
  if (kind === 'multipart') return readMultipart(bytes, contentType!);
  const text = bytes.toString('utf8');
  if (kind === 'form') return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid JSON.');
  }
}

async function readMultipart(bytes: Buffer, contentType: string): Promise<Record<string, string | UploadedFile[]>> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length), { headers: { 'Content-Type': contentType } }).formData();
  } catch {
    throw new HttpError(400, 'invalid_argument', 'The body is not a valid multipart form.');
  }
  const out: Record<string, string | UploadedFile[]> = {};
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      out[name] = value;
      continue;
    }
    const files = Array.isArray(out[name]) ? out[name] : (out[name] = []);
    files.push({ filename: value.name, contentType: value.type, content: Buffer.from(await value.arrayBuffer()) });
  }
  return out;
}

/** Reads a body of any type without keeping it, for routes that take none; size still bounded. */
export async function discardBody(req: Request, bytesMax: number): Promise<void> {
  if (!req.body) return;
  await readBytes(req, bytesMax);
}

async function readBytes(req: Request, bytesMax: number): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, 'body_too_large', `The body is larger than ${bytesMax} bytes.`);
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > bytesMax) throw tooLarge();
  if (!req.body) return Buffer.alloc(0);
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
  return Buffer.concat(chunks);
}
