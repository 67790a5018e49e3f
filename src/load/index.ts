/** The load engine: a closed model on autocannon, an open model on perfgate's own scheduler. */
import { runClosedModel } from './closed.js';
import { runOpenModel } from './open.js';
import type { LoadRunner } from './types.js';

export type { LoadRunner } from './types.js';

export function createLoadRunner(): LoadRunner {
  return {
    run(options) {
      return options.model.kind === 'closed'
        ? runClosedModel(options, options.model.connections)
        : runOpenModel(options, options.model.rate, options.model.maxInFlight);
    },
  };
}
