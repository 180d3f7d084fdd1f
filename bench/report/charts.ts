import type { CaseSummary, Results, TargetInfo } from "../suite/results.ts";
import type { Spread } from "../suite/spread.ts";
import { count, micros } from "./format.ts";
import { summaryOf } from "./tables.ts";

/**
 * The page's charts, as SVG written by hand (no dependency): per case, one bar per target on a
 * logarithmic axis, a whisker for the min–max over the counted rounds. Throughput: requests/s.
 * Latency: the p50 bar with the p99 marked.
 */

const COLORS: Record<string, string> = { bun: "#e8590c", node: "#2f9e44", "raw-bun": "#ffc078", "raw-node": "#8ce99a", "ali-ons": "#748ffc", "rocketmq-nodejs": "#ae3ec9" };
const colorOf = (t: TargetInfo): string => COLORS[t.id] ?? (t.runtime === "bun" ? "#f08c00" : "#37b24d");

const LABEL_W = 330;
const PLOT_W = 460;
const VALUE_W = 110;
const BAR_H = 11;
const GAP = 10;
const TOP = 58;

const escape = (s: string): string => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** An axis label: 10^e in the chart's unit, in round words (100 µs, 1 ms; 10 k/s, 1 M/s). */
function powerOfTen(e: number, unit: string): string {
  const steps = unit === "µs" ? ["µs", "ms", "s"] : ["/s", " k/s", " M/s", " G/s"];
  const step = Math.min(steps.length - 1, Math.max(0, Math.floor(e / 3)));
  return `${10 ** (e - step * 3)}${unit === "µs" ? " " : ""}${steps[step]}`;
}

interface Bar {
  target: TargetInfo;
  value: Spread;
  /** A second mark (the p99), if any. */
  mark?: number;
  text: string;
}

function chart(title: string, unit: string, targets: TargetInfo[], groups: { label: string; bars: Bar[] }[]): string {
  const values = groups.flatMap((g) => g.bars.flatMap((b) => [b.value.min, b.value.max, b.mark ?? b.value.max])).filter((v) => v > 0);
  const lo = Math.floor(Math.log10(Math.min(...values)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...values))));
  const x = (v: number): number => LABEL_W + ((Math.log10(Math.max(v, 10 ** lo)) - lo) / (hi - lo)) * PLOT_W;
  const out: string[] = [];
  let y = TOP;
  for (const g of groups) {
    const h = g.bars.length * BAR_H;
    out.push(`<text x="${LABEL_W - 8}" y="${y + h / 2 + 4}" text-anchor="end">${escape(g.label)}</text>`);
    for (const b of g.bars) {
      const w = Math.max(1, x(b.value.median) - LABEL_W);
      out.push(`<rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H - 2}" fill="${colorOf(b.target)}"><title>${escape(`${b.target.label}: ${b.text}`)}</title></rect>`);
      if (b.value.n > 1) out.push(`<line x1="${x(b.value.min).toFixed(1)}" x2="${x(b.value.max).toFixed(1)}" y1="${y + (BAR_H - 2) / 2}" y2="${y + (BAR_H - 2) / 2}" stroke="#343a40" stroke-width="1"/>`);
      if (b.mark !== undefined) out.push(`<line x1="${x(b.mark).toFixed(1)}" x2="${x(b.mark).toFixed(1)}" y1="${y - 1}" y2="${y + BAR_H - 1}" stroke="#343a40" stroke-width="2"/>`);
      out.push(`<text x="${LABEL_W + PLOT_W + 6}" y="${y + BAR_H - 3}" class="v">${escape(b.text)}</text>`);
      y += BAR_H;
    }
    y += GAP;
  }
  const height = y + 24;
  const grid: string[] = [];
  for (let e = lo; e <= hi; e++) {
    const gx = x(10 ** e).toFixed(1);
    grid.push(`<line x1="${gx}" x2="${gx}" y1="${TOP - 6}" y2="${y - GAP + 4}" stroke="#dee2e6"/>`);
    grid.push(`<text x="${gx}" y="${y + 10}" text-anchor="middle" class="v">${escape(powerOfTen(e, unit))}</text>`);
  }
  const legend = targets.map((t, i) => `<rect x="${LABEL_W + (i % 3) * 160}" y="${22 + Math.floor(i / 3) * 14}" width="10" height="10" fill="${colorOf(t)}"/><text x="${LABEL_W + 14 + (i % 3) * 160}" y="${31 + Math.floor(i / 3) * 14}" class="v">${escape(t.label.replace("this library, ", ""))}</text>`);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${LABEL_W + PLOT_W + VALUE_W + 10}" height="${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
    `<style>.v{font-size:10px;fill:#495057}</style>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="16" font-weight="bold" font-size="13">${escape(title)}</text>`,
    ...legend,
    ...grid,
    ...out,
    `</svg>`,
    "",
  ].join("\n");
}

function groupsOf(r: Results, targets: TargetInfo[], pick: (s: CaseSummary) => Bar | null, kinds: (k: string) => boolean) {
  return r.cases
    .filter((c) => kinds(c.kind))
    .map((c) => ({
      label: c.label,
      bars: targets.flatMap((t) => {
        const s = summaryOf(r, c.id, t.id);
        const bar = s === undefined ? null : pick(s);
        return bar === null ? [] : [{ ...bar, target: t }];
      }),
    }))
    .filter((g) => g.bars.length > 0);
}

export function renderCharts(r: Results): { throughput: string; latency: string } {
  const targets = r.targets;
  const throughput = chart(
    "Throughput by case: requests/s (log scale; whiskers: min–max over rounds)",
    "/s",
    targets,
    groupsOf(r, targets, (s) => (s.requestsPerSecond === null ? null : ({ value: s.requestsPerSecond, text: `${count(s.requestsPerSecond.median)}/s` } as Bar)), () => true),
  );
  const latency = chart(
    "Latency by case: p50 per request (bar), p99 (tick); log scale",
    "µs",
    targets,
    groupsOf(
      r,
      targets,
      (s) => (s.p50Us === null ? null : ({ value: s.p50Us, mark: s.p99Us?.median, text: `${micros(s.p50Us.median)} / ${s.p99Us === null ? "–" : micros(s.p99Us.median)}` } as Bar)),
      (k) => k !== "oneway",
    ),
  );
  return { throughput, latency };
}
