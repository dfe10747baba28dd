// Message ids: stable, unique, sortable by arrival, and valid as a POP3 unique-id (RFC 1939 §7:
// 1–70 characters in 0x21–0x7E). Time enters as a number and randomness as hex, so the core
// stays free of clocks and random sources.
//   <ms since the epoch, base 36, 9 digits>-<16 hex digits>   e.g. "mf3k2p0aa-9f1c2b7d00e4a613"
// Nine base-36 digits last until the year 5188; sorting the ids sorts by arrival.

const idPattern = /^[0-9a-z]{9}-[0-9a-f]{16}$/;

export function newMessageId(nowMs: number, randomHex: string): string {
  if (!/^[0-9a-f]{16}$/.test(randomHex)) throw new Error('newMessageId needs 16 hex digits');
  return `${Math.max(0, Math.floor(nowMs)).toString(36).padStart(9, '0')}-${randomHex}`;
}

export function isMessageId(id: string): boolean {
  return idPattern.test(id);
}

/** When the message with this id arrived (ms since the epoch). */
export function messageIdTime(id: string): number {
  return parseInt(id.slice(0, 9), 36);
}
