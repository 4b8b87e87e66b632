/**
 * Found beyond the paper's keyword search (`funnel --discover` runs only): the (model, activity) pairs
 * discovery added to what the search found (src/pipeline/discover.ts), per activity, how they were found
 * (SE signals, lineage) and what the judge decided; and examples of the pairs judged relevant, each with
 * the evidence that brought it to the judge. Null for a run without discovery: such a run is the paper's
 * method and its report has no such section.
 */
import { hasRunTable, readRunTable } from "../run/files";
import { RUN_FILES } from "../run/layout";
import type { DiscoveryEvidenceRow, Verdict } from "../run/tables";
import { ACTIVITY_CODES } from "../taxonomy/taxonomy";
import { col, defineTable, type RowOf } from "../util/arrow-table";
import { outcomeOf } from "../judges/outcome";
import type { AnalysisTable } from "./table";

const DISCOVERED_COUNTS = defineTable({
  /** "all" or an activity code. */
  activity: col.string(),
  /** Pairs discovery added that reach the judge (for "all": models). */
  pairs: col.int(),
  /** Of those, found from SE signals of the model itself, and through lineage (a pair may have both). */
  viaSignals: col.int(),
  viaLineage: col.int(),
  relevant: col.int(),
  uncertain: col.int(),
  notRelevant: col.int(),
});
export type DiscoveredCountRow = RowOf<typeof DISCOVERED_COUNTS>;

const DISCOVERED_EXAMPLES = defineTable({
  id: col.string(),
  activity: col.string(),
  /** "signals", "lineage" or both. */
  via: col.string(),
  /** The evidence that brought the pair to the judge, strongest kinds first ("tag code (meta.tags)", "re-upload of org/x"). */
  evidence: col.string(),
  /** The lineage chain, model first ("" without one). */
  chain: col.string(),
  rationale: col.string(),
});
export type DiscoveredExampleRow = RowOf<typeof DISCOVERED_EXAMPLES>;

export interface DiscoveryAnalysis {
  counts: AnalysisTable<DiscoveredCountRow>;
  examples: AnalysisTable<DiscoveredExampleRow>;
}

/** Evidence kinds in the order an example lists them: the author's own word first, names and lineage after. */
const KIND_ORDER = [
  "task-tag",
  "pipeline-tag",
  "code-tag",
  "se-dataset",
  "programming-language",
  "lineage",
  "base-model-name",
  "task-in-id",
  "id-word",
  "base-model-word",
];

