/**
 * A profile's requests compiled into a Workload once, before the load: templates parsed, data
 * rows drawn through one cursor, checks compiled, endpoints named. A request without any `{{`
 * compiles to a fixed request, built once, exactly what it was before templates existed.
 */
import type { RequestSpec } from '../config/sections/request.js';
import { compileCheck, type CheckSpec } from '../workload/check.js';
import type { DataSet } from '../workload/data.js';
import { RowCursor } from '../workload/data.js';
import {
  compileBody,
  compileTemplate,
  encodeHeaderValue,
  type KnownNames,
  type Template,
  type TemplateScope,
} from '../workload/template.js';
import { prepareRequest, weightedCycle, type PreparedRequest } from './mix.js';
import { endpointsOf, type UserState, type Workload, type WorkloadRequest } from './workload.js';

export interface DataInput {
  set: DataSet;
  order: 'sequential' | 'random';
  onEnd: 'wrap' | 'stop';
  /** `request`: each request draws a row; `connection`: each virtual user keeps one. */
  scope: 'request' | 'connection';
}

export interface WorkloadInput {
  requests: readonly (RequestSpec & { check?: CheckSpec | undefined })[];
  /** Variables every user starts with: `variables:` (top level and profile) and the profile's setup captures. */
  variables: Readonly<Record<string, string>>;
  /** Names captured per connection (setupScope: connection): known to templates, valued per user. */
  perUserNames?: readonly string[];
  /** Each new user's own variables (per-connection setup), in order; default: none. */
  nextUserVars?: () => Readonly<Record<string, string>>;
  data?: DataInput | undefined;
  /** The profile's field for messages, e.g. `profiles[0]`. */
  field: string;
  /** Seed of a `random` data order. */
  seed?: number;
}

/** A value in a path: percent-encoded, so that an email or a title stays one path segment or query value. */
const encodePathValue = (v: string) => encodeURIComponent(v);

export function compileWorkload(input: WorkloadInput): Workload {
  const known: KnownNames = {
    variables: new Set([...Object.keys(input.variables), ...(input.perUserNames ?? [])]),
    columns: new Set(input.data?.set.columns ?? []),
  };
  const cursor = input.data && new RowCursor(input.data.set, input.data.order, input.data.onEnd, input.seed);
  const perRequestRows = input.data?.scope !== 'connection';
  const { endpoints, indexOf } = endpointsOf(input.requests);
  let seq = 0;
  const compiled = input.requests.map((spec, i): WorkloadRequest & { weight: number } => {
    const field = `${input.field}.requests[${i}]`;
    const check = spec.check ? compileCheck(spec.check, `${field}.check`) : undefined;
    const endpoint = indexOf[i] ?? 0;
    const shape = compileRequest(spec, field, known);
    if (!shape) {
      const fixed = prepareRequest(spec);
      return { endpoint, fixed, render: () => fixed, check, weight: spec.weight };
    }
    return {
      endpoint,
      fixed: undefined,
      check,
      weight: spec.weight,
      render: (user: UserState) => {
        // A request that reads the data draws its row now (scope: request) or has its user's (scope: connection).
        const row = shape.needsRow && perRequestRows ? cursor?.next() : user.row;
        if (shape.needsRow && !row) return undefined;
        return shape.render({ vars: user.vars, row, seq: seq++ });
      },
    };
  });
  return {
    endpoints,
    cycle: weightedCycle(compiled),
    fixed: compiled.every((r) => r.fixed !== undefined),
    newUser: () => ({
      vars: input.nextUserVars ? { ...input.variables, ...input.nextUserVars() } : input.variables,
      row: !perRequestRows ? cursor?.next() : undefined,
    }),
  };
}

/** One request rendered once with `scope` (a setup request): its templates, else the request as written. */
export function renderRequest(
  spec: Pick<RequestSpec, 'method' | 'path' | 'headers' | 'body'>,
  field: string,
  known: KnownNames,
  scope: TemplateScope,
): PreparedRequest {
  return compileRequest(spec, field, known)?.render(scope) ?? prepareRequest(spec);
}

/** The request's templates, or undefined when nothing in it varies (it is then fixed). */
function compileRequest(
  spec: Pick<RequestSpec, 'method' | 'path' | 'headers' | 'body'>,
  field: string,
  known: KnownNames,
): { needsRow: boolean; render: (scope: TemplateScope) => PreparedRequest } | undefined {
  const path = compileTemplate(spec.path, `${field}.path`, known, encodePathValue);
  const headers = Object.entries(spec.headers).map(
    ([name, value]) => [name, compileTemplate(value, `${field}.headers.${name}`, known, encodeHeaderValue)] as const,
  );
  const body = compileBody(spec.body, `${field}.body`, known);
  const templates: Template[] = [path, ...headers.map(([, t]) => t), ...(body.template ? [body.template] : [])];
  if (templates.every((t) => t.isStatic)) return undefined;
  const base = prepareRequest(spec);
  const fixedHeaders = base.headers;
  return {
    needsRow: templates.some((t) => t.needsRow),
    render: (scope) => {
      const h: Record<string, string> = { ...fixedHeaders };
      for (const [name, t] of headers) if (!t.isStatic) h[name] = t.render(scope);
      return {
        method: spec.method,
        path: path.isStatic ? spec.path : path.render(scope),
        headers: h,
        body: body.template ? body.template.render(scope) : base.body,
      };
    },
  };
}
