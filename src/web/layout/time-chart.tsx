// A chart of values over time: uPlot (a small, fast canvas chart library: 50 kB, draws
// thousands of points in a few ms) behind a React component. Bars or lines per series, one
// y axis (counts or percentages), a legend that follows the cursor, and the width of its box
// (a ResizeObserver). The numbers are also in a table beside it for screen readers and for
// people who want them exact: a chart alone is not accessible.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

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
}

const bars = uPlot.paths.bars!({ size: [0.6, 48], gap: 2 });
const AXIS = {
  stroke: '#5b6474',
  grid: { stroke: '#eef0f3', width: 1 },
  ticks: { stroke: '#e2e5ea', width: 1 },
};

export function TimeChart(props: TimeChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const { x, series, format = String, yRange, height = 220 } = props;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const options: uPlot.Options = {
      width: Math.max(el.clientWidth, 240),
      height,
      ms: 1,
      cursor: { points: { size: 7 }, drag: { x: false, y: false } },
      legend: { live: true },
      scales: {
        x: { time: true },
        y: { range: yRange ? () => yRange : (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
      },
      axes: [{ ...AXIS }, { ...AXIS, size: 56, values: (_u, ticks) => ticks.map((t) => format(t)) }],
      series: [
        {},
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
  }, [x, series, format, yRange, height]);

  return (
    <div ref={box} className="time-chart" role="img" aria-label={props.label} data-testid={props.testId} />
  );
}

/** A chart in a card with its title, which also names it for assistive technology. */
export function ChartCard({ title, ...chart }: Omit<TimeChartProps, 'label'> & { title: string }) {
  return (
    <figure className="chart-card">
      <figcaption>{title}</figcaption>
      <TimeChart {...chart} label={title} />
    </figure>
  );
}
