/**
 * The one place that reads a /proc file: a missing file (not Linux, a process that ended, one
 * that is not ours to read) reads as empty text, so each reader's fallback is "nothing found"
 * rather than a crash. Every /proc reader of perfgate lives in src/proc/.
 */
import { readFileSync } from 'node:fs';

export function readProcFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** /proc/net/netstat: pairs of lines "Prefix: names…" / "Prefix: values…". */
export function parseNetstat(text: string): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [prefix, ...names] = (lines[i] ?? '').trim().split(/\s+/);
    const values = (lines[i + 1] ?? '').trim().split(/\s+/).slice(1);
    if (!prefix) continue;
    const section: Record<string, number> = {};
    names.forEach((n, k) => (section[n] = Number(values[k] ?? 0)));
    out[prefix.replace(/:$/, '')] = section;
  }
  return out;
}
