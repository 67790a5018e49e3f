/**
 * Sends a result where perfgate.yml's `export` section says, besides result.json: a Prometheus
 * text file in the output folder and/or a Pushgateway, and OTLP/HTTP. (JUnit XML is written with the reports.)
 * A failed export is a notice, never a changed verdict.
 */
import path from 'node:path';
import type { Config } from '../config/schema.js';
import { writeFileAtomic } from '../fs-atomic.js';
import type { Logger } from '../log/logger.js';
import type { RunResult } from '../model/result.js';
import { exportOtlp, parseOtlpHeaders } from './otlp.js';
import { buildExposition, pushToGateway } from './prometheus.js';

export async function exportResult(
  result: RunResult,
  config: Config,
  outDir: string,
  logger: Logger,
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const otlp = config.export.otlp;
  if (otlp) {
    try {
      await exportOtlp(result, {
        url: otlp.url,
        headers: parseOtlpHeaders(otlp.headersEnv ? env[otlp.headersEnv] : undefined),
        allow: config.targets.allow,
      });
      logger.info(`exported the metrics over OTLP to ${otlp.url}`);
    } catch (e) {
      const msg = `OTLP export failed: ${(e as Error).message}`;
      logger.warn(msg);
      result.notices.push(msg);
    }
  }
  const prom = config.export.prometheus;
  if (!prom) return;
  try {
    if (prom.file) {
      const file = path.resolve(outDir, prom.file);
      await writeFileAtomic(file, buildExposition(result));
      logger.info(`wrote Prometheus metrics to ${file}`);
    }
    if (prom.pushgateway) {
      await pushToGateway(prom.pushgateway, prom.job, result, config.targets.allow);
      logger.info(`pushed the metrics to ${prom.pushgateway} (job ${prom.job})`);
    }
  } catch (e) {
    const msg = `Prometheus export failed: ${(e as Error).message}`;
    logger.warn(msg);
    result.notices.push(msg);
  }
}
