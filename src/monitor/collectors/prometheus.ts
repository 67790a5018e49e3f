/** The SUT's Prometheus endpoints, scraped during each profile (read-only GETs, allow-listed hosts only). */
import type { Settings } from '../../config/schema.js';
import type { Collector } from '../collector.js';
import { PrometheusScraper } from '../prometheus.js';

export function prometheusCollector(settings: Settings): Collector | undefined {
  const prom = settings.config.monitor.prometheus;
  if (!prom?.series.length) return undefined;
  let scraper: PrometheusScraper | undefined;
  const errors = new Set<string>();
  return {
    name: 'prometheus',
    async start({ sut }) {
      scraper = await PrometheusScraper.create(
        sut.url,
        prom.endpoints,
        prom.series,
        prom.interval,
        settings.config.targets.allow,
      );
      scraper.start();
    },
    async stop() {
      if (!scraper) return {};
      const scraped = await scraper.stop();
      scraper = undefined;
      for (const e of scraped.errors) errors.add(e);
      return scraped.metrics.length ? { resources: { metrics: scraped.metrics } } : {};
    },
    async finish() {
      return [...errors].slice(0, 3).map((e) => `Prometheus scrape failed: ${e}`);
    },
  };
}
