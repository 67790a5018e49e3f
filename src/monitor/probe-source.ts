/**
 * The Node.js probe that perfgate preloads into a Node SUT (NODE_OPTIONS=--require): every
 * PERFGATE_PROBE_INTERVAL ms it appends one JSON line to PERFGATE_PROBE_FILE with the event-loop
 * delay (perf_hooks.monitorEventLoopDelay, less its 10 ms sampling resolution, which every sample includes), event-loop utilization, GC pause time, heap use,
 * and the time its HTTP servers spent per request (from the 'request' event to the response's end).
 * With PERFGATE_CPU_PROFILE_DIR set it also runs the V8 profiler through node:inspector
 * (`--cpu-prof` is not allowed in NODE_OPTIONS) and, on SIGUSR2 from perfgate, writes the
 * profile so far and starts the next one. Everything is wrapped so that the probe can never
 * break or keep alive the SUT: timers are unref'd and every error is swallowed.
 */
export const PROBE_SOURCE = String.raw`'use strict';
(function () {
  try {
    var fs = require('fs');
    var path = require('path');
    var perf = require('perf_hooks');
    var file = process.env.PERFGATE_PROBE_FILE;
    if (!file) return;
    var interval = Number(process.env.PERFGATE_PROBE_INTERVAL || 250);
    var eld = perf.monitorEventLoopDelay({ resolution: 10 });
    eld.enable();
    var elu = perf.performance.eventLoopUtilization();
    var gcMs = 0;
    try {
      new perf.PerformanceObserver(function (list) {
        list.getEntries().forEach(function (e) { gcMs += e.duration; });
      }).observe({ entryTypes: ['gc'] });
    } catch (e) {}
    // The SUT's own time per request: from the server's 'request' event to the response's
    // 'finish'. What the client sees beyond it (less the event-loop delay) was spent between the
    // two: network, proxies, the kernel's queues.
    var srvMs = 0;
    var srvN = 0;
    [['http', 'Server'], ['https', 'Server']].forEach(function (pair) {
      try {
        var proto = require(pair[0])[pair[1]].prototype;
        var emit = proto.emit;
        proto.emit = function (ev, req, res) {
          if (ev === 'request' && res && typeof res.once === 'function') {
            try {
              var t0 = perf.performance.now();
              res.once('finish', function () { srvMs += perf.performance.now() - t0; srvN++; });
            } catch (e) {}
          }
          return emit.apply(this, arguments);
        };
      } catch (e) {}
    });
    var timer = setInterval(function () {
      try {
        var now = perf.performance.eventLoopUtilization();
        var d = perf.performance.eventLoopUtilization(now, elu);
        elu = now;
        var m = process.memoryUsage();
        var line = { pid: process.pid, ts: Date.now(), eldN: eld.count, eldP50: Math.max(0, eld.percentile(50) / 1e6 - 10), eldP99: Math.max(0, eld.percentile(99) / 1e6 - 10), eldMax: Math.max(0, eld.max / 1e6 - 10), elu: d.utilization, gcMs: gcMs, heapUsed: m.heapUsed, heapTotal: m.heapTotal, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers, srvMs: srvMs, srvN: srvN };
        eld.reset();
        gcMs = 0;
        srvMs = 0;
        srvN = 0;
        fs.appendFileSync(file, JSON.stringify(line) + '\n');
      } catch (e) {}
    }, interval);
    timer.unref();
    var dir = process.env.PERFGATE_CPU_PROFILE_DIR;
    if (dir) {
      var inspector = require('inspector');
      var session = new inspector.Session();
      session.connect();
      var n = 0;
      session.post('Profiler.enable', function () {
        session.post('Profiler.setSamplingInterval', { interval: 1000 }, function () {
          session.post('Profiler.start');
        });
      });
      process.on('SIGUSR2', function () {
        try {
          session.post('Profiler.stop', function (err, res) {
            try {
              if (!err && res && res.profile) fs.writeFileSync(path.join(dir, 'cpu-' + process.pid + '-' + (n++) + '.cpuprofile'), JSON.stringify(res.profile));
            } catch (e) {}
            session.post('Profiler.start');
          });
        } catch (e) {}
      });
    }
  } catch (e) {}
})();
`;
