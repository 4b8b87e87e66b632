/** RQ2.1 (Fig. 3): number of SE models per SE task, each task under its activity. */
import type { ActivityCode, Taxonomy } from "../taxonomy/taxonomy";
import type { SeModel } from "./facts";
import { preview, type AnalysisTable } from "./table";
import { compareText } from "../util/text";
import { col, defineTable, type RowOf } from "../util/arrow-table";
import { PAPER_TOP_TASK } from "../paper/reported";

const MODELS_PER_TASK = defineTable({
  taskId: col.string(),
  task: col.string(),
  activity: col.string<ActivityCode>(),
  models: col.int(),
});
export type TaskCountRow = RowOf<typeof MODELS_PER_TASK>;

export function modelsPerTask(seModels: readonly SeModel[], taxonomy: Taxonomy): AnalysisTable<TaskCountRow> {
  const byId = new Map(taxonomy.tasks.map((t) => [t.id, t]));
  const byName = new Map(taxonomy.tasks.map((t) => [t.name, t]));
  const counts = new Map<string, TaskCountRow>();
  const unknown = new Set<string>();
  for (const model of seModels) {
    for (const key of new Set(model.tasks)) {
      const task = byId.get(key) ?? byName.get(key);
      if (!task) {
        unknown.add(key);
        continue;
      }
      const row = counts.get(task.id) ?? { taskId: task.id, task: task.name, activity: task.activity, models: 0 };
      row.models++;
      counts.set(task.id, row);
    }
  }
  const rows = [...counts.values()].sort((a, b) => b.models - a.models || compareText(a.taskId, b.taskId));
  const notes: string[] = [];
  const generation = rows.find((r) => r.task === PAPER_TOP_TASK.task)?.models;
  const coding = rows.find((r) => r.task === PAPER_TOP_TASK.over)?.models;
  if (generation !== undefined && coding !== undefined && coding > 0) {
    notes.push(`${PAPER_TOP_TASK.task} / ${PAPER_TOP_TASK.over} = ${(generation / coding).toFixed(2)} (the paper reports more than ${PAPER_TOP_TASK.factor}).`);
  }
  if (unknown.size > 0) {
    notes.push(`${unknown.size} task keys are not in taxonomy ${taxonomy.version} and are not counted: ${preview([...unknown].sort())}.`);
  }
  return {
    name: "fig3-models-per-task",
    title: "SE models per SE task, coloured by activity",
    rows,
    spec: MODELS_PER_TASK,
    notes,
  };
}
