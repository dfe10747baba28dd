// Password hashes: scrypt with a random 16-byte salt per hash, its parameters stored with it so
// the cost can rise later without breaking old accounts. Format (one string, '$'-separated):
//   scrypt$<log2 N>$<r>$<p>$<salt, base64>$<hash, base64>
// Hashing is bounded by a ConcurrencyLimit: each hash takes 128·N·r bytes (32 MiB at the
// default N = 2^15) and tens of milliseconds of a core.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { ConcurrencyLimit } from './concurrency-limit.ts';

const keyBytes = 32;
const saltBytes = 16;
const r = 8;
const p = 1;

export interface PasswordHasherOptions {
  costLog2: number;
  concurrencyMax: number;
  queueMax: number;
}

interface Parsed {
  costLog2: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

export class PasswordHasher {
  private readonly limit: ConcurrencyLimit;
  /** A hash of nothing anyone knows, verified against for unknown users so they take as long. */
  private dummy: Promise<string> | undefined;

  constructor(private readonly options: PasswordHasherOptions) {
    this.limit = new ConcurrencyLimit(options.concurrencyMax, options.queueMax);
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(saltBytes);
    const hash = await this.derive(password, salt, this.options.costLog2, r, p);
    return ['scrypt', this.options.costLog2, r, p, salt.toString('base64'), hash.toString('base64')].join('$');
  }

  /** True when password matches the stored hash; false for a wrong password or a malformed hash. */
  async verify(password: string, stored: string): Promise<boolean> {
    const parsed = parse(stored);
    if (!parsed) return false;
    const hash = await this.derive(password, parsed.salt, parsed.costLog2, parsed.r, parsed.p);
    return hash.length === parsed.hash.length && timingSafeEqual(hash, parsed.hash);
  }

  /** The same work as verify() for a user that does not exist; always false. */
  async verifyNobody(password: string): Promise<false> {
    this.dummy ??= this.hash(randomBytes(16).toString('hex'));
    await this.verify(password, await this.dummy);
    return false;
  }

  private derive(password: string, salt: Buffer, costLog2: number, blockSize: number, parallel: number): Promise<Buffer> {
    const N = 2 ** costLog2;
    const options: ScryptOptions = { N, r: blockSize, p: parallel, maxmem: 256 * N * blockSize };
    return this.limit.run(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          scrypt(password.normalize('NFC'), salt, keyBytes, options, (err, key) => (err ? reject(err) : resolve(key)));
        }),
    );
  }
}

function parse(stored: string): Parsed | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [costLog2, rr, pp] = parts.slice(1, 4).map(Number);
  if (!Number.isInteger(costLog2) || costLog2! < 1 || costLog2! > 22 || !Number.isInteger(rr) || !Number.isInteger(pp)) return undefined;
  return { costLog2: costLog2!, r: rr!, p: pp!, salt: Buffer.from(parts[4]!, 'base64'), hash: Buffer.from(parts[5]!, 'base64') };
}
