/**
 * The paper's findings one per row, this run's value beside the paper's, so a reader sees at a
 * glance which patterns the run reproduces. Values are text because findings mix counts, shares
 * and names; the detailed tables hold the numbers.
 */
import { ACTIVITY_CODES } from "../taxonomy/taxonomy";
import type { RunAnalyses } from "./all";
import { NO_LICENSE } from "./licenses";
import { NO_PIPELINE_TAG } from "./ml-tasks";
import { PAPER_BENCHMARK_SHARE, PAPER_FUNNEL, PAPER_SD_ALSO_SI, PAPER_SI_OVER_NEXT } from "../paper/reported";
import { share, totalsBy, type AnalysisTable } from "./table";
import { col, defineTable, type RowOf } from "../util/arrow-table";

const HEADLINE_FINDINGS = defineTable({
  finding: col.string(),
  run: col.string(),
  paper: col.string(),
  /** Whether the run shows the same pattern; null where a match is not meaningful (absolute counts). */
  samePattern: col.bool({ nullable: true }),
});
export type HeadlineRow = RowOf<typeof HEADLINE_FINDINGS>;

const pct = (x: number, digits = 1) => `${(100 * x).toFixed(digits)}%`;

export function headlineTable(a: Omit<RunAnalyses, "headline">, corpusModels: number): AnalysisTable<HeadlineRow> {
  const rows: HeadlineRow[] = [];
  const add = (finding: string, run: string, paper: string, samePattern: boolean | null) => rows.push({ finding, run, paper, samePattern });

  add("SE models after every stage", String(a.seModels), String(PAPER_FUNNEL.seModels), null);
  add("SE models among all models", pct(share(a.seModels, corpusModels), 2), pct(PAPER_FUNNEL.seModels / PAPER_FUNNEL.collected, 2), null);

  const totals = [...a.activityTotals.rows].sort((x, y) => y.models - x.models);
  const lead = totals[0];
  const leadRatio = lead?.ratioToNext ?? null;
  add(
    "largest activity and its lead over the next",
    lead ? `${lead.activity}, ${leadRatio === null ? "n/a" : `${leadRatio.toFixed(1)}x`} ${totals[1]?.activity ?? ""}`.trim() : "none",
    `SI, more than ${PAPER_SI_OVER_NEXT}x SM`,
    lead?.activity === "SI" ? leadRatio !== null && leadRatio > PAPER_SI_OVER_NEXT : false,
  );
  const smallest = totals.filter((t) => t.models > 0).slice(-2).map((t) => t.activity).sort();
  add("least covered activities", smallest.join(", ") || "none", "RE, SD", smallest.join(",") === "RE,SD");

  const topTask = a.tasks.rows[0];
  add("most frequent SE task", topTask ? `${topTask.task} (${topTask.models})` : "none", "code generation", topTask?.task === "code generation");
  const generation = a.tasks.rows.find((r) => r.task === "code generation")?.models ?? 0;
  const coding = a.tasks.rows.find((r) => r.task === "coding")?.models ?? 0;
  add("code generation / coding", coding > 0 ? (generation / coding).toFixed(2) : "n/a", "more than 2", coding > 0 ? generation / coding > 2 : null);

  const tagged = a.mlTasks.rows.filter((r) => r.pipelineTag !== NO_PIPELINE_TAG);
  const topTag = totalsBy(tagged.map((r) => [r.pipelineTag, r.models] as const))[0]?.[0] ?? "none";
  add("most frequent ML task (pipeline tag)", topTag, "text-generation", topTag === "text-generation");
  const sdTags = a.mlTasks.rows.filter((r) => r.activity === "SD" && r.pipelineTag !== NO_PIPELINE_TAG).map((r) => r.pipelineTag);
  add("ML tasks linked to SD", sdTags.join(", ") || "none", "text-generation only", sdTags.length === 1 && sdTags[0] === "text-generation");

  const strongest = a.cooccurrence.rows[0];
  const pair = strongest ? [strongest.a, strongest.b].sort((x, y) => ACTIVITY_CODES.indexOf(x) - ACTIVITY_CODES.indexOf(y)).join("-") : "none";
  add("strongest activity pair", strongest ? `${pair} (${strongest.models})` : "none", "SI-SM", pair === "SI-SM");
  const sdSi = a.cooccurrence.rows.find((r) => r.a === "SD" && r.b === "SI")?.shareOfA ?? 0;
  add("SD models also in SI", pct(sdSi), pct(PAPER_SD_ALSO_SI), null);

  const benchmarkShare = a.benchmarks.shares.rows[0]?.share ?? 0;
  add("SE models reporting benchmarks in card tables", pct(benchmarkShare), pct(PAPER_BENCHMARK_SHARE), null);
  const topBench = a.benchmarks.top.rows[0]?.benchmark ?? "none";
  add("most reported benchmark in SI cards", topBench, "HumanEval", topBench === "HumanEval");

  const siLicenses = a.licenses.rows.filter((r) => r.activity === "SI" && r.license !== NO_LICENSE);
  const topLicense = siLicenses[0]?.license ?? "none";
  add("most used licence in SI", topLicense, "apache-2.0 (then mit)", topLicense === "apache-2.0");
  const reDatasets = a.datasets.rows.filter((r) => r.activity === "RE").length;
  add("RE models naming a training dataset", reDatasets > 0 ? "some" : "none", "none", reDatasets === 0);

  return {
    name: "headline-findings",
    title: "The paper's findings beside this run",
    rows,
    spec: HEADLINE_FINDINGS,
    notes: ["samePattern compares the shape of a finding (which is first, which ratio holds), not absolute counts; it is empty where only counts differ by corpus size."],
  };
}
