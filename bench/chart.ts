// The performance page's chart, as hand-written SVG: join latency against session size (ours and the floor, p50 and
// p99), and the warm join latency distribution of ours against the floor.
export interface ChartData {
  scale: { players: number; ours: { p50: number; p99: number }; floor: { p50: number; p99: number } }[];
  /** Latency (ms) at each quantile q in [0, 0.999]. */
  curves: { ours: [number, number][]; floor: [number, number][] };
  subtitle: string;
}

const COLORS = { ours: '#d95f02', floor: '#1b9e77' };
const W = 960;
const H = 450;
const PANEL = { w: 380, h: 280, top: 70 };
const LEFTS = [70, 560];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

function niceMax(v: number): number {
  const step = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * step >= v) return m * step;
  return 10 * step;
}

function axes(left: number, yMax: number, xTicks: { x: number; label: string }[], xTitle: string, title: string): string {
  const { w, h, top } = PANEL;
  const parts: string[] = [];
  parts.push(`<text x="${left + w / 2}" y="${top - 22}" text-anchor="middle" class="title">${esc(title)}</text>`);
  for (let i = 0; i <= 5; i++) {
    const v = (yMax * i) / 5;
    const y = top + h - (h * i) / 5;
    parts.push(`<line x1="${left}" y1="${y}" x2="${left + w}" y2="${y}" class="grid"/>`);
    parts.push(`<text x="${left - 8}" y="${y + 4}" text-anchor="end" class="tick">${fmt(v)}</text>`);
  }
  for (const t of xTicks) {
    parts.push(`<line x1="${left + t.x}" y1="${top + h}" x2="${left + t.x}" y2="${top + h + 5}" class="axis"/>`);
    parts.push(`<text x="${left + t.x}" y="${top + h + 19}" text-anchor="middle" class="tick">${esc(t.label)}</text>`);
  }
  parts.push(`<line x1="${left}" y1="${top + h}" x2="${left + w}" y2="${top + h}" class="axis"/>`);
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + h}" class="axis"/>`);
  parts.push(`<text x="${left + w / 2}" y="${top + h + 40}" text-anchor="middle" class="label">${esc(xTitle)}</text>`);
  parts.push(`<text transform="translate(${left - 48},${top + h / 2}) rotate(-90)" text-anchor="middle" class="label">latency (ms)</text>`);
  return parts.join('\n');
}

const polyline = (pts: [number, number][], color: string, dashed: boolean) =>
  `<polyline fill="none" stroke="${color}" stroke-width="2.2"${dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ')}"/>`;

export function latencyChart(d: ChartData): string {
  const { w, h, top } = PANEL;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif">`);
  out.push(
    `<style>.title{font-size:15px;font-weight:bold}.tick{font-size:11px;fill:#444}.label{font-size:12px;fill:#222}.legend{font-size:12px}.note{font-size:11px;fill:#666}.grid{stroke:#e5e5e5}.axis{stroke:#333}</style>`,
  );
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="22" text-anchor="middle" class="note">${esc(d.subtitle)}</text>`);

  // Left: latency against session size, log x.
  {
    const left = LEFTS[0]!;
    const yMax = niceMax(Math.max(...d.scale.flatMap((r) => [r.ours.p99, r.floor.p99])) * 1.05);
    const lx = (n: number) => (w * (Math.log10(n) - 0)) / 4; // 1 .. 10,000
    const ly = (v: number) => top + h - (h * v) / yMax;
    out.push(
      axes(
        left,
        yMax,
        d.scale.map((r) => ({ x: lx(r.players), label: r.players.toLocaleString('en-US') })),
        'players in the session (log scale)',
        'Join latency vs session size',
      ),
    );
    for (const side of ['ours', 'floor'] as const) {
      for (const q of ['p50', 'p99'] as const) {
        const pts = d.scale.map((r) => [left + lx(r.players), ly(r[side][q])] as [number, number]);
        out.push(polyline(pts, COLORS[side], q === 'p99'));
        for (const [x, y] of pts) out.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="${COLORS[side]}"/>`);
      }
    }
  }

  // Right: warm distribution, x = -log10(1 - q) so the tail gets room.
  {
    const left = LEFTS[1]!;
    const all = [...d.curves.ours, ...d.curves.floor].map(([, v]) => v);
    const yMax = niceMax(Math.max(...all) * 1.05);
    const qx = (q: number) => (w * -Math.log10(1 - Math.min(q, 0.999))) / 3;
    const ly = (v: number) => top + h - (h * v) / yMax;
    const ticks = [0, 0.5, 0.9, 0.99, 0.999].map((q) => ({ x: qx(q), label: q === 0 ? 'min' : `p${+(q * 100).toFixed(1)}` }));
    out.push(axes(left, yMax, ticks, 'percentile', 'Warm join latency: ours vs floor'));
    for (const side of ['ours', 'floor'] as const) {
      out.push(
        polyline(
          d.curves[side].map(([q, v]) => [left + qx(q), ly(v)]),
          COLORS[side],
          false,
        ),
      );
    }
  }

  // Legend.
  const ly0 = H - 16;
  const items: [string, string, boolean][] = [
    ['ours p50', COLORS.ours, false],
    ['ours p99', COLORS.ours, true],
    ['floor (AWS SDK alone, same calls) p50', COLORS.floor, false],
    ['floor p99', COLORS.floor, true],
  ];
  let x = 120;
  for (const [label, color, dashed] of items) {
    out.push(
      `<line x1="${x}" y1="${ly0}" x2="${x + 28}" y2="${ly0}" stroke="${color}" stroke-width="2.5"${dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
    out.push(`<text x="${x + 34}" y="${ly0 + 4}" class="legend">${esc(label)}</text>`);
    x += 34 + label.length * 6.6 + 30;
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Latency at quantiles 0, 0.01, ..., 0.99 and 0.995, 0.999, from raw samples. */
export function quantileCurve(samples: readonly number[]): [number, number][] {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
  const qs = [...Array.from({ length: 100 }, (_, i) => i / 100), 0.995, 0.999];
  return qs.map((q) => [q, Math.round(at(q) * 100) / 100]);
}
