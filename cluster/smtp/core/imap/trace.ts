// What the protocol trace (a debug log of the conversation) may show of a command and of a
// response: enough to follow a client through a session, never a password, a message or a
// header's text. Commands are written back from their tokens, with the credentials of LOGIN
// and AUTHENTICATE masked and every literal shown as its size only (an APPEND's message).
// Responses are shown by their first line: a FETCH's literals (bodies, headers) start on the
// next one, and its quoted strings (an ENVELOPE's subject and addresses) are masked.
import type { Token } from './parser.ts';

/** Longest line the trace shows; the rest is cut. */
const traceCharsMax = 300;
/** Strings shown as they are up to this length (folder names, flags, search keys). */
const shownStringMax = 100;

export function traceCommand(tag: string, name: string, args: readonly Token[]): string {
  // LOGIN user password, AUTHENTICATE mechanism initial-response: all after the first is secret.
  const secret = name === 'LOGIN' || name === 'AUTHENTICATE' ? 1 : Infinity;
  const shown = args.map((t, i) => (i >= secret ? '***' : token(t)));
  return cut([tag, name, ...shown].join(' '));
}

export function traceResponse(data: Buffer): string {
  const end = data.indexOf('\r\n');
  let line = data.subarray(0, end === -1 ? Math.min(data.length, traceCharsMax + 1) : end).toString('latin1');
  if (/^\* \d+ FETCH /.test(line)) line = line.replace(/"(?:[^"\\]|\\.)*"/g, '"…"');
  return cut(line);
}

function token(t: Token): string {
  if (t.kind === 'atom') return t.value;
  if (t.kind === 'list') return `(${t.items.map(token).join(' ')})`;
  const text = t.value.toString('latin1');
  return t.value.length <= shownStringMax && /^[\x20-\x7e]*$/.test(text) ? `"${text.replace(/[\\"]/g, (c) => '\\' + c)}"` : `{${t.value.length}}`;
}

function cut(line: string): string {
  return line.length > traceCharsMax ? line.slice(0, traceCharsMax) + '…' : line;
}
