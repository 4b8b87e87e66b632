/**
 * RQ2.5 (Fig. 9): benchmarks that SE model cards report in markdown tables.
 *
 * The Hub has no standard field for benchmark results in prose cards, so we read the tables in the
 * card body: header cells and first-column cells name what was measured (benchmarks appear as
 * columns in leaderboard-style tables and as rows in "Benchmark | Score" tables).
 */
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";
import type { ModelFacts, SeModel } from "./facts";
import { PAPER_BENCHMARKS } from "../paper/reported";
import { countBy, share, type AnalysisTable } from "./table";
import { col, defineTable, type RowOf } from "../util/arrow-table";

export interface MarkdownTable {
  header: string[];
  rows: string[][];
}

const SEPARATOR = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

/** Every pipe table in a markdown text (fenced code blocks are skipped: they hold code, not results). */
export function parseMarkdownTables(text: string): MarkdownTable[] {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const tables: MarkdownTable[] = [];
  let inFence = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence || !line.includes("|")) continue;
    const next = lines[i + 1];
    if (next === undefined || !next.includes("-") || !SEPARATOR.test(next)) continue;
    const header = splitRow(line);
    const rows: string[][] = [];
    let j = i + 2;
    for (; j < lines.length && lines[j]!.includes("|") && lines[j]!.trim() !== ""; j++) rows.push(splitRow(lines[j]!));
    tables.push({ header, rows });
    i = j - 1;
  }
  return tables;
}

function splitRow(line: string): string[] {
  let body = line.trim();
  if (body.startsWith("|")) body = body.slice(1);
  if (body.endsWith("|") && !body.endsWith("\\|")) body = body.slice(0, -1);
  return body.split(/(?<!\\)\|/).map((cell) => plainCell(cell));
}

