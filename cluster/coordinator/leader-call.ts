// How a caller reaches the coordinator group's leader, apart from any transport: try the member
// believed to lead; a member that names another ("[leader <address>]" in its UNAVAILABLE, see
// io/coordinator-member.ts) sends us there; one that is down, stalled or knows no leader sends us
// to the next. CoordinatorClient runs it over gRPC and real time; the simulator (tests/sim/) runs
// this same function over its fake network and clock.
import { PennError, isPennError } from '../common/errors.ts';

/** How long to wait before asking again while the group elects a leader. */
export const electionPauseMs = 50;

export interface LeaderSearch {
  /** Every member's address, in config order (the hint in an error names one of these). */
  addresses: readonly string[];
  /** The index of the member believed to lead; the search moves it as it learns. */
  leader: number;
  now(): number;
  sleep(ms: number): Promise<void>;
}

/**
 * Calls attempt on the leader within timeoutMs, pausing briefly once all were tried. A member
 * gets at most half of what is left of the deadline while others remain to be tried, so a
 * stalled one cannot use it all. Errors other than UNAVAILABLE and DEADLINE_EXCEEDED are the
 * leader's answer and are thrown as they are.
 */
export async function callLeader<T>(search: LeaderSearch, timeoutMs: number, attempt: (member: number, timeoutMs: number) => Promise<T>): Promise<T> {
  const { addresses } = search;
  const deadline = search.now() + timeoutMs;
  let lastError: unknown;
  for (let round = 0; ; round++) {
    const left = deadline - search.now();
    if (left <= 0) break;
    const tries = addresses.length > 1 && round < addresses.length * 3 ? Math.max(left / 2, Math.min(left, 250)) : left;
    try {
      return await attempt(search.leader, tries);
    } catch (err) {
      if (!isPennError(err, 'unavailable') && !isPennError(err, 'deadline_exceeded')) throw err;
      lastError = err;
      const hint = /\[leader ([^\]]+)\]/.exec(err.message)?.[1];
      const named = hint === undefined ? -1 : addresses.indexOf(hint);
      if (named >= 0 && named !== search.leader) {
        search.leader = named;
        continue;
      }
      search.leader = (search.leader + 1) % addresses.length;
      if (search.leader === 0 || addresses.length === 1) await search.sleep(Math.min(electionPauseMs, Math.max(0, deadline - search.now())));
    }
  }
  const why = lastError instanceof Error ? lastError.message : 'no answer';
  throw new PennError('unavailable', `no coordinator leader answered within ${timeoutMs} ms (members ${addresses.join(', ')}): ${why}`);
}
