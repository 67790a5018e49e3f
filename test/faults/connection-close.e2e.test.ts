/**
 * Issue 15, case 8: a server that answers every request correctly with `Connection: close` read
 * 49.97 % errors, because the request autocannon queues on a socket the server announced it
 * would close was counted as a reset. A silent close without an answer is still a reset.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestSchema } from '../../src/config/sections/request.js';
import { createLoadRunner } from '../../src/load/index.js';
import { startFixture, type FixtureServer } from '../helpers/servers.js';

const runner = createLoadRunner();
let server: FixtureServer;
beforeAll(async () => {
  server = await startFixture('behaviours.mjs');
});
afterAll(async () => {
  await server.close();
});

const runOn = (path: string, pipelining = 1) =>
  runner.run({
    baseUrl: server.url,
    model: { kind: 'closed', connections: 2 },
    requests: [requestSchema.parse({ path })],
    durationMs: 1000,
    warmupMs: 0,
    timeoutMs: 2000,
    pipelining,
  });

describe('Connection: close in the closed model', () => {
  it.each([1, 4])(
    'counts every answer and no error when each response closes the connection (pipelining %i)',
    async (p) => {
      const m = await runOn('/close', p);
      expect(m.requests.total).toBeGreaterThan(50);
      expect(m.errors.byClass.reset).toBe(0);
      expect(m.errors.total).toBe(0);
      expect(m.requests.ok).toBe(m.requests.total);
    },
  );

  it('still counts a close without an answer as a reset', async () => {
    const m = await runOn('/reset');
    expect(m.errors.byClass.reset).toBeGreaterThan(0);
    expect(m.requests.ok).toBe(0);
  });
});
