/** Plain-text number and table formatting shared by the CLI, the funnel report and the scores. */

/** A count with thousands separators, locale-independent. */
export function fmt(n: number): string {
  return n.toLocaleString("en-US");
}

/** A fraction as a percentage with `digits` decimals. */
export function percent(value: number, digits = 2): string {
  return `${(value * 100).toFixed(digits)}%`;
}

/** Left-align the first `leftColumns` columns (default 1), right-align the others, two spaces between. */
export function alignColumns(table: readonly (readonly string[])[], leftColumns = 1): string {
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => (row[c] ?? "").length)));
  return table
    .map((row) =>
      row
        .map((text, c) => (c < leftColumns ? text.padEnd(widths[c]!) : text.padStart(widths[c]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
