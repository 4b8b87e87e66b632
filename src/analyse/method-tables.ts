/**
 * The method's own tables, rebuilt from the definitions the pipeline runs with, so the report cannot
 * drift from the code:
 * - Table II: when a model is included, step by step; the relevance step's criteria per activity are
 *   the "Include when" / "Exclude when" sections of the prompts the LLM judge receives
 *   (taxonomy/prompts/<CODE>.md). Our wording, not the paper's.
 * - Table III: the outlier rules, straight from OUTLIER_RULES (src/filter/outliers.ts), with how many
 *   task occurrences each rule removed in this run.
 * Table I of the paper (related work) is not rebuilt: nothing in src/paper/reported.ts states its
 * content, and a summary from memory could not be checked; the report says so (TABLE_I_OMITTED).
 */
import { existsSync } from "node:fs";
import { DEFAULT_OUTLIER_TASKS, OUTLIER_RULES } from "../filter/outliers";
import type { PromptTemplate } from "../judges/prompt";
import { PAPER_SIMILARITY_THRESHOLD } from "../paper/reported";
import { ACTIVITY_CODES, ACTIVITY_NAMES, type ActivityCode } from "../taxonomy/taxonomy";
import { col, defineTable, readArrowFile, type RowOf } from "../util/arrow-table";
import { runLayout } from "../run/layout";
import type { AnalysisTable } from "./table";

export const TABLE_I_OMITTED =
  "Table I (the paper's comparison with related work) is not rendered: this toolkit keeps only the paper's numbers (src/paper/reported.ts), " +
  "not the content of its related-work table, and a summary that cannot be checked against that source would risk misstating other studies.";

const INCLUSION_CRITERIA = defineTable({
  step: col.string(),
  activity: col.string({ nullable: true }),
  include: col.string(),
  exclude: col.string(),
  source: col.string(),
});
export type CriterionRow = RowOf<typeof INCLUSION_CRITERIA>;

const OUTLIER_RULE_TABLE = defineTable({
  task: col.string(),
  rule: col.string(),
  excludes: col.string(),
  /** Task occurrences this rule removed in the run (first matching rule only); null when unknown. */
  removed: col.int({ nullable: true }),
});
export type OutlierRuleRow = RowOf<typeof OUTLIER_RULE_TABLE>;

/** The bullet items under a `## <heading>` of a prompt body, as plain sentences. */
export function promptSection(body: string, heading: string): string[] {
  const lines = body.replace(/\r\n?/g, "\n").split("\n");
  const start = lines.findIndex((l) => l.trim().toLowerCase() === `## ${heading.toLowerCase()}`);
  if (start < 0) return [];
  const items: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,2} /.test(line)) break;
    const item = /^\s*[-*] (.*)$/.exec(line);
    if (item) items.push(item[1]!.trim());
    else if (line.trim() && items.length > 0) items[items.length - 1] += ` ${line.trim()}`;
  }
  return items;
}

/** Table II: inclusion criteria of the pipeline, then of the relevance check per activity. */
export function inclusionCriteriaTable(options: {
  taxonomyTasks: number;
  templates: ReadonlyMap<ActivityCode, PromptTemplate> | null;
  threshold?: number;
}): AnalysisTable<CriterionRow> {
  const threshold = options.threshold ?? PAPER_SIMILARITY_THRESHOLD;
  const rows: CriterionRow[] = [
    { step: "1 collect", activity: null, include: "The model is on the Hub when it is crawled (a corpus record).", exclude: "", source: "corpus" },
    {
      step: "2 search",
      activity: null,
      include: `Its card text, card metadata or a linked arXiv abstract names one of the ${options.taxonomyTasks} SE tasks of the taxonomy (words compared after lemmatisation).`,
      exclude: "No task is named anywhere (the card may be missing, empty or about something else).",
      source: "taxonomy/se-tasks.json",
    },
    {
      step: "3 outlier rules",
      activity: null,
      include: "At least one task occurrence survives the outlier rules.",
      exclude: `Every occurrence is a false hit of ${Object.keys(DEFAULT_OUTLIER_TASKS).join(", ")} that a Table III rule removes.`,
      source: "src/filter/outliers.ts",
    },
    {
      step: "4 near-identical cards",
      activity: null,
      include: "Its card body is the earliest of its kind.",
      exclude: `TF-IDF cosine similarity >= ${threshold} to the body of an earlier card (the later card is a near-identical copy).`,
      source: "src/filter/near-duplicates.ts",
    },
  ];
  for (const activity of ACTIVITY_CODES) {
    const template = options.templates?.get(activity);
    const include = template ? promptSection(template.body, "Include when") : [];
    const exclude = template ? promptSection(template.body, "Exclude when") : [];
    rows.push({
      step: "5 relevance check",
      activity,
      include: include.join(" ") || (template ? "(the prompt has no 'Include when' section)" : "(prompt not found)"),
      exclude: exclude.join(" ") || (template ? "(the prompt has no 'Exclude when' section)" : "(prompt not found)"),
      source: `taxonomy/prompts/${activity}.md${template ? ` v${template.version}` : ""}`,
    });
  }
  return {
    name: "table2-inclusion-criteria",
    title: "Table II (our wording): when a model is counted as supporting an SE activity",
    rows,
    spec: INCLUSION_CRITERIA,
    notes: [
      `Steps 1-4 follow the pipeline's definitions; step 5 quotes the criteria each activity's judge prompt states (${ACTIVITY_CODES.map((a) => `${a} ${ACTIVITY_NAMES[a]}`).join(", ")}). The wording is this project's, not the paper's.`,
    ],
  };
}

/** Occurrences each Table III rule removed, read from the run's occurrences table (only its excludedBy column); null when absent. */
export function removedByRule(runDir: string): Map<string, number> | null {
  const path = runLayout(runDir).occurrences;
  if (!existsSync(path)) return null;
  const column = readArrowFile(path).getChild("excludedBy");
  if (!column) return null;
  const counts = new Map<string, number>();
  for (const value of column) if (typeof value === "string") counts.set(value, (counts.get(value) ?? 0) + 1);
  return counts;
}

/** Table III: every outlier rule in the order it is applied, with this run's removals. */
export function outlierRulesTable(removed: ReadonlyMap<string, number> | null): AnalysisTable<OutlierRuleRow> {
  const taskOf = Object.fromEntries(Object.entries(DEFAULT_OUTLIER_TASKS).map(([task, family]) => [family, task]));
  const rows = OUTLIER_RULES.map((rule) => ({
    task: taskOf[rule.family] ?? rule.family,
    rule: rule.name,
    excludes: rule.description,
    removed: removed ? (removed.get(rule.name) ?? 0) : null,
  }));
  const total = removed ? [...removed.values()].reduce((a, b) => a + b, 0) : null;
  return {
    name: "table3-outlier-rules",
    title: "Table III: outlier rules for the tasks debugging, logging and coding",
    rows,
    spec: OUTLIER_RULE_TABLE,
    notes: [
      "Rules are checked in this order on the raw text around each occurrence; the first that applies removes it (src/filter/outliers.ts).",
      total === null
        ? "This run has no filter/occurrences.arrow, so removals are not counted."
        : `This run: ${total.toLocaleString("en-US")} occurrences removed in all.`,
    ],
  };
}
