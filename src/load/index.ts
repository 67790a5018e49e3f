/**
 * The load engine. By default both models run on perfgate's own HTTP/1.1 connections (http1/);
 * `engine: autocannon` runs the closed model on autocannon and the open model on undici's pool,
 * the engines before it, kept as the reference the new one is measured against (bench/load-engine.ts).
 */
import { runClosedModel } from './closed.js';
import { runNetClosedModel } from './http1/closed.js';
import { runOpenModel } from './open.js';
import type { LoadRunner } from './types.js';

export type { LoadRunner } from './types.js';

export type LoadEngine = 'perfgate' | 'autocannon';

export function createLoadRunner(engine: LoadEngine = 'perfgate'): LoadRunner {
  return {
    run(options) {
      const { model } = options;
      if (model.kind === 'open') return runOpenModel(options, model, engine === 'autocannon' ? 'undici' : 'perfgate');
      return engine === 'autocannon'
        ? runClosedModel(options, model.connections)
        : runNetClosedModel(options, model.connections);
    },
  };
}
