/**
 * Writes what a run leaves behind: result.json (atomically: it is the record), report.md and
 * report.html. Shared by both front doors and by `perfgate report`.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { buildJunitXml } from '../export/junit.js';
import { writeFileAtomic } from '../fs-atomic.js';
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
  // `perfgate report` rebuilds the reports only: the stored record is never rewritten.
  if (options.rewriteResult !== false) await writeFileAtomic(resultPath, JSON.stringify(result, null, 2) + '\n');
  const markdown = buildMarkdownReport(result);
  const reportPath = path.join(outDir, 'report.md');
  await writeFileAtomic(reportPath, markdown);
  let htmlPath: string | undefined;
  if (options.html !== false) {
    htmlPath = path.join(outDir, 'report.html');
    await writeFileAtomic(htmlPath, buildHtmlReport(result));
  }
  let junitPath: string | undefined;
  if (options.junit) {
    junitPath = path.resolve(outDir, options.junit);
    await mkdir(path.dirname(junitPath), { recursive: true });
    await writeFileAtomic(junitPath, buildJunitXml(result));
  }
  return { resultPath, reportPath, htmlPath, junitPath, markdown };
}
