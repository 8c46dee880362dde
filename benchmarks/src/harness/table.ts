/** One printed table: a title, column headings, rows of already formatted cells and optional notes. */
export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
  readonly notes?: readonly string[];
}

/** Renders a table as Markdown (readable in a terminal and pasteable into RESULTS.md). */
export function renderTable(table: Table): string {
  const widths = table.columns.map((heading, column) =>
    Math.max(heading.length, ...table.rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    `| ${widths.map((width, column) => pad(cells[column] ?? '', width, column)).join(' | ')} |`;
  const rule = `|${widths.map((width, column) => (column === 0 ? `${'-'.repeat(width + 2)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`;
  const notes = (table.notes ?? []).map((note) => `\n> ${note}`).join('');
  return [`\n### ${table.title}\n`, line(table.columns), rule, ...table.rows.map(line)].join('\n') + (notes ? `\n${notes}` : '') + '\n';
}

function pad(text: string, width: number, column: number): string {
  return column === 0 ? text.padEnd(width) : text.padStart(width);
}
