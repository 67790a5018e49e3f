/**
 * Prepares what a load or stress profile sends: its data file read, its setup requests run
 * (once, or once per virtual user), and its requests compiled with the variables they may use.
 */
import type { LoadProfile } from '../config/sections/load.js';
import type { StressProfile } from '../config/sections/stress.js';
import { compileWorkload } from '../load/compile.js';
import type { Workload } from '../load/workload.js';
import { loadDataFile } from '../workload/data.js';
import { emptyMeasurement } from '../load/empty.js';
import type { ProfileResult } from '../model/result.js';
import { runSetup, SetupError } from './setup.js';
import type { ProfileContext } from './types.js';

/**
 * The profile's workload. `users`: the virtual users of a closed-model profile, each logging in
 * on its own with `setupScope: connection` (its captures are then its own).
 */
async function prepareWorkload(
  ctx: ProfileContext,
  profile: LoadProfile | StressProfile,
  users: number | undefined,
): Promise<Workload> {
  // By name: an A/B trial runs a copy of the profile with its own duration.
  const index = ctx.settings.config.profiles.findIndex((p) => p.name === profile.name);
  const field = `profiles[${index < 0 ? '?' : index}]`;
  const variables = { ...ctx.settings.config.variables, ...profile.variables };
  const data = profile.data && {
    set: await loadDataFile(profile.data.file, ctx.settings.dir, `${field}.data.file`),
    order: profile.data.order,
    onEnd: profile.data.onEnd,
    scope: profile.data.scope,
  };
  const setupOptions = {
    baseUrl: ctx.baseUrl,
    timeoutMs: profile.timeout,
    signal: ctx.signal,
    field,
    onSecret: ctx.onSecret,
  };
  const setup = profile.setup ?? [];
  const perUser = setup.length > 0 && profile.setupScope === 'connection' && users !== undefined;
  if (!perUser) {
    const captured = setup.length ? await runSetup(setup, variables, setupOptions) : {};
    if (setup.length) ctx.logger.info(`profile ${profile.name}: setup done (${setup.length} request(s))`);
    return compileWorkload({ requests: profile.requests, variables: { ...variables, ...captured }, data, field });
  }
  // Each virtual user logs in on its own, before the load: N setups, one after the other.
  const sets: Record<string, string>[] = [];
  for (let u = 0; u < users; u++) sets.push(await runSetup(setup, variables, setupOptions));
  ctx.logger.info(`profile ${profile.name}: setup done for ${users} virtual users`);
  let next = 0;
  return compileWorkload({
    requests: profile.requests,
    variables,
    perUserNames: Object.keys(sets[0] ?? {}),
    nextUserVars: () => sets[next++ % sets.length] ?? {},
    data,
    field,
  });
}

/** The profile's workload, or the reason its setup failed (logged), for a result that sent no load. */
export async function workloadOrSetupFailure(
  ctx: ProfileContext,
  profile: LoadProfile | StressProfile,
  users: number | undefined,
): Promise<Workload | { failed: ProfileResult }> {
  try {
    return await prepareWorkload(ctx, profile, users);
  } catch (e) {
    if (!(e instanceof SetupError)) throw e;
    ctx.logger.error(`profile ${profile.name}: ${e.message}`);
    const failed: ProfileResult = {
      name: profile.name,
      kind: profile.kind,
      status: 'fail',
      reasons: [e.message],
      startedAt: new Date().toISOString(),
      ...emptyMeasurement(),
      slo: { pass: false, checks: [] },
    };
    return { failed };
  }
}
