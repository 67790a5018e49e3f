import type { RequestSpec } from '../config/sections/request.js';
import type { ProfileResult } from '../model/result.js';
import type { Workload } from './workload.js';

export type LoadModel =
  /** Closed model: `connections` users, each sends its next request when the last one is answered. */
  | { kind: 'closed'; connections: number }
  /**
   * Open model: requests arrive at `rate` per second on a schedule, whatever the server does; at
   * most `maxInFlight` outstanding (past it, arrivals are dropped) on at most `maxConnections`
   * connections (past it, arrivals wait for a free one).
   */
  | { kind: 'open'; rate: number; maxInFlight: number; maxConnections: number };

export interface LoadOptions {
  /** Base URL; request paths are appended. Must already have passed the target allow-list. */
  baseUrl: string;
  requests: RequestSpec[];
  /** The requests compiled (templates, data, checks, endpoints); default: `requests` as fixed requests. */
  workload?: Workload | undefined;
  model: LoadModel;
  durationMs: number;
  warmupMs: number;
  timeoutMs: number;
  pipelining?: number;
  /** Stop early (budget, SUT crash, user interrupt); the measurement covers what ran. */
  signal?: AbortSignal;
  /** Keep each second's latency histogram in the timeline (for an exact merge of shards). */
  secondHistograms?: boolean;
  /** Called about once a second with the last second's numbers. */
  onSecond?: (point: { t: number; rps: number; p99: number; errors: number; inWarmup: boolean }) => void;
}

/** What one load run measured, before SLO evaluation: the measurement fields of a ProfileResult. */
export type LoadMeasurement = Pick<
  ProfileResult,
  | 'startedAt'
  | 'durationSec'
  | 'warmupSec'
  | 'requests'
  | 'errors'
  | 'throughput'
  | 'latency'
  | 'histogram'
  | 'timeline'
  | 'degradation'
  | 'endpoints'
  | 'generator'
>;

export interface LoadRunner {
  run(options: LoadOptions): Promise<LoadMeasurement>;
}