/** Cell text without markdown emphasis, code ticks, links or HTML tags. */
function plainCell(cell: string): string {
  return cell
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, " ")
    .replace(/[*`]+/g, "")
    .trim();
}

/**
 * Benchmark names and how they are spelled in cards. Order matters: a cell names one benchmark,
 * the first that matches, so specific variants (HumanEval+, MMLU-Pro) come before their base names.
 */
export const BENCHMARK_DICTIONARY: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: "HumanEval+", pattern: /\bhuman ?eval ?(\+|plus\b)/ },
  { name: "HumanEval", pattern: /\bhuman ?eval\b/ },
  { name: "MBPP+", pattern: /\bmbpp ?(\+|plus\b)/ },
  { name: "MBPP", pattern: /\bmbpp\b/ },
  { name: "MMLU-Pro", pattern: /\bmmlu ?pro\b/ },
  { name: "MMLU", pattern: /\bmmlu\b/ },
  { name: "HellaSwag", pattern: /\bhella ?swag\b/ },
  { name: "ARC", pattern: /\barc\b|\bai2 reasoning challenge\b/ },
  { name: "GSM8K", pattern: /\bgsm ?8k\b/ },
  { name: "TruthfulQA", pattern: /\btruthful ?qa\b/ },
  { name: "Winogrande", pattern: /\bwino ?grande\b/ },
  { name: "BBH", pattern: /\bbbh\b|\bbig ?bench ?hard\b/ },
  { name: "BigCodeBench", pattern: /\bbig ?code ?bench\b/ },
  { name: "BIG-bench", pattern: /\bbig ?bench\b/ },
  { name: "MATH-500", pattern: /\bmath ?500\b/ },
  { name: "MATH", pattern: /^math( lvl ?5| level ?5)?( \(.*\))?$|\bhendrycks math\b/ },
  { name: "GPQA", pattern: /\bgpqa\b/ },
  { name: "IFEval", pattern: /\bif ?eval\b/ },
  { name: "MuSR", pattern: /\bmusr\b/ },
  { name: "AGIEval", pattern: /\bagi ?eval\b/ },
  { name: "DROP", pattern: /^drop( \(.*\))?$/ },
  { name: "DS-1000", pattern: /\bds ?1000\b/ },
  { name: "MultiPL-E", pattern: /\bmultipl ?e\b/ },
  { name: "CodeXGLUE", pattern: /\bcodexglue\b/ },
  { name: "APPS", pattern: /^apps( \(.*\))?$/ },
  { name: "LiveCodeBench", pattern: /\blive ?code ?bench\b/ },
  { name: "SWE-bench", pattern: /\bswe ?bench\b/ },
  { name: "CRUXEval", pattern: /\bcrux ?eval\b/ },
  { name: "EvalPlus", pattern: /\bevalplus\b/ },
  { name: "Spider", pattern: /^spider( \(.*\))?$|\bspider (dev|test)\b/ },
  { name: "PIQA", pattern: /\bpiqa\b/ },
  { name: "BoolQ", pattern: /\bboolq\b/ },
  { name: "OpenBookQA", pattern: /\bopenbook ?qa\b/ },
  { name: "LAMBADA", pattern: /\blambada\b/ },
  { name: "TriviaQA", pattern: /\btrivia ?qa\b/ },
  { name: "CommonsenseQA", pattern: /\bcommonsense ?qa\b/ },
  { name: "MT-Bench", pattern: /\bmt ?bench\b/ },
  { name: "AlpacaEval", pattern: /\balpaca ?eval\b/ },
  { name: "Arena-Hard", pattern: /\barena ?hard\b/ },
  { name: "SQuAD", pattern: /\bsquad\b/ },
];

/** Lower case, with `-`, `_`, `/` and `.` read as spaces so "ARC-Challenge" and "arc_challenge" look alike. */
function normaliseCell(cell: string): string {
  return cell
    .toLowerCase()
    .replace(/[-_/.]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

export function benchmarkOfCell(cell: string): string | null {
  const text = normaliseCell(cell);
  if (!text || text.length > 80) return null;
  for (const { name, pattern } of BENCHMARK_DICTIONARY) if (pattern.test(text)) return name;
  return null;
}

/** Benchmarks a card reports in its tables, each once, in dictionary order. */
export function benchmarksInCard(cardBody: string | null): string[] {
  if (!cardBody) return [];
  const found = new Set<string>();
  for (const table of parseMarkdownTables(cardBody)) {
    for (const cell of [...table.header, ...table.rows.map((r) => r[0] ?? "")]) {
      const name = benchmarkOfCell(cell);
      if (name) found.add(name);
    }
  }
  return BENCHMARK_DICTIONARY.map((b) => b.name).filter((n) => found.has(n));
}

const TOP_BENCHMARKS = defineTable({
  rank: col.int(),
  benchmark: col.string(),
  /** Models of the chosen activity (SI by default, as in the paper's figure) reporting it. */
  models: col.int(),
  /** SE models of any activity reporting it. */
  allSeModels: col.int(),
  paper: col.int({ nullable: true }),
});
export type BenchmarkRow = RowOf<typeof TOP_BENCHMARKS>;

const BENCHMARK_SHARES = defineTable({
  activity: col.string(),
  models: col.int(),
  reportingBenchmarks: col.int(),
  share: col.float(),
});
export type BenchmarkShareRow = RowOf<typeof BENCHMARK_SHARES>;

export interface BenchmarkAnalysis {
  top: AnalysisTable<BenchmarkRow>;
  shares: AnalysisTable<BenchmarkShareRow>;
  /** Benchmarks per model, for the selection walk-through's ranking. */
  perModel: Map<string, string[]>;
}

export function benchmarkReporting(
  seModels: readonly SeModel[],
  facts: ReadonlyMap<string, ModelFacts>,
  options: { activity?: ActivityCode; limit?: number } = {},
): BenchmarkAnalysis {
  const activity = options.activity ?? "SI";
  const limit = options.limit ?? 20;
  const perModel = new Map<string, string[]>();
  for (const model of seModels) perModel.set(model.id, benchmarksInCard(facts.get(model.id)?.cardBody ?? null));
  const inActivity = seModels.filter((m) => m.activities.includes(activity));
  const allCounts = new Map(countBy(seModels.flatMap((m) => perModel.get(m.id)!)));
  const ranked = countBy(inActivity.flatMap((m) => perModel.get(m.id)!)).slice(0, limit);
  const rows = ranked.map(([benchmark, models], i) => ({
    rank: i + 1,
    benchmark,
    models,
    allSeModels: allCounts.get(benchmark) ?? 0,
    paper: activity === "SI" ? (PAPER_BENCHMARKS[benchmark] ?? null) : null,
  }));
  const shareRow = (label: string, models: readonly SeModel[]): BenchmarkShareRow => {
    const reporting = models.filter((m) => perModel.get(m.id)!.length > 0).length;
    return { activity: label, models: models.length, reportingBenchmarks: reporting, share: share(reporting, models.length) };
  };
  const shares = [
    shareRow("all SE models", seModels),
    ...ACTIVITY_CODES.map((a) =>
      shareRow(
        a,
        seModels.filter((m) => m.activities.includes(a)),
      ),
    ),
  ];
  return {
    top: {
      name: "fig9-top-benchmarks",
      title: `Top ${limit} benchmarks reported in tables of ${activity} model cards`,
      rows,
      spec: TOP_BENCHMARKS,
      notes: [`Benchmarks are recognised from a dictionary of ${BENCHMARK_DICTIONARY.length} names in the header and first column of markdown tables.`],
    },
    shares: {
      name: "fig9-benchmark-share",
      title: "Share of SE models whose card reports benchmarks in a table",
      rows: shares,
      spec: BENCHMARK_SHARES,
      notes: ["The paper counts benchmarks in SI cards (Fig. 9) but reports no share of models that report any, so this table has no paper column."],
    },
    perModel,
  };
}
