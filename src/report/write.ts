/**
 * Writes what a run leaves behind: result.json, report.md, report.html and the JUnit file, as one
 * set: the folder holds either the complete new set or the previous one, never a mix (a full disk
 * once left a failing run's result.json beside the previous run's passing report.html). Shared by
 * both front doors and by `perfgate report`.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from '../errors.js';
import { buildJunitXml } from '../export/junit.js';
import { FileSetWriteError, writeFileSetAtomic, type FileToWrite } from '../fs-atomic.js';
import type { RunResult } from '../model/result.js';
import { buildMarkdownReport } from './markdown.js';
import { buildHtmlReport } from './html.js';

export interface RunOutputs {
  resultPath: string;
  reportPath: string;
  htmlPath: string | undefined;
  junitPath?: string | undefined;
  markdown: string;
}

export async function writeRunOutputs(
  result: RunResult,
  outDir: string,
  options: { html?: boolean; rewriteResult?: boolean; junit?: string } = {},
): Promise<RunOutputs> {
  const resultPath = path.join(outDir, 'result.json');
  await mkdir(outDir, { recursive: true });
  const files: FileToWrite[] = [];
  // `perfgate report` rebuilds the reports only: the stored record is never rewritten.
  if (options.rewriteResult !== false) files.push({ file: resultPath, data: JSON.stringify(result, null, 2) + '\n' });
  const markdown = buildMarkdownReport(result);
  const reportPath = path.join(outDir, 'report.md');
  files.push({ file: reportPath, data: markdown });
  let htmlPath: string | undefined;
  if (options.html !== false) {
    htmlPath = path.join(outDir, 'report.html');
    files.push({ file: htmlPath, data: buildHtmlReport(result) });
  }
  let junitPath: string | undefined;
  if (options.junit) {
    junitPath = path.resolve(outDir, options.junit);
    files.push({ file: junitPath, data: buildJunitXml(result) });
  }
  try {
    await writeFileSetAtomic(files);
  } catch (e) {
    if (!(e instanceof FileSetWriteError)) throw e;
    // Exit 3 (the environment failed), never 1: and the verdict is still told, since no report holds it.
    throw new DataError(
      `${e.message}; kept the previous files in ${outDir} (none of this run's were written). ` +
        `This run's verdict: ${verdictLine(result)}`,
      { cause: e },
    );
  }
  return { resultPath, reportPath, htmlPath, junitPath, markdown };
}

function verdictLine(result: RunResult): string {
  const reasons = result.reasons.slice(0, 5).join('; ');
  return `${result.status.toUpperCase()}${reasons ? ` — ${reasons}` : ''}`;
}
