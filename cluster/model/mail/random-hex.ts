// Random hex for message ids and trace ids, from a pool filled 4 KiB at a time: one
// randomFillSync per ~500 ids instead of one randomBytes call per id, each of which costs a trip
// into the RNG (visible in a profile of SMTP intake). Still the OS's cryptographic RNG.
import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(4096);
let at = pool.length;

/** `bytes` random bytes (at most 64) as 2 × bytes hex digits. */
export function randomHex(bytes: number): string {
  if (bytes < 1 || bytes > 64) throw new Error(`randomHex of ${bytes} bytes`);
  if (at + bytes > pool.length) {
    randomFillSync(pool);
    at = 0;
  }
  const hex = pool.toString('hex', at, at + bytes);
  // Each byte is handed out once.
  pool.fill(0, at, at + bytes);
  at += bytes;
  return hex;
}
