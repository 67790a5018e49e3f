/**
 * Error-handling validation: a fixed, bounded set of malformed requests, each judged handled
 * (a 4xx, or a clean 2xx, in time) or not (5xx, a hang past the deadline, a reset, a crash),
 * and a health check afterwards. One slow, incomplete request tests that a slow client cannot
 * block everyone else (slowloris): the server must keep answering while it is open.
 */
import type net from 'node:net';
import type { RequestSpec } from '../config/sections/request.js';
import type { RobustnessResult } from '../model/stress.js';
import type { StressContext } from './types.js';
import { probeOnce } from '../sut/readiness.js';
import { rawRequest, type RawOutcome } from './raw-request.js';

type Case = RobustnessResult['cases'][number];

interface BadRequest {
  name: string;
  /** What is sent, as shown in the report. */
  shown: string;
  send: (socket: net.Socket, host: string) => void;
  /**
   * A reset that counts as a rejection: a server that stops an oversized upload by closing the
   * connection (often with a 413 that the client's reset then swallows) has protected itself.
   */
  resetIsRejection?: () => boolean;
}

const MIB = 1024 * 1024;
const OVERSIZED_BYTES = 8 * MIB;

function badRequests(path: string): BadRequest[] {
  const head = (method: string, target: string, headers: string[], bodyLength?: number) =>
    `${method} ${target} HTTP/1.1\r\nHost: HOST\r\n${headers.map((h) => h + '\r\n').join('')}${bodyLength !== undefined ? `Content-Length: ${bodyLength}\r\n` : ''}Connection: close\r\n\r\n`;
  const write = (text: string) => (s: net.Socket, host: string) => s.write(text.replace('HOST', host));
  const invalidJson = '{"name": "unterminated';
  const oversizedSent = { complete: false };
  return [
    {
      name: 'invalid JSON body',
      shown: `POST ${path} content-type: application/json body ${invalidJson}`,
      send: write(head('POST', path, ['Content-Type: application/json'], invalidJson.length) + invalidJson),
    },
    {
      name: 'oversized body',
      shown: `POST ${path} content-type: application/json with an 8 MiB body`,
      resetIsRejection: () => !oversizedSent.complete,
      send: (s, host) => {
        oversizedSent.complete = false;
        s.write(head('POST', path, ['Content-Type: application/json'], OVERSIZED_BYTES).replace('HOST', host));
        const chunk = Buffer.alloc(64 * 1024, 'a');
        let sent = 0;
        const pump = () => {
          while (sent < OVERSIZED_BYTES && !s.destroyed) {
            sent += chunk.length;
            if (!s.write(chunk)) return void s.once('drain', pump);
          }
          if (sent >= OVERSIZED_BYTES) oversizedSent.complete = true;
        };
        pump();
      },
    },
    {
      name: 'wrong content type',
      shown: `POST ${path} content-type: text/plain body hello`,
      send: write(head('POST', path, ['Content-Type: text/plain'], 5) + 'hello'),
    },
    { name: 'unknown method', shown: `BREW ${path}`, send: write(head('BREW', path, [])) },
    {
      name: 'bad header',
      shown: `GET ${path} with a header line without a colon`,
      send: write(head('GET', path, ['X-Broken header-without-colon'])),
    },
    {
      name: 'very long URL',
      shown: `GET ${path}?q=<64 KiB of "a">`,
      send: write(head('GET', `${path}?q=${'a'.repeat(64 * 1024)}`, [])),
    },
  ];
}

function judge(
  outcome: RawOutcome,
  deadlineMs: number,
): Pick<Case, 'outcome' | 'status' | 'ms' | 'handled' | 'detail'> {
  const ms = Math.round(outcome.ms * 10) / 10;
  if (outcome.kind === 'timeout')
    return { outcome: 'hang', status: null, ms: null, handled: false, detail: `no answer within ${deadlineMs} ms` };
  if (outcome.kind === 'reset')
    return { outcome: 'reset', status: null, ms, handled: false, detail: `connection reset: ${outcome.detail}` };
  if (outcome.status >= 500)
    return {
      outcome: 'server-error',
      status: outcome.status,
      ms,
      handled: false,
      detail: `answered ${outcome.status}: a client error reported as a server error`,
    };
  return {
    outcome: 'handled',
    status: outcome.status,
    ms,
    handled: true,
    detail:
      outcome.status >= 400
        ? `rejected with ${outcome.status} in ${ms} ms`
        : `accepted with ${outcome.status} in ${ms} ms`,
  };
}

