// Every API route handler is built here, so each gets the same checks in the same order and
// one error path: mutations check the Origin, then the session (401 before a byte of the body
// is read, unless the route serves visitors without one), then wait their turn when the body
// is large (request.ts, BodyAdmission), then check the body's type and size, then its shape
// (zod); any throw becomes a JSON error (errors.ts). Handlers only call web/lib/server/*.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { z } from 'zod';
import type { Config } from '../../../cluster/common/config.ts';
import { HttpError, errorResponse } from './errors';
import { serverContext, type ServerContext } from './context';
import { BodyAdmission, checkOrigin, discardBody, isLargeBody, readBody } from './request';
import { getSession, resolveUser, type CurrentUser, type Session } from './session';

interface HandlerInput<B> {
  req: Request;
  body: B;
  ctx: ServerContext;
}

type Handler<B> = (input: HandlerInput<B>) => Promise<Response>;

/**
 * Where a plain HTML form post (a form submitted before the page's JavaScript ran) is sent
 * back: 303 to `success`, or to `failure?error=<code>`. JSON clients are never redirected.
 */
interface HtmlForm {
  success: string;
  failure: string;
}

function isHtmlFormPost(req: Request): boolean {
  const type = req.headers.get('content-type') ?? '';
  return type.startsWith('application/x-www-form-urlencoded') && (req.headers.get('accept') ?? '').includes('text/html');
}

async function asRedirect(response: Response, form: HtmlForm): Promise<Response> {
  if (response.ok) return new Response(null, { status: 303, headers: { Location: form.success } });
  const body = (await response.json().catch(() => ({}))) as { code?: string };
  // A form from another site is refused as it is, not sent to one of our pages.
  if (body.code === 'bad_origin') return Response.json(body, { status: response.status });
  const code = body.code ?? 'error';
  return new Response(null, { status: 303, headers: { Location: `${form.failure}?error=${encodeURIComponent(code)}` } });
}

export interface MutationOptions {
  /** Where a plain HTML form post is sent back (forms that work before the page's JavaScript). */
  htmlForm?: HtmlForm;
  /**
   * The route serves visitors without a session (login, sign-up, logout): its body is read
   * without one, and is at most web.bodyBytesMax. Every other route answers 401 before it reads
   * a byte of the body.
   */
  anonymous?: boolean;
  /** The largest body; web.bodyBytesMax when absent. */
  bodyBytesMax?: (config: Readonly<Config>) => number;
  /** Also accept multipart/form-data (request.ts, readBody). */
  multipart?: boolean;
  /**
   * The body is the handler's to stream, of any type and size (a drive upload, which enforces
   * its own limits); with schema null only.
   */
  rawBody?: boolean;
}

/** A POST/PUT/DELETE route; `schema` null for one that takes no body. */
export function mutationRoute<S extends z.ZodType>(name: string, schema: S | null, handler: Handler<z.infer<S>>, options: MutationOptions = {}) {
  const route = jsonMutation(name, schema, handler, options);
  const { htmlForm } = options;
  if (!htmlForm) return route;
  return async (req: Request): Promise<Response> => {
    const response = await route(req);
    return isHtmlFormPost(req) ? asRedirect(response, htmlForm) : response;
  };
}

function jsonMutation<S extends z.ZodType>(name: string, schema: S | null, handler: Handler<z.infer<S>>, options: MutationOptions) {
  const anonymous = options.anonymous ?? false;
  if (anonymous && options.rawBody) throw new Error(`${name}: a route without a session cannot take a raw body`);
  return async (req: Request): Promise<Response> => {
    const ctx = serverContext();
    const web = ctx.config.web;
    let endTurn = () => {};
    try {
      checkOrigin(req, web.allowedOrigins);
      // The session first: a client that may not post here learns it before sending its body.
      const found = anonymous ? undefined : await requireUser();
      const routeBytesMax = options.bodyBytesMax?.(ctx.config) ?? web.bodyBytesMax;
      const bytesMax = anonymous ? Math.min(routeBytesMax, web.bodyBytesMax) : routeBytesMax;
      const large = isLargeBody(req.headers, web.largeBodyBytesMin, options.rawBody ? Infinity : bytesMax);
      // A body read whole (a mail, up to 25 MiB) is held whole, and copied on its way in, while
      // it is parsed and handled: it takes every turn, so one such body is in memory at a time.
      // A streamed one (a drive upload) holds only its chunks in flight: one turn.
      const turns = options.rawBody ? 1 : Infinity;
      if (large) endTurn = await bodyAdmission(web.largeBodiesInFlightMax).admit(ctx.config.timeouts.largeBodyWaitMs, req.signal, turns);
      const run = async () => {
        let body: unknown;
        if (schema) {
          const parsed = schema.safeParse(await readBody(req, { bytesMax, multipart: options.multipart, large }));
          if (!parsed.success) throw new HttpError(400, 'invalid_argument', parsed.error.issues[0]?.message ?? 'The request is not valid.');
          body = parsed.data;
        } else if (!options.rawBody) {
          await discardBody(req, bytesMax);
        }
        return await handler({ req, body: body as z.infer<S>, ctx });
      };
      return await (found ? requestUser().run(found, run) : run());
    } catch (err) {
      return errorResponse(err, ctx.log, name);
    } finally {
      endTurn();
    }
  };
}

/**
 * One per process, like the server context (Next may load this module once per route bundle):
 * the large bodies being read, and the user a route found before its handler ran.
 */
const admissionKey = Symbol.for('penncloud.web.bodyAdmission');
const userKey = Symbol.for('penncloud.web.requestUser');
const shared = globalThis as { [admissionKey]?: BodyAdmission; [userKey]?: AsyncLocalStorage<Found> };

type Found = { user: CurrentUser; session: Session };

function bodyAdmission(inFlightMax: number): BodyAdmission {
  return (shared[admissionKey] ??= new BodyAdmission(inFlightMax));
}

function requestUser(): AsyncLocalStorage<Found> {
  return (shared[userKey] ??= new AsyncLocalStorage<Found>());
}

/** A GET route. */
export function queryRoute(name: string, handler: Handler<undefined>) {
  return async (req: Request): Promise<Response> => {
    const ctx = serverContext();
    try {
      return await handler({ req, body: undefined, ctx });
    } catch (err) {
      return errorResponse(err, ctx.log, name);
    }
  };
}

/**
 * The logged-in user of this request, or 401; saves the session when the store moved the user.
 * Within a mutation route the user was already found, before its body was read: that answer.
 */
export async function requireUser(): Promise<{ user: CurrentUser; session: Session }> {
  const found = requestUser().getStore();
  if (found) return found;
  const session = await getSession();
  const resolved = await resolveUser(session);
  if (!resolved) {
    if (session.user) session.destroy();
    throw new HttpError(401, 'unauthenticated', 'You are not logged in.');
  }
  if (resolved.nodeChanged) await session.save();
  return { user: resolved.user, session };
}

/**
 * The client's address as web/main.ts decided it: the socket's peer, or the address a trusted
 * proxy (http.trustedProxies) named; never a client's own X-Forwarded-For.
 */
export function clientAddress(req: Request): string {
  return req.headers.get('x-forwarded-for')?.split(',')[0]?.trim() || 'unknown';
}
