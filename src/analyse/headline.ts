/**
 * The paper's findings one per row, this run's value beside the paper's, so a reader sees at a
 * glance which patterns the run reproduces. Values are text because findings mix counts, shares
 * and names; the detailed tables hold the numbers. Every paper value comes from src/paper/reported.ts.
 */
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";
import type { RunAnalyses } from "./all";
import { NO_LICENSE } from "./licenses";
import { NO_PIPELINE_TAG } from "./ml-tasks";
import {
  PAPER_ACTIVITIES_WITHOUT_DATASETS,
  PAPER_BASE_MODELS,
  PAPER_BENCHMARKS,
  PAPER_DATASETS,
  PAPER_FUNNEL,
  PAPER_LARGEST_ACTIVITIES,
  PAPER_LEAST_COVERED,
  PAPER_LICENSES,
  PAPER_QUARTERLY_SI,
  PAPER_SD_ALSO_SI,
  PAPER_SD_ML_TASKS,
  PAPER_SI_JUMP,
  PAPER_SI_OVER_NEXT,
  PAPER_SI_PEAK_QUARTER,
  PAPER_STRONGEST_PAIR,
  PAPER_TOP_ML_TASK,
  PAPER_TOP_TASK,
} from "../paper/reported";
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
const byActivityOrder = (a: string, b: string) => ACTIVITY_CODES.indexOf(a as ActivityCode) - ACTIVITY_CODES.indexOf(b as ActivityCode);
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();
/** Entries of a count record, largest first (ties in the record's order, i.e. the paper's). */
const ranked = (counts: Record<string, number>) => Object.entries(counts).sort((a, b) => b[1] - a[1]);

/** How far below the paper's Q1 -> Q2 jump in SI models a run may stay and still show "a jump": half of it. */
export const JUMP_TOLERANCE = 0.5;

