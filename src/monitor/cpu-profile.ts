/**
 * Reads V8 CPU profiles (.cpuprofile, the format of Chrome DevTools and `--cpu-prof`) and names
 * the functions with the most self time, with file:line. V8's pseudo-frames ((idle), (program),
 * (garbage collector), (root)) are left out of the ranking; GC is reported as its own share.
 */
import { isOwnCode, type HotFunction } from '../model/monitor.js';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber?: number };
  hitCount?: number;
}
export interface CpuProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const PSEUDO = new Set(['(idle)', '(program)', '(root)', '(garbage collector)']);

export function hotFunctions(
  profiles: readonly CpuProfile[],
  top = 5,
): { functions: HotFunction[]; gcPercent: number; busyMs: number } {
  const ranked = rankFunctions(profiles);
  const own = ranked.functions.find(isOwnCode);
  const functions = ranked.functions.slice(0, top);
  // The SUT's own hottest function always makes the list: it is what a suggestion points at.
  if (own && !functions.includes(own)) functions.push(own);
  return { functions, gcPercent: ranked.gcPercent, busyMs: ranked.busyMs };
}

function rankFunctions(profiles: readonly CpuProfile[]): {
  functions: HotFunction[];
  gcPercent: number;
  busyMs: number;
} {
  const self = new Map<string, HotFunction>();
  let busyUs = 0;
  let gcUs = 0;
  for (const profile of profiles) {
    // Time per sample from the deltas when present; hitCount otherwise.
    const perNode = new Map<number, number>();
    if (profile.samples?.length && profile.timeDeltas?.length) {
      profile.samples.forEach((id, i) =>
        perNode.set(
          id,
          (perNode.get(id) ?? 0) + Math.max(0, profile.timeDeltas?.[i + 1] ?? profile.timeDeltas?.[i] ?? 0),
        ),
      );
    } else {
      const hits = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
      const usPerHit = hits ? (profile.endTime - profile.startTime) / hits : 0;
      for (const n of profile.nodes) perNode.set(n.id, (n.hitCount ?? 0) * usPerHit);
    }
    for (const n of profile.nodes) {
      const us = perNode.get(n.id) ?? 0;
      const name = n.callFrame.functionName || '(anonymous)';
      if (name === '(garbage collector)') gcUs += us;
      if (name === '(idle)') continue;
      busyUs += us;
      if (PSEUDO.has(name)) continue;
      const key = `${name}@${n.callFrame.url}:${n.callFrame.lineNumber}`;
      const entry = self.get(key) ?? {
        functionName: name,
        url: n.callFrame.url,
        line: n.callFrame.lineNumber + 1,
        selfMs: 0,
        selfPercent: 0,
      };
      entry.selfMs += us / 1000;
      self.set(key, entry);
    }
  }
  const functions = [...self.values()]
    .map((f) => ({ ...f, selfPercent: busyUs ? (f.selfMs * 1000 * 100) / busyUs : 0 }))
    .sort((a, b) => b.selfMs - a.selfMs);
  return { functions, gcPercent: busyUs ? (gcUs * 100) / busyUs : 0, busyMs: busyUs / 1000 };
}
