import { describe, expect, it } from 'vitest';
import { profileSchema } from '../../src/config/schema.js';
import { socketBudget, socketLimitProblems } from '../../src/load/capacity.js';
import { defaultMaxConnections, defaultMaxInFlight, openModel } from '../../src/load/model.js';

const profile = (p: object) => profileSchema.parse({ name: 'p', ...p });

describe('socket limits', () => {
  it('keeps descriptors for perfgate itself', () => {
    expect(socketBudget(1024)).toBe(768);
    expect(socketBudget(Infinity)).toBe(Infinity);
    expect(socketBudget(10)).toBe(1);
  });

  it('names each field that asks for more sockets than the budget, with the limit and the most allowed', () => {
    const profiles = [
      profile({ kind: 'load', connections: 800 }),
      profile({ kind: 'load', rate: 100, maxConnections: 5000 }),
      profile({ kind: 'stress', connections: { start: 10, step: 10, max: 900 } }),
      profile({ kind: 'load', connections: 768 }),
    ];
    const problems = socketLimitProblems(profiles, 1024);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe(
      'profiles[0] (p).connections: 800 connections need 800 open sockets, but this process may open 1024 files (ulimit -n) and perfgate keeps 256 for itself; lower it to at most 768, or raise the limit (ulimit -n) before starting perfgate',
    );
    expect(problems[1]).toMatch(/^profiles\[1\] \(p\)\.maxConnections: 5000 connections need 5000 open sockets/);
    expect(problems[2]).toMatch(/^profiles\[2\] \(p\)\.connections\.max: 900 connections/);
  });

  it('sizes the open model: a timeout of arrivals may be outstanding, but sockets only for 50 ms answers', () => {
    // rate 16000 × 10 s asked for 160,000 sockets; arrivals past the pool wait instead.
    expect(defaultMaxInFlight(16_000, 10_000)).toBe(160_000);
    expect(defaultMaxInFlight(100_000, 10_000)).toBe(200_000);
    expect(defaultMaxInFlight(10, 1_000)).toBe(64);
    expect(defaultMaxConnections(16_000, 160_000, 19_744)).toBe(800);
    expect(defaultMaxConnections(1_000_000, 200_000, 19_744)).toBe(19_744);
    // 400 req/s against a cold app opened 788 sockets: now at most 64.
    expect(defaultMaxConnections(400, 4_000, 19_744)).toBe(64);
    expect(defaultMaxConnections(400, 10, 19_744)).toBe(10);
    expect(openModel(400, 10_000, { maxConnections: 8 })).toEqual({
      kind: 'open',
      rate: 400,
      maxInFlight: 4_000,
      maxConnections: 8,
    });
  });

  it('refuses the open model settings on a closed-model profile, naming the field', () => {
    const r = profileSchema.safeParse({ name: 'p', kind: 'load', connections: 10, maxConnections: 4 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['maxConnections']);
    expect(r.error?.issues[0]?.message).toMatch(/open model \(rate\) only/);
  });
});
