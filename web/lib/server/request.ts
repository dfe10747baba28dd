// Checks every mutating request passes before a handler sees it: the Origin names this site,
// and the body is JSON or a form (multipart where a route takes files), at most bytesMax bytes;
// and the turn a large body waits for (BodyAdmission). Functions of a Request and a small class,
// so they are tested without a server.
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
  /**
   * The body took its turn as a large one (BodyAdmission): its declared length is allocated at
   * once and read into, so it is held once rather than in pieces and again joined. Only then:
   * the turns bound how much such bodies hold, before their bytes arrive.
   */
  large?: boolean;
}

/**
 * The body as a plain value: parsed JSON, or a form as an object of its (last) fields; with
 * `multipart`, a multipart form likewise, each file field an array of its files.
 */
export async function readBody(req: Request, { bytesMax, multipart = false, large = false }: BodyOptions): Promise<unknown> {
  const contentType = req.headers.get('content-type');
  const kind = bodyKind(contentType);
  if (!kind || (kind === 'multipart' && !multipart)) {
    const accepted = multipart ? 'application/json, application/x-www-form-urlencoded or multipart/form-data' : 'application/json or application/x-www-form-urlencoded';
    throw new HttpError(415, 'unsupported_media_type', `Send the body as ${accepted}.`);
  }
  const bytes = await readBytes(req, bytesMax, large);
  if (kind === 'multipart') return readMultipart(bytes, contentType!);
  const text = bytes.toString('utf8');
  if (kind === 'form') return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid JSON.');
  }
}

/**
 * A multipart/form-data body (RFC 7578), parsed in place: each file's content is a view into
 * the body's one buffer, not a copy, since a mail's attachments may be 25 MiB and several are
 * read at once. A part with a filename parameter is a file, any other a text field.
 */
function readMultipart(bytes: Buffer, contentType: string): Record<string, string | UploadedFile[]> {
  const invalid = () => new HttpError(400, 'invalid_argument', 'The body is not a valid multipart form.');
  const boundary = headerParameter(contentType, 'boundary');
  if (!boundary || boundary.length > 200) throw invalid();
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  // The first delimiter may open the body without the CRLF before it.
  let at = bytes.subarray(0, delimiter.length - 2).equals(delimiter.subarray(2)) ? delimiter.length - 2 : bytes.indexOf(delimiter);
  if (at < 0) throw invalid();
  if (at !== delimiter.length - 2) at += delimiter.length;
  const out: Record<string, string | UploadedFile[]> = {};
  for (;;) {
    // After a delimiter: "--" closes the form, CRLF opens a part.
    if (bytes[at] === 0x2d && bytes[at + 1] === 0x2d) return out;
    if (bytes[at] !== 0x0d || bytes[at + 1] !== 0x0a) throw invalid();
    const headersEnd = bytes.indexOf('\r\n\r\n', at);
    const end = bytes.indexOf(delimiter, at);
    if (headersEnd < 0 || end < 0 || headersEnd + 2 > end) throw invalid();
    const headers = bytes.toString('utf8', at + 2, headersEnd);
    const content = bytes.subarray(headersEnd + 4, end);
    addPart(out, headers, content, invalid);
    at = end + delimiter.length;
  }
}

function addPart(out: Record<string, string | UploadedFile[]>, headerText: string, content: Buffer, invalid: () => Error): void {
  let disposition = '';
  let type = '';
  for (const line of headerText.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (name === 'content-disposition') disposition = line.slice(colon + 1).trim();
    else if (name === 'content-type') type = line.slice(colon + 1).trim();
  }
  if (!/^form-data\s*(;|$)/i.test(disposition)) throw invalid();
  const name = headerParameter(disposition, 'name');
  if (name === undefined) throw invalid();
  const filename = headerParameter(disposition, 'filename');
  if (filename === undefined) {
    out[name] = content.toString('utf8');
    return;
  }
  const files = Array.isArray(out[name]) ? out[name] : (out[name] = []);
  files.push({ filename, contentType: type || 'application/octet-stream', content });
}

/**
 * A parameter of a header value (`boundary=x`, `name="a b"`), unquoted; `filename*=UTF-8''…`
 * (RFC 5987) wins over `filename`. Browsers write a name's quote and line breaks as %22, %0D,
 * %0A (WHATWG's multipart/form-data encoding): those are decoded.
 */
function headerParameter(value: string, key: string): string | undefined {
  const pattern = /;\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^;\s]*)/g;
  let plain: string | undefined;
  for (const match of `;${value.replace(/^[^;]*/, '')}`.matchAll(pattern)) {
    const name = match[1]!.toLowerCase();
    const raw = match[3] !== undefined ? match[3].replace(/\\(.)/g, '$1') : match[2]!;
    if (name === `${key}*`) {
      const extended = /^([A-Za-z0-9-]+)'[^']*'(.*)$/.exec(raw);
      if (extended && /^utf-8$/i.test(extended[1]!)) {
        try {
          return decodeURIComponent(extended[2]!);
        } catch {
          // A broken extended value: the plain one, if any, stands.
        }
      }
    } else if (name === key && plain === undefined) {
      plain = raw.replace(/%22/g, '"').replace(/%0D/gi, '\r').replace(/%0A/gi, '\n');
    }
  }
  return plain;
}

