/**
 * The browser side of report.html: reads the embedded result and draws every chart with uPlot
 * (canvas; ~50 KB; chosen over Chart.js (~200 KB) and ECharts (~1 MB) for size and for drawing
 * dense time series crisply). Plain ES2017 in a string, no build step; it only reads data and
 * sets text with textContent, so nothing in the result can run as code.
 *
 * How the charts read (issue 16): one quantity per axis (the event-loop delay once shared the
 * CPU % axis); latency, throughput and resource axes from zero (an axis from the data's minimum
 * made a 3 % wobble look like a cliff); every chart of a profile on the same time axis, seconds
 * from the end of the warmup, with the warmup shaded (the timeline starts after it; the resource
 * sampler starts with the profile, so its samples are shifted by the warmup); SLO limits and
 * regression gates drawn as lines; the comparison's confidence intervals as bars; legends with
 * labels only (uPlot's live legend shows "--" until the cursor is over a chart). Each chart's
 * axis labels are also written to its data-axes attribute, which the browser test reads.
 */
export const CHART_SCRIPT = String.raw`
(function () {
  var result = JSON.parse(document.getElementById('perfgate-result').textContent);
  var width = function (el) { return Math.max(320, Math.min(1040, el.clientWidth || 900)); };
  var C = { p50: '#0969da', p90: '#8250df', p99: '#cf222e', rps: '#1a7f37', err: '#bc4c00', grey: '#6e7781', slo: '#9a6700', gate: '#cf222e' };
  var dpr = window.devicePixelRatio || 1;
  function draw(el, opts, data) {
    try {
      opts.width = width(el);
      opts.height = 240;
      opts.legend = { live: false };
      new uPlot(opts, data, el);
      el.setAttribute('data-axes', opts.axes.map(function (a) { return a.label || ''; }).join(' | '));
      el.setAttribute('data-rendered', 'true');
    } catch (e) {
      el.textContent = 'chart could not be drawn: ' + e.message;
      el.setAttribute('data-rendered', 'error');
    }
  }
  function max(values) { return values.reduce(function (m, v) { return v != null && v > m ? v : m; }, 0); }
  // A scale from zero to a little above the highest value drawn on it.
  function fromZero(floor) { return function (u, lo, hi) { return [0, Math.max(floor || 0, hi > 0 ? hi * 1.1 : 1)]; }; }
  // numbers.ts in the browser: 3 significant digits, en-US separators from 100 on.
  function num(v) { return v === 0 ? '0' : Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3); }
  function ms(v) { return v >= 1000 ? num(v / 1000) + ' s' : v < 1 && v > 0 ? num(v * 1000) + ' µs' : num(v) + ' ms'; }
  function pct(change) { return (change < 0 ? '−' : '+') + Math.abs(change * 100).toFixed(1) + ' %'; }
  function label(metric) { return metric === 'p999' ? 'p99.9' : metric === 'errorRate' ? 'error rate' : metric; }

  // One time axis per profile: seconds from the end of the warmup, the warmup before 0.
  function timeAxis(p) {
    var warm = p.warmupSec || 0, end = p.durationSec || 0;
    p.timeline.forEach(function (x) { end = Math.max(end, x.t + 1); });
    ((p.resources && p.resources.samples) || []).forEach(function (s) { end = Math.max(end, s.t - warm); });
    return { min: -warm, max: Math.max(end, 1), warm: warm };
  }
  function shadeWarmup(axis) {
    return function (u) {
      if (!(axis.warm > 0)) return;
      var ctx = u.ctx, x0 = u.valToPos(axis.min, 'x', true), x1 = u.valToPos(0, 'x', true);
      ctx.save();
      ctx.fillStyle = 'rgba(110,119,129,0.15)';
      ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
      ctx.fillStyle = '#57606a';
      ctx.font = 12 * dpr + 'px system-ui, sans-serif';
      ctx.fillText('warmup (not measured)', x0 + 4 * dpr, u.bbox.top + 14 * dpr);
      ctx.restore();
    };
  }
  // yFloor: the least top of the y axis (100 for CPU %, so that one busy core reads as one).
  function timeChart(el, p, title, axis, yAxis, series, data, yFloor) {
    var scales = { x: { time: false, range: function () { return [axis.min, axis.max]; } } };
    scales[yAxis.scale] = { range: fromZero(yFloor) };
    draw(el, { title: p.name + ': ' + title, scales: scales,
      axes: [{ label: 'seconds after the warmup' + (axis.warm > 0 ? ' (shaded: warmup)' : '') }, yAxis],
      series: [{ label: 's' }].concat(series), hooks: { drawClear: [shadeWarmup(axis)] } }, data);
  }
  // The profile's own SLO limits in one unit, each a flat line over the measured window.
  function sloLines(p, unit, scale, xs, series, data) {
    p.slo.checks.filter(function (c) { return c.unit === unit && c.endpoint == null; }).forEach(function (c) {
      var limit = unit === 'ms' ? ms(c.limit) : num(c.limit) + ' req/s';
      series.push({ label: 'SLO ' + label(c.metric) + (unit === 'rps' ? ' ≥ ' : ' ≤ ') + limit, stroke: C.slo, dash: [6, 4], width: 1.5, scale: scale });
      data.push(xs.map(function () { return c.limit; }));
    });
  }

  function latency(el, p, axis) {
    var t = p.timeline, xs = t.map(function (x) { return x.t; });
    var series = [{ label: 'p50', stroke: C.p50, scale: 'ms' }, { label: 'p99', stroke: C.p99, scale: 'ms' }];
    var data = [xs, t.map(function (x) { return x.p50; }), t.map(function (x) { return x.p99; })];
    sloLines(p, 'ms', 'ms', xs, series, data);
    timeChart(el, p, 'latency per second', axis, { scale: 'ms', label: 'latency (ms)' }, series, data);
  }
  function throughput(el, p, axis) {
    var t = p.timeline, xs = t.map(function (x) { return x.t; });
    var series = [{ label: 'req/s', stroke: C.rps, fill: 'rgba(26,127,55,0.08)', scale: 'rps' }];
    var data = [xs, t.map(function (x) { return x.rps; })];
    sloLines(p, 'rps', 'rps', xs, series, data);
    timeChart(el, p, 'throughput per second', axis, { scale: 'rps', label: 'throughput (req/s)' }, series, data);
  }
  function errors(el, p, axis) {
    var t = p.timeline;
    timeChart(el, p, 'errors per second', axis, { scale: 'err', label: 'errors per second' },
      [{ label: 'errors', stroke: C.err, scale: 'err', points: { show: true, size: 5 } }],
      [t.map(function (x) { return x.t; }), t.map(function (x) { return x.errors; })]);
  }
  function resources(el, p, axis, kind) {
    var r = p.resources.samples, xs = r.map(function (s) { return s.t - axis.warm; });
    var mib = function (key) { return r.map(function (s) { return s[key] == null ? null : s[key] / 1048576; }); };
    if (kind === 'cpu') {
      timeChart(el, p, 'SUT CPU', axis, { scale: '%', label: 'CPU (% of one core)' },
        [{ label: 'CPU %', stroke: C.p50, scale: '%' }], [xs, r.map(function (s) { return s.cpuPercent; })], 100);
    } else if (kind === 'memory') {
      var series = [{ label: 'RSS MiB', stroke: C.p90, scale: 'mib' }], data = [xs, mib('rssBytes')];
      if (r.some(function (s) { return s.heapUsedBytes != null; })) { series.push({ label: 'V8 heap used MiB', stroke: C.p50, scale: 'mib' }); data.push(mib('heapUsedBytes')); }
      if (r.some(function (s) { return s.externalBytes != null; })) { series.push({ label: 'external MiB', stroke: C.err, scale: 'mib' }); data.push(mib('externalBytes')); }
      timeChart(el, p, 'SUT memory', axis, { scale: 'mib', label: 'memory (MiB)' }, series, data);
    } else {
      timeChart(el, p, 'SUT event-loop delay', axis, { scale: 'ms', label: 'event-loop delay (ms)' },
        [{ label: 'event-loop delay', stroke: C.p99, scale: 'ms' }], [xs, r.map(function (s) { return s.eventLoopDelayMs == null ? null : s.eventLoopDelayMs; })]);
    }
  }
  function stress(el, p) {
    var s = p.stress, st = s.steps, bp = s.breakingPoint.step;
    var x = st.map(function (v) { return v.connections != null ? v.connections : v.offered; });
    var series = [{ label: 'offered' },
      { label: 'achieved req/s', stroke: C.rps, scale: 'rps', points: { show: true } },
      { label: 'offered req/s', stroke: C.grey, dash: [4, 4], scale: 'rps' },
      { label: 'max sustainable req/s', stroke: C.p90, dash: [2, 6], scale: 'rps' },
      { label: 'p99', stroke: C.p99, scale: 'ms', points: { show: true } },
      { label: 'breaking point', stroke: C.err, scale: 'rps', width: 0, points: { show: true, size: 12, fill: C.err } }];
    var data = [x, st.map(function (v) { return v.achievedRps; }), st.map(function (v) { return v.connections != null ? null : v.offered; }),
      st.map(function () { return s.maxSustainableRps; }), st.map(function (v) { return v.p99; }),
      st.map(function (v, i) { return i === bp ? v.achievedRps : null; })];
    p.slo.checks.filter(function (c) { return c.metric === 'p99' && c.endpoint == null; }).forEach(function (c) {
      series.push({ label: 'SLO p99 ≤ ' + ms(c.limit), stroke: C.slo, dash: [6, 4], scale: 'ms' });
      data.push(x.map(function () { return c.limit; }));
    });
    draw(el, { title: p.name + ': offered vs achieved load (breaking point: ' + s.breakingPoint.reason + ')',
      scales: { x: { time: false }, rps: { range: fromZero() }, ms: { range: fromZero() } },
      axes: [{ label: st[0] && st[0].connections != null ? 'connections' : 'offered load (req/s)' }, { scale: 'rps', label: 'throughput (req/s)' },
        { scale: 'ms', side: 1, label: 'p99 latency (ms)', grid: { show: false } }],
      series: series }, data);
  }
  // Each ratio row's change with its confidence interval as a bar, and its gate as a red tick.
  function comparison(el) {
    var rows = result.comparison.metrics.filter(function (m) { return m.metric !== 'errorRate'; });
    var xs = rows.map(function (_, i) { return i; });
    var ci = rows.map(function (m) { return [(m.ci[0] - 1) * 100, (m.ci[1] - 1) * 100]; });
    var gate = rows.map(function (m) { return m.threshold == null ? null : (m.metric === 'throughput' ? -1 : 1) * m.threshold * 100; });
    if (rows.length === 0) { el.textContent = 'No latency or throughput row was compared.'; el.setAttribute('data-rendered', 'empty'); return; }
    var estimate = rows.map(function (m) { return (m.ratio - 1) * 100; });
    var all = Array.prototype.concat.apply([0], ci).concat(estimate, gate.filter(function (g) { return g != null; }));
    var lo = Math.min.apply(null, all), hi = Math.max.apply(null, all), pad = Math.max(1, (hi - lo) * 0.1);
    var bars = function (u) {
      var ctx = u.ctx, cap = 5 * dpr;
      ctx.save();
      rows.forEach(function (m, i) {
        var x = u.valToPos(i, 'x', true), y0 = u.valToPos(ci[i][0], 'y', true), y1 = u.valToPos(ci[i][1], 'y', true);
        ctx.strokeStyle = C.grey; ctx.lineWidth = 2 * dpr; ctx.beginPath();
        ctx.moveTo(x, y0); ctx.lineTo(x, y1); ctx.moveTo(x - cap, y0); ctx.lineTo(x + cap, y0); ctx.moveTo(x - cap, y1); ctx.lineTo(x + cap, y1); ctx.stroke();
        if (gate[i] != null) {
          var g = u.valToPos(gate[i], 'y', true);
          ctx.strokeStyle = C.gate; ctx.setLineDash([4 * dpr, 3 * dpr]); ctx.beginPath(); ctx.moveTo(x - 3 * cap, g); ctx.lineTo(x + 3 * cap, g); ctx.stroke(); ctx.setLineDash([]);
        }
      });
      ctx.restore();
    };
    draw(el, { title: 'change against ' + (result.comparison.method === 'ab' ? 'the base (A/B)' : 'the baseline') + ': estimate, 95 % confidence interval and gate',
      scales: { x: { time: false, range: function () { return [-0.5, Math.max(rows.length, 1) - 0.5]; } }, y: { range: function () { return [lo - pad, hi + pad]; } } },
      axes: [{ label: 'compared row', splits: function () { return xs; }, values: function (u, v) { return v.map(function (i) { var m = rows[i]; return m ? m.profile + (m.endpoint ? ' › ' + m.endpoint : '') + ' ' + label(m.metric) : ''; }); } },
        { label: 'change (%)' }],
      series: [{ label: 'row' }, { label: 'estimate', stroke: C.p50, width: 0, points: { show: true, size: 9, fill: C.p50 } },
        // Legend entries for what the draw hook paints: their data are empty.
        { label: '95 % CI', stroke: C.grey, width: 2, points: { show: false } },
        { label: 'gate', stroke: C.gate, dash: [4, 3], points: { show: false } },
        { label: 'no change', stroke: C.grey, dash: [2, 4] }],
      hooks: { draw: [bars] } },
      [xs, estimate, xs.map(function () { return null; }), xs.map(function () { return null; }), xs.map(function () { return 0; })]);
  }
  function abTrials(el) {
    var am = result.comparison.metrics[Number(el.getAttribute('data-metric'))], tp = am.trials;
    var unit = am.metric === 'throughput' ? 'throughput (req/s)' : am.metric === 'errorRate' ? 'error rate' : label(am.metric) + ' latency (ms)';
    draw(el, { title: am.profile + (am.endpoint ? ' › ' + am.endpoint : '') + ' ' + label(am.metric) + ' in each A/B pair: head vs base ' + pct(am.ratio - 1) + ' [' + pct(am.ci[0] - 1) + ' … ' + pct(am.ci[1] - 1) + '], ' + am.verdict,
      scales: { x: { time: false, range: function () { return [0.5, tp.length + 0.5]; } }, y: { range: fromZero() } },
      axes: [{ label: 'pair (in the order run)' }, { label: unit }],
      series: [{ label: 'pair' }, { label: 'base', stroke: C.grey, width: 0, points: { show: true, size: 7, fill: C.grey } },
        { label: 'head', stroke: C.p50, width: 0, points: { show: true, size: 7, fill: C.p50 } },
        { label: 'base median', stroke: C.grey, dash: [4, 4] }, { label: 'head median', stroke: C.p50, dash: [4, 4] }] },
      [tp.map(function (_, i) { return i + 1; }), tp.map(function (v) { return v.base; }), tp.map(function (v) { return v.head; }),
        tp.map(function () { return am.baseline; }), tp.map(function () { return am.current; })]);
  }
  function trend(el) {
    var tr = result.trends[Number(el.getAttribute('data-trend'))];
    var stepShas = tr.steps.map(function (v) { return v.sha; });
    var unit = tr.metric === 'throughput' ? 'throughput (req/s)' : tr.metric === 'errorRate' ? 'error rate' : label(tr.metric) + ' latency (ms)';
    draw(el, { title: tr.profile + ' ' + label(tr.metric) + ' over the stored history', scales: { x: { time: false }, y: { range: fromZero() } },
      axes: [{ label: 'stored result (commit)', values: function (u, v) { return v.map(function (i) { var pt = tr.points[i]; return pt && Number.isInteger(i) ? pt.sha.slice(0, 7) : ''; }); } }, { label: unit }],
      series: [{ label: '#' }, { label: label(tr.metric), stroke: C.p50, points: { show: true } },
        { label: 'step change', stroke: C.err, width: 0, points: { show: true, size: 12, fill: C.err } }] },
      [tr.points.map(function (_, i) { return i; }), tr.points.map(function (v) { return v.value; }), tr.points.map(function (v) { return stepShas.indexOf(v.sha) >= 0 ? v.value : null; })]);
  }

  var axes = {};
  document.querySelectorAll('[data-chart]').forEach(function (el) {
    var kind = el.getAttribute('data-chart'), index = el.getAttribute('data-profile');
    var p = index === null ? undefined : result.profiles[Number(index)];
    var axis = p && (axes[index] = axes[index] || timeAxis(p));
    if (kind === 'latency') latency(el, p, axis);
    else if (kind === 'throughput') throughput(el, p, axis);
    else if (kind === 'errors') errors(el, p, axis);
    else if (kind === 'cpu' || kind === 'memory' || kind === 'event-loop') resources(el, p, axis, kind);
    else if (kind === 'stress') stress(el, p);
    else if (kind === 'comparison') comparison(el);
    else if (kind === 'ab-trials') abTrials(el);
    else if (kind === 'trend') trend(el);
  });
  document.body.setAttribute('data-charts-done', 'true');
})();
`;
