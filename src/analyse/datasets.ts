/** RQ2.5 (Fig. 7): the training datasets most SE models name, top N per activity. */
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";
import type { ModelFacts, SeModel } from "./facts";
import { PAPER_ACTIVITIES_WITHOUT_DATASETS, PAPER_DATASETS } from "../paper/reported";
import { countBy, type AnalysisTable } from "./table";
import { col, defineTable, type RowOf } from "../util/arrow-table";

const TOP_DATASETS = defineTable({
  activity: col.string<ActivityCode>(),
  rank: col.int(),
  dataset: col.string(),
  models: col.int(),
  /** Other activities whose SE models also name this dataset (the paper marks such reuse). */
  alsoUsedBy: col.strings(),
  paper: col.int({ nullable: true }),
});
export type DatasetRow = RowOf<typeof TOP_DATASETS>;

export function topDatasetsPerActivity(seModels: readonly SeModel[], facts: ReadonlyMap<string, ModelFacts>, perActivity = 3): AnalysisTable<DatasetRow> {
  const byActivity = new Map<ActivityCode, string[]>(ACTIVITY_CODES.map((a) => [a, []]));
  for (const model of seModels) {
    const datasets = facts.get(model.id)?.datasets ?? [];
    for (const activity of model.activities) byActivity.get(activity)!.push(...datasets);
  }
  const usedBy = new Map<string, Set<ActivityCode>>();
  for (const [activity, datasets] of byActivity) {
    for (const d of datasets) usedBy.set(d, (usedBy.get(d) ?? new Set()).add(activity));
  }
  const rows: DatasetRow[] = [];
  const silent: ActivityCode[] = [];
  for (const activity of ACTIVITY_CODES) {
    const ranked = countBy(byActivity.get(activity)!).slice(0, perActivity);
    if (ranked.length === 0) silent.push(activity);
    for (const [i, [dataset, models]] of ranked.entries()) {
      rows.push({
        activity,
        rank: i + 1,
        dataset,
        models,
        alsoUsedBy: ACTIVITY_CODES.filter((a) => a !== activity && usedBy.get(dataset)!.has(a)),
        paper: PAPER_DATASETS[dataset]?.[activity] ?? null,
      });
    }
  }
  const paperSilent = `the paper finds none for ${PAPER_ACTIVITIES_WITHOUT_DATASETS.join(", ")}`;
  const notes = silent.length
    ? [`No SE model of ${silent.join(", ")} names a training dataset (${paperSilent}).`]
    : [`Every activity has at least one SE model naming a training dataset (${paperSilent}).`];
  return {
    name: "fig7-top-datasets",
    title: `Top ${perActivity} training datasets per activity`,
    rows,
    spec: TOP_DATASETS,
    notes,
  };
}
