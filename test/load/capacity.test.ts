import { describe, expect, it } from 'vitest';
import { profileSchema } from '../../src/config/schema.js';
import { socketBudget, socketLimitProblems } from '../../src/load/capacity.js';
import { defaultMaxInFlight } from '../../src/load/model.js';

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
      profile({ kind: 'load', rate: 100, maxInFlight: 5000 }),
      profile({ kind: 'stress', connections: { start: 10, step: 10, max: 900 } }),
      profile({ kind: 'load', connections: 768 }),
    ];
    const problems = socketLimitProblems(profiles, 1024);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toBe(
      'profiles[0] (p).connections: 800 connections need 800 open sockets, but this process may open 1024 files (ulimit -n) and perfgate keeps 256 for itself; lower it to at most 768, or raise the limit (ulimit -n) before starting perfgate',
    );
    expect(problems[1]).toMatch(/^profiles\[1\] \(p\)\.maxInFlight: 5000 requests in flight/);
    expect(problems[2]).toMatch(/^profiles\[2\] \(p\)\.connections\.max: 900 connections/);
  });

  it('caps the open model default to the budget (rate 16000 × 10 s asked for 160,000 sockets)', () => {
    expect(defaultMaxInFlight(16_000, 10_000, 19_744)).toBe(19_744);
    expect(defaultMaxInFlight(10, 1_000, 19_744)).toBe(64);
    expect(defaultMaxInFlight(500, 2_000, 19_744)).toBe(1_000);
  });
});
