// The timeline picture of one graded task: a bar per call the grader served, on the grader's (virtual) clock,
// so a student sees at a glance whether the calls ran one after another or together.
import { h, s } from './dom.js';

let uid = 0;

/** Normalises the trace entries: [{label, start, end, open, cancelled, raised, thread}]. */
export function callsOf(task) {
  const trace = Array.isArray(task?.trace) ? task.trace : [];
  const elapsed = num(task?.elapsed);
  const calls = trace
    .filter((c) => c && num(c.start) !== null)
    .map((c) => {
      const start = num(c.start);
      let end = num(c.end);
      const open = end === null;
      if (open) end = Math.max(start, elapsed ?? start);
      return {
        label: String(c.call ?? 'call'), start, end, open,
        cancelled: !!c.cancelled, raised: !!c.raised, thread: c.thread || null,
      };
    });
  return calls;
}

function num(x) {
  return typeof x === 'number' && Number.isFinite(x) ? x : null;
}

/** The most calls in flight at any one moment (an end at t comes before a start at t). */
export function maxConcurrency(calls) {
  const ev = [];
  for (const c of calls) {
    if (c.end > c.start) { ev.push([c.start, 1]); ev.push([c.end, -1]); }
  }
  ev.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0, max = 0;
  for (const [, d] of ev) { cur += d; max = Math.max(max, cur); }
  return Math.max(max, calls.length ? 1 : 0);
}

const fmt = (t) => `${+t.toFixed(3)} s`;

/** One sentence for screen readers and the figure caption. */
export function summarize(task, calls = callsOf(task)) {
  const n = calls.length;
  const total = Math.max(num(task?.elapsed) ?? 0, ...calls.map((c) => c.end), 0);
  if (!n) return `No calls recorded; total ${fmt(total)}`;
  const parts = [`${n} call${n === 1 ? '' : 's'}`];
  if (n > 1) {
    const k = maxConcurrency(calls);
    if (k >= n) parts.push('all ran together');
    else if (k <= 1) parts.push('ran one after another');
    else parts.push(`at most ${k} ran at once`);
  }
  const cancelled = calls.filter((c) => c.cancelled).length;
  const open = calls.filter((c) => c.open).length;
  const raised = calls.filter((c) => c.raised).length;
  if (cancelled) parts.push(`${cancelled} cancelled`);
  if (raised) parts.push(`${raised} raised an error`);
  if (open) parts.push(`${open} still running when the task ended`);
  parts.push(`total ${fmt(total)}`);
  return parts.join('; ');
}

