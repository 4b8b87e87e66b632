/**
 * The label sets the agreement command compares (I/O edge of src/validate): a judge's verdicts from a
 * run directory or a verdicts file (optionally one judge of a jury file), and the human reference from
 * a run's pilot sheets (primary annotator, majority of three on the reliability subset).
 */
import { existsSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { readVerdicts } from "../run/files";
import { RUN_FILES, runLayout } from "../run/layout";
import { verifyRun } from "../run/state";
import type { RecordedVerdict } from "../run/tables";
import { consolidateLabels } from "./annotations";
import type { PairLabel } from "./compare";
import { readAllLabels, readPlan } from "./pilot-files";
import type { SampleSet } from "./sample";

/**
 * The verdicts file a spec names: a run directory (its verdicts table, checked against its run.json),
 * a folder holding that file, or a file.
 */
export function verdictsPathOf(spec: string): string {
  if (!existsSync(spec)) throw new Error(`no such run directory or verdicts file: ${spec}`);
  if (!statSync(spec).isDirectory()) return spec;
  if (existsSync(runLayout(spec).verdicts)) verifyRun(spec, "relevance");
  for (const candidate of [runLayout(spec).verdicts, join(spec, basename(RUN_FILES.verdicts))]) if (existsSync(candidate)) return candidate;
  throw new Error(`${spec} holds no ${RUN_FILES.verdicts}: run \`hf-se-atlas judge --run ${spec}\` first`);
}

export function verdictLabels(verdicts: readonly RecordedVerdict[]): PairLabel[] {
  return verdicts.map((v) => ({ id: v.id, activity: v.activity, relevant: v.relevant, rationale: v.rationale, source: v.judge, error: v.error }));
}

export interface VerdictSet {
  /** How reports name it: its judge (or judges), and the file. */
  name: string;
  path: string;
  labels: PairLabel[];
}

/** A verdict set; `judge` keeps one judge's verdicts (e.g. one juror of a jury's verdicts table). */
export function loadVerdictSet(spec: string, judge?: string): VerdictSet {
  const path = verdictsPathOf(spec);
  const all = readVerdicts(path);
  const verdicts = judge === undefined ? all : all.filter((v) => v.judge === judge);
  const judges = [...new Set(all.map((v) => v.judge))];
  if (judge !== undefined && verdicts.length === 0) throw new Error(`${path} has no verdicts of ${judge} (it has: ${judges.join("; ")})`);
  const own = [...new Set(verdicts.map((v) => v.judge))];
  return { name: own.length <= 2 ? own.join(" + ") : `${own.length} judges`, path, labels: verdictLabels(verdicts) };
}

/** The human reference of a run's pilot, per sample set, with the primary annotator's rationale. */
export function humanLabelSets(runDir: string, primary: string): Array<{ set: SampleSet; labels: PairLabel[]; summary: string }> {
  const all = readAllLabels(runDir);
  const consolidated = consolidateLabels(readPlan(runDir), all, primary);
  const rationaleOf = new Map(all.filter((l) => l.annotator === primary).map((l) => [`${l.id}\u0000${l.activity}`, l.rationale]));
  const sets: SampleSet[] = ["pilot", "holdout"];
  return sets
    .map((set) => {
      const labels: PairLabel[] = consolidated.labels
        .filter((l) => l.set === set)
        .map((l) => ({
          id: l.id,
          activity: l.activity,
          relevant: l.relevant,
          rationale: rationaleOf.get(`${l.id}\u0000${l.activity}`) ?? "",
          source: l.method === "majority" ? `humans (majority of ${l.votes})` : `humans (${primary})`,
          error: null,
        }));
      const majority = labels.filter((l) => l.source.startsWith("humans (majority")).length;
      return {
        set,
        labels,
        summary: `${labels.length} human labels (${majority} by majority of three); ${consolidated.missingPrimary} plan rows not yet labelled by ${primary}`,
      };
    })
    .filter((s) => s.labels.length > 0);
}
