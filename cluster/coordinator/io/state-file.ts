// The coordinator's only durable state: every group's config, in
// <dataDir>/coordinator/membership.json as {"format":1,"sha256":…,"groups":[…]}, the hash over
// the groups' values. Replaced atomically (write temp, fsync, rename, fsync dir) so a crash
// leaves the old file or the new one, never a mix. A file that fails its checksum or does not
// fit the config stops the coordinator: guessing could reuse an epoch or forget who is in sync.
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { groupNodes, type Config } from '../../common/config.ts';
import { PennError } from '../../common/errors.ts';
import { initialGroups } from '../core/membership.ts';
import type { GroupConfig } from '../core/types.ts';

const FORMAT = 1;

const fileSchema = z
  .object({
    format: z.literal(FORMAT),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    groups: z.array(
      z
        .object({
          group: z.number().int().min(0),
          epoch: z.number().int().min(1),
          primary: z.string(),
          inSync: z.array(z.string()),
          primaryIncarnation: z.string().default(''),
        })
        .strict(),
    ),
  })
  .strict();

export function membershipFile(dataDir: string): string {
  return path.join(dataDir, 'coordinator', 'membership.json');
}

export function encodeMembership(groups: GroupConfig[]): string {
  return JSON.stringify({ format: FORMAT, sha256: digest(groups), groups }) + '\n';
}

/** Parses and checks a membership file's text against the config; throws a PennError saying what is wrong. */
export function decodeMembership(text: string, config: Readonly<Config>, file = 'membership file'): GroupConfig[] {
  const corrupt = (why: string) =>
    new PennError('failed_precondition', `${file} is corrupt (${why}); restore it from a backup, the coordinator will not guess`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw corrupt(`not JSON: ${(err as Error).message}`);
  }
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    throw corrupt(parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
  }
  const { groups, sha256 } = parsed.data;
  if (digest(groups) !== sha256) throw corrupt('checksum mismatch');
  const mismatch = checkAgainstConfig(groups, config);
  if (mismatch) throw new PennError('failed_precondition', `${file} does not fit the config: ${mismatch}`);
  return groups;
}

/** The persisted configs, or the initial ones when the coordinator has never written any. */
export async function loadMembership(config: Readonly<Config>): Promise<{ groups: GroupConfig[]; found: boolean }> {
  const file = membershipFile(config.dataDir);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { groups: initialGroups(config), found: false };
    throw new PennError('internal', `cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
  return { groups: decodeMembership(text, config, file), found: true };
}

/** Durable when it resolves: the caller may then reveal these configs. */
export async function saveMembership(dataDir: string, groups: GroupConfig[]): Promise<void> {
  const file = membershipFile(dataDir);
  const dir = path.dirname(file);
  await makeDirDurable(dir);
  const temp = `${file}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(encodeMembership(groups), 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, file);
  await syncDir(dir);
}

/** Over the values in a fixed order, so the hash does not depend on how keys were ordered. */
function digest(groups: GroupConfig[]): string {
  const canonical = groups.map((g) => [g.group, g.epoch, g.primary, g.inSync, g.primaryIncarnation]);
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}

function checkAgainstConfig(groups: GroupConfig[], config: Readonly<Config>): string | null {
  if (groups.length !== config.kvs.groups) return `it has ${groups.length} groups, the config ${config.kvs.groups}`;
  for (const [i, g] of groups.entries()) {
    if (g.group !== i) return `entry ${i} is group ${g.group}`;
    const members = groupNodes(config, i).map((n) => n.id);
    const stranger = g.inSync.find((id) => !members.includes(id));
    if (stranger !== undefined) return `group ${i} lists ${stranger}, not one of ${members.join(', ')}`;
    if (new Set(g.inSync).size !== g.inSync.length) return `group ${i} lists a node twice`;
    if (g.primary !== '' && !g.inSync.includes(g.primary)) return `group ${i}'s primary ${g.primary} is not in its in_sync`;
  }
  return null;
}

/** mkdir -p, then fsync the parent of every directory it created so the names survive a crash. */
async function makeDirDurable(dir: string): Promise<void> {
  const first = await mkdir(dir, { recursive: true });
  if (first === undefined) return;
  let at = dir;
  for (;;) {
    const parent = path.dirname(at);
    await syncDir(parent);
    if (at === first || parent === at) return;
    at = parent;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