export interface RobustnessOptions {
  path?: string;
  deadline: number;
  requests?: readonly RequestSpec[];
}

export async function runRobustnessChecks(ctx: StressContext, options: RobustnessOptions): Promise<RobustnessResult> {
  const url = new URL(ctx.baseUrl);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = Number(url.port || 80);
  const path = options.path ?? options.requests?.find((r) => r.method === 'POST')?.path ?? '/';
  const cases: Case[] = [];
  const crashed = () => ctx.sut?.exit();
  for (const bad of badRequests(path)) {
    if (ctx.signal.aborted || crashed()) break;
    const outcome = await rawRequest({ host, port, deadlineMs: options.deadline, send: (s) => bad.send(s, url.host) });
    const exit = crashed();
    const verdict = exit
      ? {
          outcome: 'crash' as const,
          status: null,
          ms: null,
          handled: false,
          detail: `the SUT ${exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`}`,
        }
      : outcome.kind === 'reset' && bad.resetIsRejection?.()
        ? {
            outcome: 'handled' as const,
            status: null,
            ms: Math.round(outcome.ms * 10) / 10,
            handled: true,
            detail: `refused the body by closing the connection before it was complete (${outcome.detail})`,
          }
        : judge(outcome, options.deadline);
    cases.push({ name: bad.name, request: bad.shown, ...verdict });
    ctx.logger.info(`robustness: ${bad.name}: ${verdict.detail}`);
  }
  if (!ctx.signal.aborted && !crashed())
    cases.push(await slowClientCase(ctx, host, port, url.host, path, options.deadline));
  const health = crashed() ? { ok: false } : await probeOnce(ctx.baseUrl + ctx.config.sut.ready.path, options.deadline);
  return { cases, healthyAfter: health.ok };
}

/** One incomplete request held open; meanwhile the health check must still answer in time. */
async function slowClientCase(
  ctx: StressContext,
  host: string,
  port: number,
  hostHeader: string,
  path: string,
  deadlineMs: number,
): Promise<Case> {
  const request = `POST ${path} with Content-Length 100 and 1 byte of body, held open`;
  const slow = rawRequest({
    host,
    port,
    deadlineMs,
    send: (s) =>
      s.write(
        `POST ${path} HTTP/1.1\r\nHost: ${hostHeader}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{`,
      ),
  });
  await new Promise((r) => setTimeout(r, 200));
  const t0 = performance.now();
  const other = await probeOnce(ctx.baseUrl + ctx.config.sut.ready.path, Math.min(2000, deadlineMs));
  const otherMs = Math.round(performance.now() - t0);
  const outcome = await slow;
  const exit = ctx.sut?.exit();
  if (exit)
    return {
      name: 'slow incomplete request',
      request,
      outcome: 'crash',
      status: null,
      ms: null,
      handled: false,
      detail: `the SUT exited (${exit.signal ?? `code ${exit.code}`})`,
    };
  if (!other.ok)
    return {
      name: 'slow incomplete request',
      request,
      outcome: 'hang',
      status: null,
      ms: null,
      handled: false,
      detail: `while one client was slow, the health check failed (${other.detail}): a slow client blocks the server`,
    };
  const held =
    outcome.kind === 'timeout'
      ? `held open past ${deadlineMs} ms (the server's request timeout is longer)`
      : outcome.kind === 'response'
        ? `answered ${outcome.status} after ${Math.round(outcome.ms)} ms`
        : `closed after ${Math.round(outcome.ms)} ms`;
  return {
    name: 'slow incomplete request',
    request,
    outcome: 'handled',
    status: outcome.kind === 'response' ? outcome.status : null,
    ms: otherMs,
    handled: true,
    detail: `other requests were served meanwhile (health check in ${otherMs} ms); the slow request was ${held}`,
  };
}