/** A "nice" tick step so that about `want` ticks cover tmax. */
function tickStep(tmax, want) {
  const raw = tmax / Math.max(1, want);
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

/** Builds the <figure> with the SVG and its legend. `width` is the drawing width in CSS pixels. */
export function timelineFigure(task, width = 640) {
  const calls = callsOf(task);
  const summary = summarize(task, calls);
  const fig = h('figure', { class: 'timeline' });
  const draw = (w) => {
    const svg = timelineSvg(task, calls, summary, w);
    const old = fig.querySelector('svg.tl');
    if (old) old.replaceWith(svg); else fig.prepend(svg);
  };
  draw(width);
  fig.append(h('figcaption', {}, summary), legend(calls));
  // Redraw at the real width once on the page, and when it changes (phone rotation, window resize).
  if ('ResizeObserver' in window) {
    let last = width;
    new ResizeObserver((entries) => {
      const w = Math.round(entries[0].contentRect.width);
      if (w > 0 && Math.abs(w - last) > 4) { last = w; draw(w); }
    }).observe(fig);
  }
  return fig;
}

function timelineSvg(task, calls, summary, width) {
  const id = `tl${++uid}`;
  const W = Math.max(260, width);
  const compact = calls.length > 16;
  const rowH = compact ? 12 : 30;
  const padL = 10, padR = 24, top = 8, axisH = 30;
  const elapsed = num(task?.elapsed);
  const tmax = Math.max(elapsed ?? 0, ...calls.map((c) => c.end), 0) || 1;
  const plotW = W - padL - padR;
  const x = (t) => padL + (t / tmax) * plotW;
  const H = top + Math.max(1, calls.length) * rowH + axisH;

  const titleId = `${id}-t`, descId = `${id}-d`;
  const svg = s('svg', {
    class: 'tl', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img',
    'aria-labelledby': titleId, 'aria-describedby': descId, 'aria-label': summary,
  });
  svg.append(
    s('title', { id: titleId }, `Timeline of ${task?.name || 'the task'}: ${summary}`),
    s('desc', { id: descId }, calls.map((c) =>
      `${c.label}: ${fmt(c.start)} to ${c.open ? 'still running' : fmt(c.end)}${c.cancelled ? ', cancelled' : ''}${c.raised ? ', raised' : ''}`).join('. ')),
    s('defs', {},
      s('pattern', { id: `${id}-hatch`, patternUnits: 'userSpaceOnUse', width: 6, height: 6, patternTransform: 'rotate(45)' },
        s('rect', { class: 'hatch-bg', width: 6, height: 6 }),
        s('line', { class: 'hatch-line', x1: 0, y1: 0, x2: 0, y2: 6, 'stroke-width': 3 })),
      s('linearGradient', { id: `${id}-fade`, x1: 0, x2: 1, y1: 0, y2: 0 },
        s('stop', { offset: '0%', class: 'fade-a' }),
        s('stop', { offset: '100%', class: 'fade-b' }))),
  );

  // grid and axis
  const plotBottom = top + Math.max(1, calls.length) * rowH;
  const step = tickStep(tmax, Math.max(2, Math.floor(plotW / 70)));
  const axis = s('g', { class: 'axis', 'aria-hidden': 'true' });
  axis.append(s('line', { class: 'axis-line', x1: padL, x2: padL + plotW, y1: plotBottom + 2, y2: plotBottom + 2 }));
  for (let t = 0, i = 0; t <= tmax + step * 1e-6 && i < 100; t = ++i * step) {
    const tx = x(t);
    axis.append(
      s('line', { class: 'grid', x1: tx, x2: tx, y1: top - 4, y2: plotBottom + 2 }),
      s('line', { class: 'tick', x1: tx, x2: tx, y1: plotBottom + 2, y2: plotBottom + 7 }),
      s('text', { class: 'tick-label', x: tx, y: plotBottom + 20, 'text-anchor': i === 0 ? 'start' : 'middle' }, fmt(t)),
    );
  }
  if (elapsed !== null) {
    axis.append(s('line', { class: 'done-line', x1: x(elapsed), x2: x(elapsed), y1: top - 4, y2: plotBottom + 2 }));
  }
  svg.append(axis);

  const bars = s('g', { class: 'bars' });
  calls.forEach((c, i) => {
    const y = top + i * rowH;
    const by = compact ? y + 2 : y + 15;
    const bh = compact ? rowH - 4 : 11;
    const x0 = x(c.start);
    const bw = Math.max(2, x(c.end) - x0);
    const kind = c.thread ? `thread-${c.thread}` : c.cancelled ? 'cancelled' : c.raised ? 'raised' : c.open ? 'open' : 'done';
    const g = s('g', { class: `call ${kind}` });
    g.append(s('title', {}, `${c.label}: ${fmt(c.start)} → ${c.open ? 'still running' : fmt(c.end)}${c.cancelled ? ' (cancelled)' : ''}${c.raised ? ' (raised)' : ''}`));
    if (!compact) {
      // labels sit above their bar; near the right edge they end where the bar ends
      const label = truncate(c.label, Math.max(12, Math.floor(plotW / 7.5)));
      const right = x0 + label.length * 6.7 > padL + plotW;
      g.append(s('text', { class: 'call-label', x: right ? x0 + bw : x0, y: y + 11, 'text-anchor': right ? 'end' : 'start' }, label));
    }
    const fill = c.cancelled ? `url(#${id}-hatch)` : c.open ? `url(#${id}-fade)` : undefined;
    g.append(s('rect', { class: `bar ${kind}`, x: x0, y: by, width: bw, height: bh, rx: c.open || c.cancelled ? 0 : 2, fill }));
    if (c.cancelled) {
      g.append(s('rect', { class: 'cap cancelled-cap', x: x0 + bw - 3, y: by - 2, width: 3, height: bh + 4 }));
    } else if (c.raised) {
      g.append(s('circle', { class: 'cap raised-cap', cx: x0 + bw, cy: by + bh / 2, r: bh / 2 + 1 }));
    } else if (c.open) {
      // an open end: a chevron pointing on, no closing edge
      const ex = x0 + bw + 3, cy = by + bh / 2;
      g.append(s('path', { class: 'open-end', d: `M${ex},${cy - 5} L${ex + 6},${cy} L${ex},${cy + 5}` }));
    }
    bars.append(g);
  });
  svg.append(bars);
  return svg;
}

function truncate(t, n) {
  return t.length > n ? `${t.slice(0, n - 1)}…` : t;
}

function legend(calls) {
  const items = [['done', 'a call, from start to end']];
  if (calls.some((c) => c.cancelled)) items.push(['cancelled', 'cancelled (hatched, red end)']);
  if (calls.some((c) => c.raised)) items.push(['raised', 'raised an exception']);
  if (calls.some((c) => c.open)) items.push(['open', 'still running when the task ended (open end)']);
  if (calls.some((c) => c.thread === 'loop')) items.push(['thread-loop', 'blocking work on the event loop thread']);
  if (calls.some((c) => c.thread === 'worker')) items.push(['thread-worker', 'blocking work in a worker thread']);
  items.push(['done-line', 'when the task ended']);
  return h('ul', { class: 'legend', 'aria-label': 'Legend' }, items.map(([k, text]) => h('li', {},
    swatch(k), h('span', {}, text))));
}

function swatch(kind) {
  const svg = s('svg', { class: 'swatch tl', width: 26, height: 12, viewBox: '0 0 26 12', 'aria-hidden': 'true' });
  if (kind === 'done-line') {
    svg.append(s('line', { class: 'done-line', x1: 13, x2: 13, y1: 0, y2: 12 }));
  } else if (kind === 'cancelled') {
    svg.append(s('rect', { class: 'legend-hatch', x: 0, y: 1, width: 22, height: 10 }),
      s('rect', { class: 'cap cancelled-cap', x: 21, y: 0, width: 3, height: 12 }));
  } else if (kind === 'open') {
    svg.append(s('rect', { class: 'swatch-bar legend-open', x: 0, y: 1, width: 18, height: 10 }),
      s('path', { class: 'open-end', d: 'M20,1 L25,6 L20,11' }));
  } else if (kind === 'raised') {
    svg.append(s('rect', { class: `swatch-bar raised`, x: 0, y: 1, width: 20, height: 10, rx: 2 }),
      s('circle', { class: 'cap raised-cap', cx: 20, cy: 6, r: 5 }));
  } else {
    svg.append(s('rect', { class: `swatch-bar ${kind}`, x: 0, y: 1, width: 24, height: 10, rx: 2 }));
  }
  return svg;
}
