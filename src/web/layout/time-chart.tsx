// A chart of values over time: uPlot (a small, fast canvas chart library: 50 kB, draws
// thousands of points in a few ms) behind a React component. Bars or lines per series, one
// y axis (counts or percentages), a legend that follows the cursor (a tap on a touch screen moves
// it too: the browser's mouse events after a tap) and shows the latest point's values while the
// cursor is off the chart (never "—" until hovered), and the width of its box (a ResizeObserver). The numbers are also in a table beside it for screen readers and for
// people who want them exact: a chart alone is not accessible.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { chartDateFormats, dateFormat, dateTicks } from './chart-dates.js';

export interface ChartSeries {
  label: string;
  /** One value per point of `x`; null leaves a gap. */
  values: (number | null)[];
  color: string;
  kind?: 'bars' | 'line';
}

export interface TimeChartProps {
  /** Points in time (ms since 1970): the start of each bucket. */
  x: number[];
  series: ChartSeries[];
  /** How a y value reads, on the axis and in the legend. */
  format?: (v: number) => string;
  /** Fix the y range (e.g. 0..1 for shares); otherwise from 0 to the largest value. */
  yRange?: [number, number];
  height?: number;
  /** Names the chart for assistive technology (the canvas itself says nothing). */
  label: string;
  testId?: string;
  /**
   * The last point is a bucket not over yet (this week so far): its column is shaded and
   * marked "so far", as its numbers will still grow.
   */
  lastPartial?: boolean;
  /** The zone the points' dates are named in (the buckets' zone); the browser's by default. */
  timeZone?: string;
}

const bars = uPlot.paths.bars!({ size: [0.6, 48], gap: 2 });
const PARTIAL_FILL = 'rgba(91, 100, 116, 0.08)';
const PARTIAL_TEXT = '#5b6474';

const HOUR_MS = 3_600_000;
/** Half the distance between two points (twelve hours for a single point). */
function halfStep(x: number[]) {
  return x.length > 1 ? (x[x.length - 1]! - x[0]!) / (x.length - 1) / 2 : 12 * HOUR_MS;
}

/**
 * Shades the last point's column, from halfway after the point before it to the plot's right
 * edge (half a step after the point), behind the series, and writes "so far" at its top.
 */
function shadeLastPoint(u: uPlot) {
  const xs = u.data[0];
  const n = xs.length;
  if (n === 0) return;
  const last = u.valToPos(xs[n - 1]!, 'x', true);
  const before = n > 1 ? u.valToPos(xs[n - 2]!, 'x', true) : u.bbox.left;
  const left = Math.max(u.bbox.left, n > 1 ? (before + last) / 2 : before);
  const right = u.bbox.left + u.bbox.width;
  const ctx = u.ctx;
  ctx.save();
  ctx.fillStyle = PARTIAL_FILL;
  ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height);
  ctx.fillStyle = PARTIAL_TEXT;
  ctx.font = `${Math.round(11 * uPlot.pxRatio)}px system-ui, sans-serif`;
  ctx.textAlign = 'right';
  ctx.textBaseline = 'top';
  ctx.fillText('so far', right - 4 * uPlot.pxRatio, u.bbox.top + 4 * uPlot.pxRatio);
  ctx.restore();
}

/** The latest point with a value in any series (a bucket with nothing yet reads "—" all through). */
export function latestIndex(series: { values: (number | null)[] }[], n: number): number | null {
  for (let i = n - 1; i >= 0; i--)
    if (series.some((s) => s.values[i] !== null && s.values[i] !== undefined)) return i;
  return n > 0 ? n - 1 : null;
}

/** Every k-th point, so that labels stay about 64 px apart on a plot `width` px wide. */
function thin(x: number[], width: number): number[] {
  const every = Math.max(1, Math.ceil(x.length / Math.max(1, Math.floor(width / 64))));
  return x.filter((_t, i) => i % every === 0);
}

function legendDate(x: number[], formats?: ReturnType<typeof chartDateFormats>) {
  const f = dateFormat(halfStep(x) * 2, formats);
  return (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : f.format(v));
}

const AXIS = {
  stroke: '#5b6474',
  grid: { stroke: '#eef0f3', width: 1 },
  ticks: { stroke: '#e2e5ea', width: 1 },
};

export function TimeChart(props: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const { x, series, format = String, yRange, height = 220, lastPartial = false, timeZone } = props;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const dates = timeZone ? chartDateFormats(undefined, timeZone) : undefined;
    const latest = latestIndex(series, x.length);
    // Off the chart, the legend names the latest point rather than "—": on leaving (and at first)
    // uPlot sets it to no point; it is set back to the latest, without firing the hook again.
    const showLatest = (u: uPlot) => {
      if (latest !== null && (u.legend.idx === null || u.legend.idx === undefined))
        u.setLegend({ idx: latest }, false);
    };
    const options: uPlot.Options = {
      width: Math.max(el.clientWidth, 240),
      height,
      ms: 1,
      cursor: { points: { size: 7 }, drag: { x: false, y: false } },
      legend: { live: true },
      hooks: {
        ready: [showLatest],
        setLegend: [showLatest],
        ...(lastPartial ? { drawClear: [shadeLastPoint] } : {}),
      },
      scales: {
        // Half a step of room on each side, so the first and last bars are whole.
        x: { time: true, range: (_u, min, max) => [min - halfStep(x), max + halfStep(x)] },
        y: { range: yRange ? () => yRange : (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
      },
      axes: [
        {
          ...AXIS,
          // Ticks on the points themselves (the buckets' starts: Mondays for weeks), every
          // k-th when they would crowd, rather than uPlot's round steps between them.
          splits: (u) => thin(x, u.bbox.width / uPlot.pxRatio),
          values: (_u, ticks) => dateTicks(ticks, dates),
        },
        { ...AXIS, size: 56, values: (_u, ticks) => ticks.map((t) => format(t)) },
      ],
      series: [
        { value: legendDate(x, dates) },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.kind === 'bars' ? 1 : 2,
          fill: s.kind === 'bars' ? `${s.color}99` : undefined,
          paths: s.kind === 'bars' ? bars : undefined,
          points: { show: s.kind !== 'bars' && x.length <= 60 },
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => (v === null || v === undefined ? '—' : format(v)),
        })),
      ],
    };
    const chart = new uPlot(options, [x, ...series.map((s) => s.values)] as uPlot.AlignedData, el);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(el.clientWidth, 240), height }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [x, series, format, yRange, height, lastPartial, timeZone]);

  return (
    <div
      ref={box}
      className="time-chart"
      role="img"
      aria-label={props.label}
      data-testid={props.testId}
      data-last-partial={lastPartial || undefined}
    />
  );
}

/** A chart in a card with its title, which also names it for assistive technology. */
export function ChartCard({ title, ...chart }: Omit<TimeChartProps, 'label'> & { title: string }) {
  return (
    <figure className="chart-card">
      <figcaption>{title}</figcaption>
      <TimeChart {...chart} label={`Chart: ${title}`} />
    </figure>
  );
}
