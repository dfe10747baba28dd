// Name clashes of an upload, found before a byte is sent: which names of a batch are taken in the
// target folder (or by an earlier file of the same batch), and the "Keep both" name — the name
// with " (n)" before its extension, n the next free number. Pure.

/** What the person chose for a clash. */
export type ClashChoice = 'replace' | 'keep-both' | 'skip';

/** Names compare as the server compares them: NFC-normalized, exactly. */
export function normalName(name: string): string {
  return name.normalize('NFC');
}

/** Splits "report.final.pdf" into "report.final" and ".pdf"; a leading dot is no extension (".bashrc"). */
function splitExtension(name: string): [base: string, ext: string] {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
}

/**
 * "name (n).ext" for the smallest n ≥ 1 not in `taken`. A name that already ends in " (n)" counts
 * on from its base ("a (1).txt" → "a (2).txt"), as people expect.
 */
export function keepBothName(name: string, taken: ReadonlySet<string>): string {
  const [rawBase, ext] = splitExtension(normalName(name));
  const base = rawBase.replace(/ \(\d+\)$/, '') || rawBase;
  for (let n = 1; ; n++) {
    const candidate = `${base} (${n})${ext}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export interface PlannedName {
  /** The name the file goes up under (a Keep both name once chosen). */
  name: string;
  /** The id of what holds the name in the folder now; undefined when the name is free. */
  holder?: string;
  /** Whether that holder is a file (only a file can be replaced). */
  holderIsFile?: boolean;
  /** Taken by an earlier file of the same batch, not by the folder. */
  inBatch?: boolean;
}

/** For each file of a batch, in order: its name and what, if anything, holds it already. */
export function findClashes(names: readonly string[], existing: ReadonlyMap<string, { id: string; kind: 'file' | 'folder' }>): PlannedName[] {
  const seen = new Set<string>();
  return names.map((raw) => {
    const name = normalName(raw);
    const holder = existing.get(name);
    const planned: PlannedName = holder ? { name, holder: holder.id, holderIsFile: holder.kind === 'file' } : seen.has(name) ? { name, inBatch: true } : { name };
    seen.add(name);
    return planned;
  });
}
