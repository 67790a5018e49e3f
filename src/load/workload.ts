/**
 * What a load engine sends: the profile's requests compiled once into a weighted cycle, each
 * request knowing its endpoint (the name its numbers are kept under), how to produce the request
 * it sends next, and the check its answer must pass. The engines never read the config.
 */
import type { RequestSpec } from '../config/sections/request.js';
import { endpointName } from '../model/result.js';
import type { EndpointKey } from './recorder.js';
import { prepareRequest, weightedCycle, type PreparedRequest } from './mix.js';

/** What a check reads of an answer; `headers` by lower-case name. */
export interface CheckedResponse {
  status: number;
  headers: (name: string) => string | undefined;
  /** The first `bodyLimit` bytes of the body, when the check keeps any. */
  body: Buffer | undefined;
  bodyBytes: number;
}

/** A header lookup over undici's parsed headers (lower-case names; a repeated header joined with ", "). */
export function headerReader(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): (name: string) => string | undefined {
  return (name) => {
    const v = headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
  };
}

export interface ResponseCheck {
  /** Bytes of the body the check needs kept (0: the body is only counted). */
  bodyLimit: number;
  /** undefined when the answer passes, else what was expected and what came back. */
  evaluate(response: CheckedResponse): string | undefined;
}

/** One virtual user's (connection's) state: its variables and its data row. */
export interface UserState {
  vars: Readonly<Record<string, string>>;
  row: Readonly<Record<string, string>> | undefined;
}

export interface WorkloadRequest {
  /** Index into Workload.endpoints. */
  endpoint: number;
  /** The request ready to send, when nothing in it varies from one send to the next. */
  fixed: PreparedRequest | undefined;
  /** The request to send now for `user`; undefined when a data file with `onEnd: stop` ran out. */
  render(user: UserState): PreparedRequest | undefined;
  check: ResponseCheck | undefined;
}

export interface Workload {
  endpoints: readonly EndpointKey[];
  cycle: readonly WorkloadRequest[];
  /** Every request is fixed: an engine may build each once. */
  fixed: boolean;
  /** A new virtual user's state (a connection's, or the whole run's in the open model). */
  newUser(): UserState;
}

/**
 * The endpoints of `specs` by name (requests of one name share one), and each spec's index among
 * them. The first request of a name gives the endpoint its method and path.
 */
export function endpointsOf(specs: readonly Pick<RequestSpec, 'name' | 'method' | 'path'>[]): {
  endpoints: EndpointKey[];
  indexOf: number[];
} {
  const endpoints: EndpointKey[] = [];
  const byName = new Map<string, number>();
  const indexOf = specs.map((spec) => {
    const name = endpointName(spec);
    let i = byName.get(name);
    if (i === undefined) {
      i = endpoints.push({ name, method: spec.method, path: spec.path }) - 1;
      byName.set(name, i);
    }
    return i;
  });
  return { endpoints, indexOf };
}

/** A workload of requests that never vary and carry no checks: what a profile without templates sends. */
export function fixedWorkload(specs: readonly RequestSpec[]): Workload {
  const { endpoints, indexOf } = endpointsOf(specs);
  const compiled = specs.map((spec, i): WorkloadRequest & { weight: number } => {
    const fixed = prepareRequest(spec);
    return { endpoint: indexOf[i] ?? 0, fixed, render: () => fixed, check: undefined, weight: spec.weight };
  });
  return {
    endpoints,
    cycle: weightedCycle(compiled),
    fixed: true,
    newUser: () => ({ vars: {}, row: undefined }),
  };
}
