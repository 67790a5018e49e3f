/**
 * A profile's `setup:` requests: sent once before its warmup (or once per virtual user, with
 * `setupScope: connection`), in order, each with its check and captures; a capture becomes a
 * variable of the later setup requests and of the load. A setup request that fails (a transport
 * error, a failed check, a status of 400 or more without a check, a capture that finds nothing)
 * fails the profile before any load, with a reason that says which request, what was expected
 * and what came back. Captured values are secrets: they are reported to `onSecret` at once.
 */
import { request } from 'undici';
import type { SetupRequest } from '../config/sections/request.js';
import { compileCheck } from '../workload/check.js';
import { compileCapture } from '../workload/capture.js';
import type { KnownNames } from '../workload/template.js';
import { renderRequest } from '../load/compile.js';
import { headerReader } from '../load/workload.js';
import { endpointName } from '../model/result.js';

/** The most of a setup answer that is read: enough for a login's JSON, bounded for a hostile server. */
const SETUP_BODY_LIMIT = 1024 * 1024;

export interface SetupOptions {
  baseUrl: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
  /** The profile's field for messages, e.g. `profiles[1]`. */
  field: string;
  /** Called with each captured value before it is used: it must be masked wherever perfgate writes. */
  onSecret: (value: string) => void;
}

export class SetupError extends Error {}

/** Runs the setup requests in order; answers the variables captured. Throws SetupError with the reason. */
export async function runSetup(
  setup: readonly SetupRequest[],
  variables: Readonly<Record<string, string>>,
  options: SetupOptions,
): Promise<Record<string, string>> {
  const captured: Record<string, string> = {};
  const base = new URL(options.baseUrl);
  const prefix = base.pathname.replace(/\/$/, '');
  for (const [i, spec] of setup.entries()) {
    const field = `${options.field}.setup[${i}]`;
    const name = endpointName(spec);
    const vars = { ...variables, ...captured };
    const known: KnownNames = { variables: new Set(Object.keys(vars)), columns: new Set() };
    const { path, headers, body } = renderRequest(spec, field, known, { vars, row: undefined, seq: i });
    const answer = await send(base.origin, prefix + path, spec.method, headers, body, options).catch((e: Error) => {
      throw new SetupError(`setup request ${name} (${field}) failed: ${e.message}`);
    });
    // Captured values are secrets from the moment the answer holds them: registered before the
    // check, whose failure text quotes the body (a login that answered 200 where 201 was expected
    // would otherwise print its token).
    const text = answer.body.toString('utf8');
    const captures = Object.entries(spec.capture ?? {}).map(([variable, captureSpec]) => {
      const value = compileCapture(variable, captureSpec, `${field}.capture.${variable}`).extract({
        headers: answer.headers,
        body: text,
      });
      if (value !== undefined) options.onSecret(value);
      return { variable, captureSpec, value };
    });
    const check = spec.check && compileCheck(spec.check, `${field}.check`);
    const failed = check
      ? check.evaluate(answer)
      : answer.status >= 400
        ? `expected a status below 400, got ${answer.status}`
        : undefined;
    if (failed) throw new SetupError(`setup request ${name} (${field}) failed its check: ${failed}`);
    for (const { variable, captureSpec, value } of captures) {
      if (value === undefined)
        throw new SetupError(
          `setup request ${name} (${field}): capture ${variable} (${describeCapture(captureSpec)}) found nothing in the answer (HTTP ${answer.status}, ${answer.bodyBytes} bytes)`,
        );
      captured[variable] = value;
    }
  }
  return captured;
}

function describeCapture(spec: unknown): string {
  return typeof spec === 'string' ? spec : JSON.stringify(spec);
}

async function send(
  origin: string,
  path: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  options: SetupOptions,
): Promise<{ status: number; headers: (name: string) => string | undefined; body: Buffer; bodyBytes: number }> {
  const res = await request(origin + path, {
    method: method as 'GET',
    headers,
    body: body ?? null,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of res.body) {
    const b = chunk as Buffer;
    if (bytes < SETUP_BODY_LIMIT) chunks.push(b.subarray(0, SETUP_BODY_LIMIT - bytes));
    bytes += b.length;
  }
  return {
    status: res.statusCode,
    headers: headerReader(res.headers),
    body: Buffer.concat(chunks),
    bodyBytes: bytes,
  };
}
