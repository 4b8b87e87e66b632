/**
 * A result table of one analysis: typed rows, the column spec that writes them (CSV and Arrow),
 * and short notes (caveats, what was skipped and why) that the report prints under the table.
 */
import type { TableSpec } from "../util/arrow-table";
import { compareCodeUnits, compareText } from "../util/text";

export interface AnalysisTable<Row> {
  /** File stem, e.g. `fig2-quarterly-growth`. */
  name: string;
  title: string;
  rows: Row[];
  spec: TableSpec<Row>;
  notes: string[];
}

/** "2023-Q2" for an ISO timestamp; null when the date is missing or unreadable. */
export function quarterOf(iso: string | null): string | null {
  if (!iso) return null;
  const match = /^(\d{4})-(\d{2})/.exec(iso);
  if (!match) return null;
  const month = Number(match[2]);
  if (month < 1 || month > 12) return null;
  return `${match[1]}-Q${Math.ceil(month / 3)}`;
}

/** Every quarter from `first` to `last` inclusive ("2023-Q4" -> "2024-Q1" ...). */
export function quarterRange(first: string, last: string): string[] {
  const toIndex = (q: string) => Number(q.slice(0, 4)) * 4 + Number(q.slice(6)) - 1;
  const out: string[] = [];
  for (let i = toIndex(first); i <= toIndex(last); i++) out.push(`${Math.floor(i / 4)}-Q${(i % 4) + 1}`);
  return out;
}

/** Count keys, then order by count descending and key ascending (stable, deterministic ties). */
export function countBy<K extends string>(keys: Iterable<K>): Array<[K, number]> {
  const counts = new Map<K, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || compareCodeUnits(a[0], b[0]));
}

/** Sum weights per key, then order by total descending and key ascending (compareText). */
export function totalsBy<K extends string>(entries: Iterable<readonly [K, number]>): Array<[K, number]> {
  const totals = new Map<K, number>();
  for (const [key, weight] of entries) totals.set(key, (totals.get(key) ?? 0) + weight);
  return [...totals].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]));
}

export function share(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

/** First few ids of a list, for notes that must name what they skipped without flooding the report. */
export function preview(ids: readonly string[], max = 5): string {
  return ids.length <= max ? ids.join(", ") : `${ids.slice(0, max).join(", ")} and ${ids.length - max} more`;
}

/** A table of any row type, for code that writes or lists tables without reading their rows. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAnalysisTable = AnalysisTable<any>;
