/**
 * The stored baseline format (one JSON document per branch), version 1:
 *   { "format": "perfgate-baselines", "version": 1, "branch": "main", "entries": [ {sha, branch,
 *     savedAt, event?, result: RunResult}, … oldest first ] }
 * Results keep their HDR histograms and environment fingerprint. Anything that is not exactly
 * this — bad JSON, another format, a newer version, an entry that does not validate — is a
 * DataError: perfgate fails closed and never writes over data it cannot read.
 */
import { z } from 'zod';
import { DataError } from '../errors.js';
import { runResultSchema } from '../model/result.js';

export const BASELINE_FORMAT = 'perfgate-baselines';
export const BASELINE_FORMAT_VERSION = 1;

export const baselineEntrySchema = z.object({
  sha: z.string().min(1),
  branch: z.string().min(1),
  savedAt: z.string(),
  /** The event that wrote it (push, schedule, local). */
  event: z.string().optional(),
  result: runResultSchema,
});
export type BaselineEntry = z.infer<typeof baselineEntrySchema>;

export interface BaselineFile {
  format: typeof BASELINE_FORMAT;
  version: typeof BASELINE_FORMAT_VERSION;
  branch: string;
  entries: BaselineEntry[];
}

const LEAVE_IT = 'perfgate left it untouched; fix it, or move it away to start a new history';

export function parseBaselineFile(text: string, where: string): BaselineFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new DataError(`${where}: the baseline file is not valid JSON (${(e as Error).message}); ${LEAVE_IT}`);
  }
  const head = z
    .object({ format: z.string(), version: z.number(), branch: z.string(), entries: z.array(z.unknown()) })
    .safeParse(raw);
  if (!head.success) {
    throw new DataError(
      `${where}: not a perfgate baseline file (expected {"format": "${BASELINE_FORMAT}", "version": ${BASELINE_FORMAT_VERSION}, "branch", "entries"}); ${LEAVE_IT}`,
    );
  }
  if (head.data.format !== BASELINE_FORMAT)
    throw new DataError(
      `${where}: format ${JSON.stringify(head.data.format)} is not "${BASELINE_FORMAT}"; ${LEAVE_IT}`,
    );
  if (head.data.version !== BASELINE_FORMAT_VERSION) {
    throw new DataError(
      `${where}: baseline format version ${head.data.version} is not supported (this perfgate reads version ${BASELINE_FORMAT_VERSION}); ${head.data.version > BASELINE_FORMAT_VERSION ? 'upgrade perfgate' : 'move it away'} — ${LEAVE_IT}`,
    );
  }
  const entries = head.data.entries.map((e, i) => {
    const parsed = baselineEntrySchema.safeParse(e);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new DataError(
        `${where}: entries[${i}].${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}; ${LEAVE_IT}`,
      );
    }
    return parsed.data;
  });
  return { format: BASELINE_FORMAT, version: BASELINE_FORMAT_VERSION, branch: head.data.branch, entries };
}

export function serializeBaselineFile(file: BaselineFile): string {
  return JSON.stringify(file) + '\n';
}

/** Add an entry (replacing one of the same commit) and keep only the newest `history`. */
export function withEntry(file: BaselineFile | undefined, entry: BaselineEntry, history: number): BaselineFile {
  const kept = (file?.entries ?? []).filter((e) => e.sha !== entry.sha);
  kept.push(entry);
  return {
    format: BASELINE_FORMAT,
    version: BASELINE_FORMAT_VERSION,
    branch: entry.branch,
    entries: kept.slice(-history),
  };
}

/** File name of a branch's history: the branch name, percent-encoded so that "a/b" stays one file. */
export function fileNameOf(branch: string): string {
  return `${encodeURIComponent(branch)}.json`;
}

export function branchOfFileName(name: string): string | undefined {
  return name.endsWith('.json') ? decodeURIComponent(name.slice(0, -'.json'.length)) : undefined;
}
