/**
 * A small SVG line chart for live metrics: time on x (the last N minutes, newest at the right), one
 * polyline per series, a light grid, the y maximum as a label. `role="img"` with a text summary for
 * screen readers. @internal
 */
import { html, svg, nothing } from 'lit';

/** One line. */
export interface ChartSeries {
  label: string;
  color: string;
  points: readonly (readonly [number, number])[];
}

/** What to draw. */
export interface ChartOptions {
  series: readonly ChartSeries[];
  /** Time range, ms. */
  t0: number;
  t1: number;
  /** Top of the y axis (rounded up from the data when omitted). */
  yMax?: number;
  /** Formats a y value for the axis label. */
  format: (v: number) => string;
  /** Accessible summary. */
  label: string;
  /** Fill under the lines (areas). */
  area?: boolean;
}

const W = 600;
const H = 150;
const PAD = { l: 4, r: 4, t: 14, b: 4 };

/** A "nice" upper bound: 1, 2 or 5 × 10^k at or above `v`. */
export function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p;
}

/** Render the chart. */
export function lineChart(o: ChartOptions) {
  const max = o.yMax ?? niceMax(Math.max(0, ...o.series.flatMap((s) => s.points.map((p) => p[1]))));
  const span = Math.max(1, o.t1 - o.t0);
  const x = (t: number) => PAD.l + ((t - o.t0) / span) * (W - PAD.l - PAD.r);
  const y = (v: number) => H - PAD.b - (Math.min(v, max) / max) * (H - PAD.t - PAD.b);
  const path = (pts: readonly (readonly [number, number])[]) => pts.map(([t, v], i) => `${i ? 'L' : 'M'}${x(t).toFixed(1)},${y(v).toFixed(1)}`).join('');
  return html`<svg class="chart" viewBox="0 0 ${W} ${H}" preserveAspectRatio="none" role="img" aria-label=${o.label}>
    ${[0.25, 0.5, 0.75].map((f) => svg`<line class="grid" x1="0" x2=${W} y1=${y(max * f)} y2=${y(max * f)} />`)}
    <line class="axis" x1="0" x2=${W} y1=${H - PAD.b} y2=${H - PAD.b} />
    ${o.series.map((s) => s.points.length < 2 ? nothing : svg`
      ${o.area ? svg`<path d="${path(s.points)}L${x(s.points[s.points.length - 1]![0]).toFixed(1)},${H - PAD.b}L${x(s.points[0]![0]).toFixed(1)},${H - PAD.b}Z"
        fill=${s.color} fill-opacity="0.15" stroke="none" />` : nothing}
      <path d=${path(s.points)} fill="none" stroke=${s.color} stroke-width="2" vector-effect="non-scaling-stroke" stroke-linejoin="round" />`)}
    <text class="ymax" x="6" y="11">${o.format(max)}</text>
  </svg>`;
}

/** Distinct series colours with AA contrast against both themes' backgrounds. */
export const SERIES_COLORS = ['#2f6fde', '#d9480f', '#2b8a3e', '#ae3ec9', '#0c8599', '#c2255c', '#5f3dc4', '#e67700'];
