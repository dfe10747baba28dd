// Small records kept in the store as JSON (a delivery mark, a queued job). Reading one back
// checks it against its schema: a value that does not parse, or parses to the wrong shape, is
// undefined, for the caller to treat as missing or report, never a throw.
import type { z } from 'zod';

export function encodeJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

export function decodeJson<S extends z.ZodType>(schema: S, value: Buffer): z.infer<S> | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(value.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
