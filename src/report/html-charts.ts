/**
 * The browser side of report.html: reads the embedded result and draws every chart with uPlot
 * (canvas; ~50 KB; chosen over Chart.js (~200 KB) and ECharts (~1 MB) for size and for drawing
 * dense time series crisply). Plain ES2017 in a string, no build step; it only reads data and
 * sets text with textContent, so nothing in the result can run as code.
 */
export const CHART_SCRIPT = String.raw`
(function () {
  var result = JSON.parse(document.getElementById('perfgate-result').textContent);
  var width = function (el) { return Math.max(320, Math.min(1040, el.clientWidth || 900)); };
  var C = { p50: '#0969da', p90: '#8250df', p99: '#cf222e', rps: '#1a7f37', err: '#bc4c00', grey: '#6e7781' };
  function draw(el, opts, data) {
    try {
      opts.width = width(el);
      opts.height = 260;
      new uPlot(opts, data, el);
      el.setAttribute('data-rendered', 'true');
    } catch (e) {
      el.textContent = 'chart could not be drawn: ' + e.message;
      el.setAttribute('data-rendered', 'error');
    }
  }
  var ms = { scale: 'ms', label: 'ms', values: function (u, v) { return v.map(function (x) { return x + ' ms'; }); } };
  document.querySelectorAll('[data-chart]').forEach(function (el) {
    var kind = el.getAttribute('data-chart');
    var p = result.profiles[Number(el.getAttribute('data-profile'))];
    if (kind === 'latency') {
      var t = p.timeline;
      draw(el, { title: p.name + ': latency per second', scales: { x: { time: false } },
        axes: [{ label: 'second' }, ms],
        series: [{ label: 's' }, { label: 'p50', stroke: C.p50, scale: 'ms' }, { label: 'p99', stroke: C.p99, scale: 'ms' }] },
        [t.map(function (x) { return x.t; }), t.map(function (x) { return x.p50; }), t.map(function (x) { return x.p99; })]);
    } else if (kind === 'throughput') {
      var t2 = p.timeline;
      draw(el, { title: p.name + ': throughput and errors per second', scales: { x: { time: false } },
        axes: [{ label: 'second' }, { scale: 'rps', label: 'req/s' }, { scale: 'err', side: 1, label: 'errors', grid: { show: false } }],
        series: [{ label: 's' }, { label: 'req/s', stroke: C.rps, fill: 'rgba(26,127,55,0.08)', scale: 'rps' },
          { label: 'errors', stroke: C.err, scale: 'err', points: { show: true, size: 5 } }] },
        [t2.map(function (x) { return x.t; }), t2.map(function (x) { return x.rps; }), t2.map(function (x) { return x.errors; })]);
    } else if (kind === 'stress') {
      var s = p.stress, st = s.steps;
      var x = st.map(function (v) { return v.connections != null ? v.connections : v.offered; });
      var bp = s.breakingPoint.step;
      draw(el, { title: p.name + ': offered vs achieved load (breaking point: ' + s.breakingPoint.reason + ')', scales: { x: { time: false } },
        axes: [{ label: st[0] && st[0].connections != null ? 'connections' : 'offered req/s' }, { scale: 'rps', label: 'req/s' }, Object.assign({ side: 1, grid: { show: false } }, ms)],
        series: [{ label: 'offered' },
          { label: 'achieved req/s', stroke: C.rps, scale: 'rps', points: { show: true } },
          { label: 'offered req/s', stroke: C.grey, dash: [4, 4], scale: 'rps' },
          { label: 'max sustainable', stroke: C.p90, dash: [2, 6], scale: 'rps' },
          { label: 'p99', stroke: C.p99, scale: 'ms', points: { show: true } },
          { label: 'breaking point', stroke: C.err, scale: 'rps', width: 0, points: { show: true, size: 12, fill: C.err } }] },
        [x, st.map(function (v) { return v.achievedRps; }), st.map(function (v) { return v.connections != null ? null : v.offered; }),
          st.map(function () { return s.maxSustainableRps; }), st.map(function (v) { return v.p99; }),
          st.map(function (v, i) { return i === bp ? v.achievedRps : null; })]);
    } else if (kind === 'resources') {
      var r = p.resources.samples;
      draw(el, { title: p.name + ': SUT resources', scales: { x: { time: false } },
        axes: [{ label: 'second' }, { scale: '%', label: 'CPU %' }, { scale: 'mb', side: 1, label: 'RSS MiB', grid: { show: false } }],
        series: [{ label: 's' }, { label: 'CPU %', stroke: C.p50, scale: '%' }, { label: 'RSS MiB', stroke: C.p90, scale: 'mb' },
          { label: 'event-loop delay ms', stroke: C.p99, scale: '%' }] },
        [r.map(function (v) { return v.t; }), r.map(function (v) { return v.cpuPercent; }), r.map(function (v) { return v.rssBytes / 1048576; }),
          r.map(function (v) { return v.eventLoopDelayMs == null ? null : v.eventLoopDelayMs; })]);
    } else if (kind === 'comparison') {
      var m = result.comparison.metrics;
      draw(el, { title: 'change against ' + (result.comparison.method === 'ab' ? 'the base (A/B)' : 'the baseline') + ': estimate and confidence interval', scales: { x: { time: false, range: function () { return [-0.5, m.length - 0.5]; } }, y: { range: function (u, lo, hi) { return [Math.min(lo, 0.9), Math.max(hi, 1.1)]; } } },
        axes: [{ label: 'metric #', values: function (u, v) { return v.map(function (i) { var x = m[i]; return x ? x.profile + ' ' + x.metric : ''; }); } }, { label: 'ratio' }],
        series: [{ label: '#' }, { label: 'ratio', stroke: C.p50, width: 0, points: { show: true, size: 9, fill: C.p50 } },
          { label: 'CI low', stroke: C.grey, width: 0, points: { show: true, size: 5 } }, { label: 'CI high', stroke: C.grey, width: 0, points: { show: true, size: 5 } },
          { label: 'no change', stroke: C.grey, dash: [4, 4] }] },
        [m.map(function (_, i) { return i; }), m.map(function (v) { return v.ratio; }), m.map(function (v) { return v.ci[0]; }), m.map(function (v) { return v.ci[1]; }), m.map(function () { return 1; })]);
    } else if (kind === 'ab-trials') {
      var am = result.comparison.metrics[Number(el.getAttribute('data-metric'))], tp = am.trials;
      var pct = function (v) { return (v >= 1 ? '+' : '') + ((v - 1) * 100).toFixed(1) + '%'; };
      draw(el, { title: am.profile + (am.endpoint ? ' › ' + am.endpoint : '') + ' ' + am.metric + ' in each A/B pair: head vs base ' + pct(am.ratio) + ' [' + pct(am.ci[0]) + ', ' + pct(am.ci[1]) + '], ' + am.verdict,
        scales: { x: { time: false, range: function () { return [0.5, tp.length + 0.5]; } } },
        axes: [{ label: 'pair (in the order run)' }, { label: am.metric === 'throughput' ? 'req/s' : am.metric === 'errorRate' ? 'error rate' : 'ms' }],
        series: [{ label: 'pair' }, { label: 'base', stroke: C.grey, width: 0, points: { show: true, size: 7, fill: C.grey } },
          { label: 'head', stroke: C.p50, width: 0, points: { show: true, size: 7, fill: C.p50 } },
          { label: 'base median', stroke: C.grey, dash: [4, 4] }, { label: 'head median', stroke: C.p50, dash: [4, 4] }] },
        [tp.map(function (_, i) { return i + 1; }), tp.map(function (v) { return v.base; }), tp.map(function (v) { return v.head; }),
          tp.map(function () { return am.baseline; }), tp.map(function () { return am.current; })]);
    } else if (kind === 'trend') {
      var tr = result.trends[Number(el.getAttribute('data-trend'))];
      var stepShas = tr.steps.map(function (v) { return v.sha; });
      draw(el, { title: tr.profile + ' ' + tr.metric + ' over the stored history', scales: { x: { time: false } },
        axes: [{ label: 'result #', values: function (u, v) { return v.map(function (i) { var pt = tr.points[i]; return pt ? pt.sha.slice(0, 7) : ''; }); } }, { label: tr.metric }],
        series: [{ label: '#' }, { label: tr.metric, stroke: C.p50, points: { show: true } },
          { label: 'step change', stroke: C.err, width: 0, points: { show: true, size: 12, fill: C.err } }] },
        [tr.points.map(function (_, i) { return i; }), tr.points.map(function (v) { return v.value; }), tr.points.map(function (v) { return stepShas.indexOf(v.sha) >= 0 ? v.value : null; })]);
    }
  });
  document.body.setAttribute('data-charts-done', 'true');
})();
`;
