/** RQ2.2 (Fig. 4): flows from SE activity to Hugging Face pipeline tag (the model's ML task). */
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";
import type { ModelFacts, SeModel } from "./facts";
import { totalsBy, type AnalysisTable } from "./table";
import { compareText } from "../util/text";
import { col, defineTable, type RowOf } from "../util/arrow-table";
import { PAPER_SD_ML_TASKS, PAPER_TOP_ML_TASK } from "../paper/reported";

export const NO_PIPELINE_TAG = "(no pipeline tag)";

const ACTIVITY_ML_TASKS = defineTable({
  activity: col.string<ActivityCode>(),
  pipelineTag: col.string(),
  models: col.int(),
});
export type ActivityMlTaskRow = RowOf<typeof ACTIVITY_ML_TASKS>;

export function activityToMlTask(seModels: readonly SeModel[], facts: ReadonlyMap<string, ModelFacts>): AnalysisTable<ActivityMlTaskRow> {
  const counts = new Map<string, number>();
  for (const model of seModels) {
    const tag = facts.get(model.id)?.pipelineTag ?? NO_PIPELINE_TAG;
    for (const activity of model.activities) counts.set(`${activity}\u0000${tag}`, (counts.get(`${activity}\u0000${tag}`) ?? 0) + 1);
  }
  const rows = [...counts].map(([key, models]) => {
    const [activity, pipelineTag] = key.split("\u0000") as [ActivityCode, string];
    return { activity, pipelineTag, models };
  });
  rows.sort(
    (a, b) => ACTIVITY_CODES.indexOf(a.activity) - ACTIVITY_CODES.indexOf(b.activity) || b.models - a.models || compareText(a.pipelineTag, b.pipelineTag),
  );
  const notes: string[] = [];
  const top = totalsBy(rows.map((r) => [r.pipelineTag, r.models] as const))[0];
  if (top) notes.push(`Most frequent ML task: ${top[0]} (${top[1]} activity links); the paper reports ${PAPER_TOP_ML_TASK}.`);
  const sdTags = rows.filter((r) => r.activity === "SD").map((r) => r.pipelineTag);
  notes.push(
    `SD links to ${sdTags.length} ML task(s)${sdTags.length ? ` (${sdTags.join(", ")})` : ""}; the paper reports ${PAPER_SD_ML_TASKS.join(", ")} only.`,
  );
  return {
    name: "fig4-activity-ml-task",
    title: "SE activity to ML task (pipeline tag) flows",
    rows,
    spec: ACTIVITY_ML_TASKS,
    notes,
  };
}
