/**
 * Fig. 10: choosing a model for a concrete need as a chain of filters, each step reporting how many
 * models remain, ending with a ranking. The paper's example is a Python code-completion tool from a
 * team that wants energy reporting and a permissive licence; any other chain can be composed.
 */
import type { ActivityCode } from "../taxonomy/taxonomy";
import type { ModelFacts, SeModel } from "./facts";
import { licenseFamily, type LicenseFamily } from "./licenses";
import { PAPER_SELECTED_MODEL } from "../paper/reported";
import { type AnalysisTable } from "./table";
import { compareText } from "../util/text";
import { col, defineTable, type RowOf } from "../util/arrow-table";

export interface SelectionCandidate {
  model: SeModel;
  facts: ModelFacts;
  /** Benchmarks the card reports in tables (see benchmarksInCard). */
  benchmarks: string[];
}

export interface SelectionStep {
  name: string;
  description: string;
  keep(candidate: SelectionCandidate): boolean;
}

const SELECTION_STEPS = defineTable({
  step: col.int(),
  name: col.string(),
  description: col.string(),
  remaining: col.int(),
  /** A few of the models still in, so a reader can follow the walk. */
  examples: col.strings(),
});
export type SelectionStepRow = RowOf<typeof SELECTION_STEPS>;

const SELECTION_RANKING = defineTable({
  rank: col.int(),
  id: col.string(),
  benchmarks: col.int(),
  scoresInMetadata: col.int(),
  likes: col.int({ nullable: true }),
  downloads: col.int({ nullable: true }),
  licenses: col.strings(),
});
export type RankedCandidateRow = RowOf<typeof SELECTION_RANKING>;

export function activityStep(activity: ActivityCode): SelectionStep {
  return { name: `activity ${activity}`, description: `classified under ${activity}`, keep: (c) => c.model.activities.includes(activity) };
}

/** Outside fenced code, so a ```python usage snippet does not count as support for Python. */
function proseOf(body: string | null): string {
  return (body ?? "").replace(/(```|~~~)[\s\S]*?(\1|$)/g, " ");
}

export function languageStep(language: string): SelectionStep {
  const word = new RegExp(`(^|[^a-z0-9+#])${language.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|[^a-z0-9+#])`, "i");
  return {
    name: `language ${language}`,
    description: `declares ${language} in metadata or tags, or names it in the card prose`,
    keep: (c) => c.facts.languages.includes(language.toLowerCase()) || word.test(proseOf(c.facts.cardBody)),
  };
}

const ENERGY_HEADING = /^#{1,6}\s*.*\b(energy|carbon|co2|co₂|emissions?|environmental impact)\b/i;
const ENERGY_FIGURE = /\d[\d.,]*\s*(k?wh|mwh|kg|g|t|tons?|tonnes?)\b|\d[\d.,]*\s*(gpu[- ]?)?hours?\b/i;

/** True when the card reports energy use: `co2_eq_emissions` metadata, or an energy section with a figure in it. */
export function reportsEnergyUse(facts: ModelFacts): boolean {
  if (facts.hasCo2Metadata) return true;
  const lines = proseOf(facts.cardBody).split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (!ENERGY_HEADING.test(lines[i]!)) continue;
    const level = /^#+/.exec(lines[i]!.trim())![0].length;
    for (let j = i + 1; j < lines.length; j++) {
      const heading = /^(#{1,6})\s/.exec(lines[j]!.trim());
      if (heading && heading[1]!.length <= level) break;
      // The Hub's card template leaves placeholders; they report nothing.
      if (/more information needed/i.test(lines[j]!)) continue;
      if (ENERGY_FIGURE.test(lines[j]!)) return true;
    }
  }
  return false;
}

export function energyStep(): SelectionStep {
  return {
    name: "reports energy use",
    description: "co2_eq_emissions metadata, or an energy/CO2 section with a figure",
    keep: (c) => reportsEnergyUse(c.facts),
  };
}

export function licenseFamilyStep(family: LicenseFamily): SelectionStep {
  return {
    name: `${family} licence`,
    description: `at least one declared licence is ${family}`,
    keep: (c) => c.facts.licenses.some((l) => licenseFamily(l) === family),
  };
}

/** The paper's walk-through: SI -> Python -> energy reported -> permissive licence. */
export function paperSelectionSteps(): SelectionStep[] {
  return [activityStep("SI"), languageStep("python"), energyStep(), licenseFamilyStep("permissive")];
}

/** Best first: more benchmarks reported, more scores in metadata, more likes, more downloads, then id. */
export function rankCandidates(candidates: readonly SelectionCandidate[]): RankedCandidateRow[] {
  const sorted = [...candidates].sort(
    (a, b) =>
      b.benchmarks.length - a.benchmarks.length ||
      b.facts.modelIndexResults - a.facts.modelIndexResults ||
      (b.facts.likes ?? -1) - (a.facts.likes ?? -1) ||
      (b.facts.downloads ?? -1) - (a.facts.downloads ?? -1) ||
      compareText(a.model.id, b.model.id),
  );
  return sorted.map((c, i) => ({
    rank: i + 1,
    id: c.model.id,
    benchmarks: c.benchmarks.length,
    scoresInMetadata: c.facts.modelIndexResults,
    likes: c.facts.likes,
    downloads: c.facts.downloads,
    licenses: c.facts.licenses,
  }));
}

export interface SelectionResult {
  steps: AnalysisTable<SelectionStepRow>;
  ranked: AnalysisTable<RankedCandidateRow>;
}

export function runSelection(
  candidates: readonly SelectionCandidate[],
  steps: readonly SelectionStep[] = paperSelectionSteps(),
  exampleCount = 3,
): SelectionResult {
  let remaining = [...candidates].sort((a, b) => compareText(a.model.id, b.model.id));
  const rows: SelectionStepRow[] = [
    {
      step: 0,
      name: "all SE models",
      description: "every model the pipeline kept",
      remaining: remaining.length,
      examples: remaining.slice(0, exampleCount).map((c) => c.model.id),
    },
  ];
  for (const [i, step] of steps.entries()) {
    remaining = remaining.filter((c) => step.keep(c));
    rows.push({
      step: i + 1,
      name: step.name,
      description: step.description,
      remaining: remaining.length,
      examples: remaining.slice(0, exampleCount).map((c) => c.model.id),
    });
  }
  const ranked = rankCandidates(remaining);
  return {
    steps: {
      name: "fig10-selection-steps",
      title: "Selection walk-through: models left after each filter",
      rows,
      spec: SELECTION_STEPS,
      notes: [`The paper's walk-through ends at ${PAPER_SELECTED_MODEL}; this run ends at ${ranked[0]?.id ?? "no model"}.`],
    },
    ranked: {
      name: "fig10-selection-ranking",
      title: "Models left after every filter, ranked by reported benchmarks and popularity",
      rows: ranked,
      spec: SELECTION_RANKING,
      notes: [],
    },
  };
}
