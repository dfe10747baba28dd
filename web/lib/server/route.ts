// Every API route handler is built here, so each gets the same checks in the same order and
// one error path: mutations check the Origin, then the body's type and size, then its shape
// (zod); any throw becomes a JSON error (errors.ts). Handlers only call web/lib/server/*.
import type { z } from 'zod';
import type { Config } from '../../../cluster/common/config.ts';
import { HttpError, errorResponse } from './errors';
import { serverContext, type ServerContext } from './context';
import { checkOrigin, discardBody, readBody } from './request';
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
  const code = ((await response.json().catch(() => ({}))) as { code?: string }).code ?? 'error';
  return new Response(null, { status: 303, headers: { Location: `${form.failure}?error=${encodeURIComponent(code)}` } });
}

export interface MutationOptions {
  /** Where a plain HTML form post is sent back (forms that work before the page's JavaScript). */
  htmlForm?: HtmlForm;
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
    return isHtmlFormPost(req) && response.status !== 403 ? asRedirect(response, htmlForm) : response;
  };
}

function jsonMutation<S extends z.ZodType>(name: string, schema: S | null, handler: Handler<z.infer<S>>, options: MutationOptions) {
  return async (req: Request): Promise<Response> => {
    const ctx = serverContext();
    try {
      checkOrigin(req, ctx.config.web.allowedOrigins);
      const bytesMax = options.bodyBytesMax?.(ctx.config) ?? ctx.config.web.bodyBytesMax;
      let body: unknown;
      if (schema) {
        const parsed = schema.safeParse(await readBody(req, { bytesMax, multipart: options.multipart }));
        if (!parsed.success) throw new HttpError(400, 'invalid_argument', parsed.error.issues[0]?.message ?? 'The request is not valid.');
        body = parsed.data;
      } else if (!options.rawBody) {
        await discardBody(req, bytesMax);
      }
      return await handler({ req, body: body as z.infer<S>, ctx });
    } catch (err) {
      return errorResponse(err, ctx.log, name);
    }
  };
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

/** The logged-in user of this request, or 401; saves the session when the store moved the user. */
export async function requireUser(): Promise<{ user: CurrentUser; session: Session }> {
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