/** Reads a body of any type without keeping it, for routes that take none; size still bounded. */
export async function discardBody(req: Request, bytesMax: number): Promise<void> {
  if (!req.body) return;
  await readBytes(req, bytesMax);
}

/** The whole body in one buffer; with `preallocate`, one of its declared length (BodyOptions.large). */
async function readBytes(req: Request, bytesMax: number, preallocate = false): Promise<Buffer> {
  const tooLarge = () => new HttpError(413, 'body_too_large', `The body is larger than ${bytesMax} bytes.`);
  const declaredText = req.headers.get('content-length');
  const declared = declaredText === null ? NaN : Number(declaredText);
  if (declared > bytesMax) throw tooLarge();
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const whole = preallocate && Number.isSafeInteger(declared) && declared >= 0 ? Buffer.allocUnsafe(declared) : undefined;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    // A client that goes away mid-body is no failure of ours: 400, nothing logged as an error.
    const { done, value } = await reader.read().catch(() => {
      throw new HttpError(400, 'aborted', 'The request body was cut off before its end.');
    });
    if (done) break;
    if (size + value.byteLength > (whole ? whole.length : bytesMax)) {
      await reader.cancel().catch(() => {});
      // More than declared cannot come over HTTP/1.1 (the parser stops at the length); kept honest anyway.
      throw whole ? new HttpError(400, 'invalid_argument', 'The body is longer than its Content-Length.') : tooLarge();
    }
    if (whole) whole.set(value, size);
    else chunks.push(value);
    size += value.byteLength;
  }
  if (!whole) return Buffer.concat(chunks);
  return size === whole.length ? whole : whole.subarray(0, size);
}

/**
 * Whether a body counts as large (web.largeBodyBytesMin): by its declared length, or — sent
 * without one, in chunks — whenever the route would take more than the threshold. One declared
 * over the route's limit is not: it is refused (413) without waiting for a turn.
 */
export function isLargeBody(headers: Pick<Headers, 'get'>, largeBytesMin: number, routeBytesMax: number): boolean {
  const declared = headers.get('content-length');
  if (declared !== null) return Number(declared) > largeBytesMin && Number(declared) <= routeBytesMax;
  if (headers.get('transfer-encoding') === null) return false;
  return routeBytesMax > largeBytesMin;
}

export const busyWithLargeBodies = 'The server is receiving as many large uploads as it takes at once; try again in a moment.';

/**
 * The large bodies a frontend reads at once, counted in turns: `turnsMax` in all. A body read
 * whole (a mail with attachments, up to 25 MiB, held while it is parsed and sent) may take more
 * turns than one streamed on as it arrives (a drive upload, which holds only its chunks in
 * flight). The others wait, first come first served, for at most the wait given — then 503
 * with Retry-After. An aborted request leaves the line at once.
 */
export class BodyAdmission {
  private inFlight = 0;
  private readonly queue: { turns: number; grant: () => void }[] = [];

  constructor(readonly turnsMax: number) {}

  /** Resolves, once it is this body's turn, to the function that ends its turn (call it once). */
  admit(waitMs: number, signal?: AbortSignal, turns = 1): Promise<() => void> {
    // A body worth more turns than there are takes them all.
    const wanted = Math.min(turns, this.turnsMax);
    if (this.queue.length === 0 && this.inFlight + wanted <= this.turnsMax) {
      this.inFlight += wanted;
      return Promise.resolve(this.releaser(wanted));
    }
    return new Promise((resolve, reject) => {
      const leave = (err: Error) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', aborted);
        const at = this.queue.indexOf(waiter);
        if (at >= 0) this.queue.splice(at, 1);
        // The first in line may have been waiting behind this one.
        if (at === 0) this.grantWaiting();
        reject(err);
      };
      const aborted = () => leave(new HttpError(499, 'aborted', 'The client went away.'));
      const waiter = {
        turns: wanted,
        grant: () => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', aborted);
          resolve(this.releaser(wanted));
        },
      };
      const timer = setTimeout(() => leave(new HttpError(503, 'unavailable', busyWithLargeBodies)), waitMs);
      signal?.addEventListener('abort', aborted, { once: true });
      this.queue.push(waiter);
    });
  }

  /** Turns taken. */
  get reading(): number {
    return this.inFlight;
  }

  get waiting(): number {
    return this.queue.length;
  }

  private releaser(turns: number): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight -= turns;
      this.grantWaiting();
    };
  }

  private grantWaiting(): void {
    for (let next = this.queue[0]; next && this.inFlight + next.turns <= this.turnsMax; next = this.queue[0]) {
      this.queue.shift();
      this.inFlight += next.turns;
      next.grant();
    }
  }
}
