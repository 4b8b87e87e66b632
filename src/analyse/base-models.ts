/** RQ2.4 (Fig. 6): base models (card `base_model`) with the most SE models derived from them, over time. */
import type { ModelFacts, SeModel } from "./facts";
import { PAPER_BASE_MODELS } from "../paper/reported";
import { countBy, quarterOf, quarterRange, type AnalysisTable } from "./table";
import { col, defineTable, type RowOf } from "../util/arrow-table";

const TOP_BASE_MODELS = defineTable({
  rank: col.int(),
  baseModel: col.string(),
  models: col.int(),
  firstQuarter: col.string({ nullable: true }),
  paper: col.int({ nullable: true }),
});
export type BaseModelRow = RowOf<typeof TOP_BASE_MODELS>;

const BASE_MODELS_OVER_TIME = defineTable({
  baseModel: col.string(),
  quarter: col.string(),
  newModels: col.int(),
  cumulative: col.int(),
});
export type BaseModelQuarterRow = RowOf<typeof BASE_MODELS_OVER_TIME>;

export interface BaseModelAnalysis {
  top: AnalysisTable<BaseModelRow>;
  overTime: AnalysisTable<BaseModelQuarterRow>;
}

export function topBaseModels(seModels: readonly SeModel[], facts: ReadonlyMap<string, ModelFacts>, limit = 15): BaseModelAnalysis {
  /** Creation quarter of every SE model that names each base model (null when undated). */
  const derived = new Map<string, Array<string | null>>();
  let withBase = 0;
  for (const model of seModels) {
    const f = facts.get(model.id);
    const bases = f?.baseModels ?? [];
    if (bases.length > 0) withBase++;
    const quarter = quarterOf(f?.createdAt ?? null);
    for (const base of bases) {
      const quarters = derived.get(base);
      if (quarters) quarters.push(quarter);
      else derived.set(base, [quarter]);
    }
  }
  // The top `limit`, plus any base model the paper names that falls below them (with its real rank).
  const all = countBy([...derived].flatMap(([base, quarters]) => quarters.map(() => base)));
  const shown = new Set(all.slice(0, limit).map(([base]) => base));
  for (const base of Object.keys(PAPER_BASE_MODELS)) if (derived.has(base)) shown.add(base);
  const ranked = all.map((entry, i) => [entry, i + 1] as const).filter(([[base]]) => shown.has(base));
  const datedOf = (base: string) =>
    derived
      .get(base)!
      .filter((q): q is string => q !== null)
      .sort();
  const dated = ranked.flatMap(([[base]]) => datedOf(base)).sort();
  const range = dated.length > 0 ? quarterRange(dated[0]!, dated[dated.length - 1]!) : [];
  const top: BaseModelRow[] = [];
  const series: BaseModelQuarterRow[] = [];
  for (const [[base, models], rank] of ranked) {
    const quarters = datedOf(base);
    const perQuarter = new Map(countBy(quarters));
    const first = quarters[0] ?? null;
    top.push({ rank, baseModel: base, models, firstQuarter: first, paper: PAPER_BASE_MODELS[base] ?? null });
    let cumulative = 0;
    for (const quarter of range) {
      if (first === null || quarter < first) continue;
      const newModels = perQuarter.get(quarter) ?? 0;
      cumulative += newModels;
      series.push({ baseModel: base, quarter, newModels, cumulative });
    }
  }
  const notes = [`${withBase} of ${seModels.length} SE models declare a base_model in their card metadata (the field exists on the Hub since November 2023).`];
  return {
    top: {
      name: "fig6-top-base-models",
      title: `Top ${limit} base models by number of SE models derived from them (and those the paper names)`,
      rows: top,
      spec: TOP_BASE_MODELS,
      notes,
    },
    overTime: {
      name: "fig6-base-models-over-time",
      title: "SE models derived from the top base models, cumulative per quarter",
      rows: series,
      spec: BASE_MODELS_OVER_TIME,
      notes: [],
    },
  };
}