export function headlineTable(a: Omit<RunAnalyses, "headline">, corpusModels: number): AnalysisTable<HeadlineRow> {
  const rows: HeadlineRow[] = [];
  const add = (finding: string, run: string, paper: string, samePattern: boolean | null) => rows.push({ finding, run, paper, samePattern });

  // RQ1.2 / RQ1.3: how many, and how they spread over the activities.
  add("SE models after every stage", String(a.seModels), String(PAPER_FUNNEL.seModels), null);
  add("SE models among all models", pct(share(a.seModels, corpusModels), 2), pct(PAPER_FUNNEL.seModels / PAPER_FUNNEL.collected, 2), null);

  const totals = [...a.activityTotals.rows].sort((x, y) => y.models - x.models);
  const lead = totals[0];
  const leadRatio = lead?.ratioToNext ?? null;
  const [paperFirst, paperNext] = PAPER_LARGEST_ACTIVITIES;
  add(
    "largest activity and its lead over the next",
    lead ? `${lead.activity}, ${leadRatio === null ? "n/a" : `${leadRatio.toFixed(1)}x`} ${totals[1]?.activity ?? ""}`.trim() : "none",
    `${paperFirst}, more than ${PAPER_SI_OVER_NEXT}x ${paperNext}`,
    lead?.activity === paperFirst && totals[1]?.activity === paperNext && leadRatio !== null && leadRatio > PAPER_SI_OVER_NEXT,
  );
  const smallest = totals
    .filter((t) => t.models > 0)
    .slice(-2)
    .map((t) => t.activity)
    .sort(byActivityOrder);
  add(
    "least covered activities",
    smallest.join(", ") || "none",
    [...PAPER_LEAST_COVERED].sort(byActivityOrder).join(", "),
    smallest.length > 0 && sameSet(smallest, PAPER_LEAST_COVERED),
  );

  const siPerQuarter = new Map(a.growth.rows.filter((r) => r.activity === "SI").map((r) => [r.quarter, r.models]));
  const paperFrom = PAPER_QUARTERLY_SI[PAPER_SI_JUMP.from]!;
  const paperTo = PAPER_QUARTERLY_SI[PAPER_SI_JUMP.to]!;
  const runFrom = siPerQuarter.get(PAPER_SI_JUMP.from) ?? 0;
  const runTo = siPerQuarter.get(PAPER_SI_JUMP.to) ?? 0;
  const jump = (from: number, to: number) => `${from} -> ${to}${from > 0 ? ` (x${(to / from).toFixed(1)})` : ""}`;
  add(
    `new SI models, ${PAPER_SI_JUMP.from} -> ${PAPER_SI_JUMP.to}`,
    siPerQuarter.size > 0 ? jump(runFrom, runTo) : "n/a",
    jump(paperFrom, paperTo),
    siPerQuarter.size > 0 ? runFrom > 0 && runTo / runFrom >= (JUMP_TOLERANCE * paperTo) / paperFrom : null,
  );
  const peak = [...siPerQuarter].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))[0];
  add(
    "quarter with the most new SI models",
    peak ? `${peak[0]} (${peak[1]})` : "n/a",
    `${PAPER_SI_PEAK_QUARTER} (${PAPER_QUARTERLY_SI[PAPER_SI_PEAK_QUARTER] ?? "?"})`,
    peak ? peak[0] === PAPER_SI_PEAK_QUARTER : null,
  );

  // RQ2.1: tasks.
  const topTask = a.tasks.rows[0];
  add("most frequent SE task", topTask ? `${topTask.task} (${topTask.models})` : "none", PAPER_TOP_TASK.task, topTask?.task === PAPER_TOP_TASK.task);
  const leader = a.tasks.rows.find((r) => r.task === PAPER_TOP_TASK.task)?.models ?? 0;
  const follower = a.tasks.rows.find((r) => r.task === PAPER_TOP_TASK.over)?.models ?? 0;
  add(
    `${PAPER_TOP_TASK.task} / ${PAPER_TOP_TASK.over}`,
    follower > 0 ? (leader / follower).toFixed(2) : "n/a",
    `more than ${PAPER_TOP_TASK.factor}`,
    follower > 0 ? leader / follower > PAPER_TOP_TASK.factor : null,
  );

  // RQ2.2: ML tasks.
  const tagged = a.mlTasks.rows.filter((r) => r.pipelineTag !== NO_PIPELINE_TAG);
  const topTag = totalsBy(tagged.map((r) => [r.pipelineTag, r.models] as const))[0]?.[0] ?? "none";
  add("most frequent ML task (pipeline tag)", topTag, PAPER_TOP_ML_TASK, topTag === PAPER_TOP_ML_TASK);
  const sdTags = a.mlTasks.rows.filter((r) => r.activity === "SD" && r.pipelineTag !== NO_PIPELINE_TAG).map((r) => r.pipelineTag);
  add("ML tasks linked to SD", sdTags.join(", ") || "none", `${PAPER_SD_ML_TASKS.join(", ")} only`, sdTags.length > 0 && sameSet(sdTags, PAPER_SD_ML_TASKS));

  // RQ2.3: co-occurrence.
  const strongest = a.cooccurrence.rows[0];
  const pair = strongest ? [strongest.a, strongest.b].sort(byActivityOrder).join("-") : "none";
  const paperPair = [...PAPER_STRONGEST_PAIR].sort(byActivityOrder).join("-");
  add("strongest activity pair", strongest ? `${pair} (${strongest.models})` : "none", paperPair, pair === paperPair);
  const sdRow = a.cooccurrence.rows.find((r) => r.a === "SD" && r.b === "SI");
  const sdTotal = a.activityTotals.rows.find((r) => r.activity === "SD")?.models ?? 0;
  add(
    "SD models also in SI (most of them)",
    sdTotal > 0 ? pct(sdRow?.shareOfA ?? 0) : "n/a",
    pct(PAPER_SD_ALSO_SI),
    sdTotal > 0 ? (sdRow?.shareOfA ?? 0) > 0.5 : null,
  );

  // RQ2.4: base models the paper names, in its order.
  const paperBases = ranked(PAPER_BASE_MODELS);
  const runBase = (id: string) => a.baseModels.top.rows.find((r) => r.baseModel === id)?.models ?? 0;
  const shortName = (id: string) => id.slice(id.indexOf("/") + 1);
  add(
    `SE models derived from ${paperBases.map(([id]) => shortName(id)).join(" vs ")}`,
    paperBases.map(([id]) => runBase(id)).join(" vs "),
    paperBases.map(([, n]) => n).join(" vs "),
    paperBases.every(([id], i) => i === 0 || runBase(paperBases[i - 1]![0]) > runBase(id)),
  );

  // RQ2.5: datasets (top 3 per activity), licences, benchmarks.
  for (const [dataset, paperCounts] of Object.entries(PAPER_DATASETS)) {
    const mine = a.datasets.rows.filter((r) => r.dataset === dataset).sort((x, y) => byActivityOrder(x.activity, y.activity));
    const paperActivities = Object.keys(paperCounts).sort(byActivityOrder);
    add(
      `activities whose top 3 datasets include ${dataset}`,
      mine.map((r) => `${r.activity} (${r.models})`).join(", ") || "none",
      paperActivities.map((act) => `${act} (${paperCounts[act as ActivityCode]})`).join(", "),
      sameSet(
        mine.map((r) => r.activity),
        paperActivities,
      ),
    );
  }
  for (const activity of PAPER_ACTIVITIES_WITHOUT_DATASETS) {
    const named = a.datasets.rows.filter((r) => r.activity === activity).length;
    add(`${activity} models naming a training dataset`, named > 0 ? "some" : "none", "none", named === 0);
  }

  for (const [activity, counts] of Object.entries(PAPER_LICENSES) as Array<[ActivityCode, Record<string, number>]>) {
    const paperOrder = ranked(counts);
    const mine = a.licenses.rows.filter((r) => r.activity === activity && r.license !== NO_LICENSE).slice(0, paperOrder.length);
    add(
      `most used licences in ${activity}`,
      mine.map((r) => `${r.license} (${r.models})`).join(", then ") || "none",
      paperOrder.map(([l, n]) => `${l} (${n})`).join(", then "),
      mine.length === paperOrder.length && mine.every((r, i) => r.license === paperOrder[i]![0]),
    );
  }

  const paperBench = ranked(PAPER_BENCHMARKS);
  const topBench = a.benchmarks.top.rows.slice(0, paperBench.length);
  add(
    "most reported benchmarks in SI cards",
    topBench.map((r) => `${r.benchmark} (${r.models})`).join(", ") || "none",
    paperBench.map(([b, n]) => `${b} (${n})`).join(", "),
    topBench[0]?.benchmark === paperBench[0]![0] &&
      sameSet(
        topBench.map((r) => r.benchmark),
        paperBench.map(([b]) => b),
      ),
  );

  return {
    name: "headline-findings",
    title: "The paper's findings beside this run",
    rows,
    spec: HEADLINE_FINDINGS,
    notes: [
      "samePattern compares the shape of a finding (which is first, which ratio holds), not absolute counts; it is empty where only counts differ by corpus size.",
      `A jump in new SI models counts as the same pattern when it reaches ${JUMP_TOLERANCE * 100}% of the paper's factor; "most of them" means more than half.`,
    ],
  };
}
