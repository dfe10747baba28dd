// The history the checker reads: what each client asked and was answered, and one key's part
// of it as the search sees it. A module of its own so that the checker and the module that
// explains its failures (linearizability-explain.ts) both use it without importing each other.
import type { SearchOp } from './linearizability-search.ts';

export type KvOp =
  | { kind: 'put'; value: string }
  | { kind: 'get' }
  /** expected null: apply only if the key is absent. */
  | { kind: 'cput'; expected: string | null; value: string }
  | { kind: 'delete' };

export type KvResult =
  | { found: boolean; value?: string }
  | { applied: boolean }
  | { existed: boolean };

export interface Operation {
  clientId: number;
  key: string;
  op: KvOp;
  /** When the client sent it, in any unit shared by the whole history. */
  call: number;
  /** When the answer arrived; null when none did (timed out, or failed with unknown outcome). */
  ret: number | null;
  /** get: {found, value}; cput: {applied}; delete: {existed}; ignored when ret is null. */
  result?: KvResult;
}

/** One key's operations, ready for the search, with their places in the caller's history. */
export interface KeyHistory {
  key: string;
  ops: SearchOp[];
  /** origins[i]: index in the history of ops[i]. */
  origins: number[];
  /** values[s]: the value of interned state s (values[ABSENT] is undefined). */
  values: (string | undefined)[];
}
