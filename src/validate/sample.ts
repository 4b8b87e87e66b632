/**
 * Seeded, stratified pilot samples: per activity, Cochran's size, and every task of the activity
 * that occurs in the population appears at least once (the paper's "representation across all tasks").
 */
import type { ActivityCode } from "../taxonomy/taxonomy";
import { ACTIVITY_CODES } from "../taxonomy/taxonomy";
import { col, defineTable, type RowOf } from "../util/arrow-table";
import { SeededRandom } from "../util/random";
import { cochranSampleSize, type SampleSizeOptions } from "./cochran";
import { compareCodeUnits } from "../util/text";

/** One model of an activity's population, with the tasks of that activity it matched. */
export interface PopulationUnit {
  id: string;
  tasks: readonly string[];
}

export interface StratifiedSample {
  ids: string[];
  /** Tasks present in the population that the sample could not cover (only when size < number of tasks). */
  uncoveredTasks: string[];
}

/**
 * Draw `size` units. Coverage first: tasks are visited from rarest to most common, and a task not yet
 * covered gets one random unit that has it; the remaining places are filled uniformly at random.
 * The population is sorted by id first, so the order it arrives in does not change the draw.
 */
export function drawStratifiedSample(population: readonly PopulationUnit[], size: number, random: SeededRandom): StratifiedSample {
  const units = dedupeById(population);
  const target = Math.min(size, units.length);
  const byTask = new Map<string, PopulationUnit[]>();
  for (const unit of units) for (const task of new Set(unit.tasks)) (byTask.get(task) ?? byTask.set(task, []).get(task)!).push(unit);
  const tasks = [...byTask.keys()].sort((a, b) => byTask.get(a)!.length - byTask.get(b)!.length || compareCodeUnits(a, b));

  const chosen = new Set<string>();
  const covered = new Set<string>();
  const uncoveredTasks: string[] = [];
  for (const task of tasks) {
    if (covered.has(task)) continue;
    if (chosen.size >= target) {
      uncoveredTasks.push(task);
      continue;
    }
    const unit = random.pick(byTask.get(task)!.filter((u) => !chosen.has(u.id)));
    chosen.add(unit.id);
    for (const t of unit.tasks) covered.add(t);
  }
  const rest = random.shuffle(units.filter((u) => !chosen.has(u.id)));
  for (const unit of rest) {
    if (chosen.size >= target) break;
    chosen.add(unit.id);
  }
  return { ids: [...chosen].sort(compareCodeUnits), uncoveredTasks };
}

/**
 * `pilot` and `holdout` are the random samples; `review` holds the pairs whose card addressed the
 * judge (a verdict with `injectionSuspected`): not a sample, so never part of a kappa, but put in
 * front of a human all the same.
 */
export type SampleSet = "pilot" | "holdout" | "review";

/** The pilot plan, one row per sampled (model, activity) (the run's `validate.plan`, src/validate/pilot-files.ts). */
export const PILOT_PLAN = defineTable({
  id: col.string(),
  activity: col.string<ActivityCode>(),
  set: col.string<SampleSet>(),
  tasks: col.strings(),
  /** True when this row is also in the reliability subset given to the second and third annotators. */
  reliability: col.bool(),
});
export type PilotRow = RowOf<typeof PILOT_PLAN>;

export interface PilotPlanOptions {
  seed: number | string;
  sizeOptions?: SampleSizeOptions;
  /** Units per activity in the held-out generalization set (0 to skip); drawn from outside the pilot. */
  holdoutSize?: number;
  /** Share of each set re-annotated by two more people (the paper: 10%). */
  reliabilityFraction?: number;
}

export interface ActivityPlanSummary {
  activity: ActivityCode;
  population: number;
  pilot: number;
  holdout: number;
  tasksInPopulation: number;
  uncoveredTasks: string[];
}

/**
 * Pilot and held-out samples for every activity with a population. Each activity uses its own forked
 * generator, so adding models to one activity does not reshuffle another's sample.
 */
