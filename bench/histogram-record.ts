/**
 * What recording one latency costs in hdr-histogram-js's JavaScript build and in its WebAssembly
 * build, with the recorder's settings (src/load/recorder.ts: 1 µs to 1 hour, 32-bit buckets):
 * the load engine records every response twice (its second, the profile).
 *
 *   npx tsx bench/histogram-record.ts [values=5000000]
 *
 * Values between 300 and 500 µs (a loopback request), nanoseconds per recordValue, best of 5.
 */
import * as hdr from 'hdr-histogram-js';

const values = Number(process.argv[2] ?? 5_000_000);
hdr.initWebAssemblySync();
const latencies = Float64Array.from({ length: 1 << 16 }, () => Math.round(300 + Math.random() * 200));
const build = (digits: 2 | 3, useWebAssembly: boolean) =>
  hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: digits,
    bitBucketSize: 32,
    useWebAssembly,
  });
const rows = ['| build | 3 digits (the profile) ns | 2 digits (a second) ns |', '|---|---:|---:|'];
for (const useWebAssembly of [false, true]) {
  const cells = ([3, 2] as const).map((digits) => {
    let best = Infinity;
    for (let attempt = 0; attempt < 5; attempt++) {
      const h = build(digits, useWebAssembly);
      const t0 = performance.now();
      for (let i = 0; i < values; i++) h.recordValue(latencies[i & 0xffff] as number);
      best = Math.min(best, ((performance.now() - t0) * 1e6) / values);
      if (h.totalCount !== values) throw new Error(`recorded ${h.totalCount} of ${values}`);
      h.destroy();
    }
    return best.toFixed(1);
  });
  rows.push(`| ${useWebAssembly ? 'WebAssembly' : 'JavaScript'} | ${cells.join(' | ')} |`);
}
console.log(rows.join('\n'));
