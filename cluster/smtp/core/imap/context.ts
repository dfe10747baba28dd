// What a command implementation sees of its session, and the tagged answers it gives.
import type { Value } from './encode.ts';
import type { ImapStore } from './ports.ts';
import type { FolderView } from './view.ts';

export interface ImapSessionOptions {
  /** STARTTLS is offered (a certificate is configured). */
  tlsAvailable: boolean;
  /** Passwords may be sent without TLS (the client is on loopback). */
  plainAuthAllowed: boolean;
  /** Commands answered BAD before the server hangs up. */
  errorsMax: number;
  /** Commands before login, past which the client is cut off (it is probing, not logging in). */
  commandsBeforeLoginMax: number;
  /** The largest message APPEND takes (APPENDLIMIT), the daemon's message size limit. */
  messageBytesMax: number;
}

export type Tagged = { status: 'OK' | 'NO' | 'BAD'; code?: string; text: string };

/** What a command implementation may use of the session. */
export interface CommandContext {
  readonly store: ImapStore;
  readonly user: string;
  readonly options: ImapSessionOptions;
  view: FolderView | null;
  send(values: Value[]): Promise<void>;
  sendRaw(data: Buffer): Promise<void>;
  now(): Date;
  /**
   * Reports what changed in the selected folder since the client last heard (EXPUNGE only when
   * allowed): one change-counter probe, and a listing only when it moved or an expunge is
   * still untold.
   */
  sync(expungeAllowed: boolean): Promise<void>;
}

export const storageUnavailable: Tagged = { status: 'NO', code: 'UNAVAILABLE', text: 'Mail storage is temporarily unavailable; try again later' };

export function ok(text: string, code?: string): Tagged {
  return code ? { status: 'OK', code, text } : { status: 'OK', text };
}

export function bad(text: string): Tagged {
  return { status: 'BAD', text };
}

export function no(text: string, code?: string): Tagged {
  return code ? { status: 'NO', code, text } : { status: 'NO', text };
}