/** The discovery tables of a run with discovery; null otherwise. `maxExamples` relevant pairs are shown, in unique-table order. */
export function discoveryAnalysis(runDir: string, verdicts: readonly Verdict[] | null, maxExamples = 25): DiscoveryAnalysis | null {
  if (!hasRunTable(runDir, "discovered")) return null;
  const discovered = readRunTable(runDir, "discovered");
  const kept = discovered.filter((d) => d.kept);
  const keptIds = new Set(kept.map((d) => d.id));
  const evidence = new Map<string, DiscoveryEvidenceRow[]>();
  for (const e of readRunTable(runDir, "discoveryEvidence")) {
    if (!keptIds.has(e.modelId) || e.excludedBy !== null) continue;
    const key = `${e.modelId}\u0000${e.activity}`;
    (evidence.get(key) ?? evidence.set(key, []).get(key)!).push(e);
  }
  const verdictOf = new Map((verdicts ?? []).map((v) => [`${v.id}\u0000${v.activity}`, v]));

  const rows: DiscoveredCountRow[] = [];
  const tally = (activity: string, pairs: Array<{ id: string; activity: string }>) => {
    const row: DiscoveredCountRow = { activity, pairs: 0, viaSignals: 0, viaLineage: 0, relevant: 0, uncertain: 0, notRelevant: 0 };
    for (const p of pairs) {
      const items = evidence.get(`${p.id}\u0000${p.activity}`) ?? [];
      row.pairs++;
      if (items.some((e) => e.kind !== "lineage")) row.viaSignals++;
      if (items.some((e) => e.kind === "lineage")) row.viaLineage++;
      const v = verdictOf.get(`${p.id}\u0000${p.activity}`);
      const outcome = v ? outcomeOf(v) : null;
      if (outcome === "relevant") row.relevant++;
      else if (outcome === "uncertain") row.uncertain++;
      else if (outcome === "not-relevant") row.notRelevant++;
    }
    return row;
  };
  const pairs = kept.flatMap((d) => d.added.map((activity) => ({ id: d.id, activity })));
  // Overall: models, and a model counts as relevant (uncertain) when one of its added pairs is.
  const byModel = kept.map((d) =>
    tally(
      "model",
      d.added.map((activity) => ({ id: d.id, activity })),
    ),
  );
  rows.push({
    activity: "all",
    pairs: kept.length,
    viaSignals: byModel.filter((m) => m.viaSignals > 0).length,
    viaLineage: byModel.filter((m) => m.viaLineage > 0).length,
    relevant: byModel.filter((m) => m.relevant > 0).length,
    uncertain: byModel.filter((m) => m.relevant === 0 && m.uncertain > 0).length,
    notRelevant: byModel.filter((m) => m.relevant === 0 && m.uncertain === 0 && m.notRelevant > 0).length,
  });
  for (const a of ACTIVITY_CODES)
    rows.push(
      tally(
        a,
        pairs.filter((p) => p.activity === a),
      ),
    );
  const dropped = discovered.filter((d) => !d.kept);

  const examples: DiscoveredExampleRow[] = [];
  for (const d of kept) {
    for (const activity of d.added) {
      const v = verdictOf.get(`${d.id}\u0000${activity}`);
      if (!v || outcomeOf(v) !== "relevant" || examples.length >= maxExamples) continue;
      const items = (evidence.get(`${d.id}\u0000${activity}`) ?? [])
        .map((e, i) => ({ e, i }))
        .sort((a, b) => rank(a.e.kind) - rank(b.e.kind) || a.i - b.i)
        .map(({ e }) => e);
      const lineage = items.find((e) => e.kind === "lineage");
      examples.push({
        id: d.id,
        activity,
        via: d.via.join(", "),
        evidence: [...new Set(items.map((e) => `${e.label} (${e.provenance})`))].slice(0, 4).join("; "),
        chain: lineage ? lineage.chain.join(" -> ") : "",
        rationale: v.rationale,
      });
    }
  }

  return {
    counts: {
      name: "discovered",
      title: "Found beyond the paper's keyword search: pairs discovery added, how, and what the judge decided",
      rows,
      spec: DISCOVERED_COUNTS,
      notes: [
        `Discovery (funnel --discover) offers a model for an activity from SE evidence that is not a task phrase: code and task tags, programming languages, curated SE datasets, a pipeline tag, words of the model's and its base models' names, and lineage (a base-model chain reaching a model of this run that stands for the activity). Per activity: (model, activity) pairs the search did not offer that reach the judge; "all": models (relevant when one of its added pairs is).`,
        `${pairs.length} pairs of ${kept.length} models reached the judge; ${dropped.length} more models were near-copies of an earlier candidate card (or of one the search kept) and stopped there. Evidence: ${RUN_FILES.discoveryEvidence}; models: ${RUN_FILES.discovered}.`,
        "The pairs judged relevant are SE models of this run like any other: they are counted in the SE models table, the funnel's relevant stage and every analysis. Without --discover the run is the paper's method alone.",
      ],
    },
    examples: {
      name: "discovered-examples",
      title: "Found beyond the paper's keyword search: examples judged relevant, with their evidence",
      rows: examples,
      spec: DISCOVERED_EXAMPLES,
      notes: [`The first ${maxExamples} pairs judged relevant, in the unique table's order; every pair's evidence is in ${RUN_FILES.discoveryEvidence}.`],
    },
  };
}

function rank(kind: string): number {
  const i = KIND_ORDER.indexOf(kind);
  return i < 0 ? KIND_ORDER.length : i;
}