export function planPilots(
  populations: ReadonlyMap<ActivityCode, readonly PopulationUnit[]>,
  options: PilotPlanOptions,
): { rows: PilotRow[]; summary: ActivityPlanSummary[] } {
  const root = new SeededRandom(options.seed);
  const fraction = options.reliabilityFraction ?? 0.1;
  const rows: PilotRow[] = [];
  const summary: ActivityPlanSummary[] = [];
  for (const activity of ACTIVITY_CODES) {
    const population = dedupeById(populations.get(activity) ?? []);
    if (population.length === 0) continue;
    const random = root.fork(activity);
    const size = cochranSampleSize(population.length, options.sizeOptions);
    const pilot = drawStratifiedSample(population, size, random.fork("pilot"));
    const inPilot = new Set(pilot.ids);
    const remaining = population.filter((u) => !inPilot.has(u.id));
    const holdout = options.holdoutSize ? drawStratifiedSample(remaining, options.holdoutSize, random.fork("holdout")).ids : [];
    const tasksOf = new Map(population.map((u) => [u.id, [...new Set(u.tasks)].sort(compareCodeUnits)]));
    for (const [set, ids] of [
      ["pilot", pilot.ids],
      ["holdout", holdout],
    ] as const) {
      const reliable = new Set(reliabilitySubset(ids, fraction, random.fork(`reliability:${set}`)));
      for (const id of ids) rows.push({ id, activity, set, tasks: tasksOf.get(id)!, reliability: reliable.has(id) });
    }
    summary.push({
      activity,
      population: population.length,
      pilot: pilot.ids.length,
      holdout: holdout.length,
      tasksInPopulation: new Set(population.flatMap((u) => u.tasks)).size,
      uncoveredTasks: pilot.uncoveredTasks,
    });
  }
  return { rows, summary };
}

/** A seeded subset of ceil(fraction * n) ids (at least one when ids is not empty), sorted. */
export function reliabilitySubset(ids: readonly string[], fraction: number, random: SeededRandom): string[] {
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`reliability fraction must be in [0, 1], got ${fraction}`);
  if (ids.length === 0 || fraction === 0) return [];
  const count = Math.max(1, Math.ceil(fraction * ids.length - 1e-9));
  return random
    .shuffle([...ids].sort(compareCodeUnits))
    .slice(0, count)
    .sort(compareCodeUnits);
}

function dedupeById(units: readonly PopulationUnit[]): PopulationUnit[] {
  const byId = new Map<string, PopulationUnit>();
  for (const unit of units) {
    const seen = byId.get(unit.id);
    byId.set(unit.id, seen ? { id: unit.id, tasks: [...new Set([...seen.tasks, ...unit.tasks])] } : unit);
  }
  return [...byId.values()].sort((a, b) => compareCodeUnits(a.id, b.id));
}

/**
 * Review rows for flagged verdicts (`injectionSuspected` set) that the plan does not already hold
 * (a pair already in the pilot or held-out sample is labelled there anyway). Sorted by activity then
 * id, so the plan stays deterministic; tasks come from the activity's population.
 */
export function reviewRows(
  verdicts: ReadonlyArray<{ id: string; activity: string; injectionSuspected?: string | null }>,
  plan: readonly PilotRow[],
  populations: ReadonlyMap<ActivityCode, readonly PopulationUnit[]>,
): PilotRow[] {
  const planned = new Set(plan.map((row) => `${row.id}\u0000${row.activity}`));
  const rows: PilotRow[] = [];
  for (const activity of ACTIVITY_CODES) {
    const tasksOf = new Map((populations.get(activity) ?? []).map((u) => [u.id, [...new Set(u.tasks)].sort(compareCodeUnits)]));
    const ids = new Set(verdicts.filter((v) => v.activity === activity && v.injectionSuspected && !planned.has(`${v.id}\u0000${activity}`)).map((v) => v.id));
    for (const id of [...ids].sort(compareCodeUnits)) rows.push({ id, activity, set: "review", tasks: tasksOf.get(id) ?? [], reliability: false });
  }
  return rows;
}
