/** One point of a line; a hollow one is drawn as a ring (a figure to read with care). */
export interface ChartPoint {
  readonly x: number;
  readonly y: number;
  readonly hollow?: boolean;
}

/** One line of a chart; points with y ≤ 0 cannot sit on a log axis and are left out. */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly ChartPoint[];
}

/** One chart of a figure: both axes logarithmic. */
export interface ChartPanel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly ChartSeries[];
}

const WIDTH = 460;
const HEIGHT = 340;
const MARGIN = { left: 72, right: 20, top: 44, bottom: 52 };
const HEADER = 36;
const FOOTER = 22;
/** Line colour and dash of the 1st, 2nd, … series. */
const STYLES = [
  { colour: '#c0392b', dash: '' },
  { colour: '#1f77b4', dash: '6 4' },
  { colour: '#2ca02c', dash: '2 3' },
  { colour: '#7f7f7f', dash: '10 3 2 3' },
];

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function tickLabel(value: number): string {
  return value >= 1 ? value.toLocaleString('en-US') : String(Number(value.toPrecision(1)));
}

/** A log scale from `[low, high]` onto `[from, to]` pixels. */
function logScale(low: number, high: number, from: number, to: number): (value: number) => number {
  const span = Math.log10(high) - Math.log10(low);
  return (value) => from + ((Math.log10(value) - Math.log10(low)) / span) * (to - from);
}

function renderPanel(panel: ChartPanel, offsetX: number): string {
  const series = panel.series.map((line) => ({ ...line, points: line.points.filter((point) => point.x > 0 && point.y > 0) }));
  const points = series.flatMap((line) => line.points);
  if (points.length === 0) return '';
  const xs = [...new Set(points.map((point) => point.x))].sort((a, b) => a - b);
  const ys = points.map((point) => point.y);
  const yLow = 10 ** Math.floor(Math.log10(Math.min(...ys)));
  const yHigh = 10 ** Math.ceil(Math.log10(Math.max(...ys)));
  const left = offsetX + MARGIN.left;
  const right = offsetX + WIDTH - MARGIN.right;
  const top = HEADER + MARGIN.top;
  const bottom = HEADER + HEIGHT - MARGIN.bottom;
  const x = logScale((xs[0] as number) / 1.5, (xs[xs.length - 1] as number) * 1.5, left, right);
  const y = logScale(yLow, yHigh === yLow ? yLow * 10 : yHigh, bottom, top);
  const parts: string[] = [
    `<text x="${(left + right) / 2}" y="${HEADER + 22}" text-anchor="middle" font-weight="bold">${escape(panel.title)}</text>`,
    `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="#999"/>`,
  ];
  for (let tick = yLow; tick <= Math.max(yHigh, yLow * 10) * 1.0001; tick *= 10) {
    parts.push(
      `<line x1="${left}" x2="${right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#e5e5e5"/>`,
      `<text x="${left - 6}" y="${y(tick) + 4}" text-anchor="end">${tickLabel(tick)}</text>`,
    );
  }
  for (const tick of xs) {
    parts.push(
      `<line x1="${x(tick)}" x2="${x(tick)}" y1="${top}" y2="${bottom}" stroke="#e5e5e5"/>`,
      `<text x="${x(tick)}" y="${bottom + 16}" text-anchor="middle">${tickLabel(tick)}</text>`,
    );
  }
  parts.push(
    `<text x="${(left + right) / 2}" y="${bottom + 38}" text-anchor="middle">${escape(panel.xLabel)}</text>`,
    `<text transform="translate(${offsetX + 18} ${(top + bottom) / 2}) rotate(-90)" text-anchor="middle">${escape(panel.yLabel)}</text>`,
  );
  for (const [index, line] of series.entries()) {
    const style = STYLES[index % STYLES.length] as (typeof STYLES)[number];
    const path = line.points.map((point) => `${x(point.x).toFixed(1)},${y(point.y).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${path}" fill="none" stroke="${style.colour}" stroke-width="2" stroke-dasharray="${style.dash}"/>`);
    for (const point of line.points) {
      const fill = point.hollow ? 'white' : style.colour;
      parts.push(
        `<circle cx="${x(point.x).toFixed(1)}" cy="${y(point.y).toFixed(1)}" r="4" fill="${fill}" stroke="${style.colour}" stroke-width="1.5"><title>${escape(`${line.name}: ${tickLabel(point.x)} → ${point.y.toPrecision(3)}`)}</title></circle>`,
      );
    }
    const legendY = top + 18 + index * 18;
    parts.push(
      `<line x1="${left + 12}" x2="${left + 40}" y1="${legendY - 4}" y2="${legendY - 4}" stroke="${style.colour}" stroke-width="2" stroke-dasharray="${style.dash}"/>`,
      `<text x="${left + 46}" y="${legendY}">${escape(line.name)}</text>`,
    );
  }
  return parts.join('\n');
}

/** Renders `panels` side by side under `title`, with `footnote` below, as a standalone SVG document, both axes logarithmic. */
export function renderLogLogFigure(title: string, panels: readonly ChartPanel[], footnote: string): string {
  const width = WIDTH * panels.length;
  const height = HEADER + HEIGHT + FOOTER;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escape(title)}</text>`,
    ...panels.map((panel, index) => renderPanel(panel, index * WIDTH)),
    `<text x="${MARGIN.left}" y="${height - 8}" font-size="11" fill="#555">${escape(footnote)}</text>`,
    '</svg>',
    '',
  ].join('\n');
}
