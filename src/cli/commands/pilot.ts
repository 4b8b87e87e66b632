import { existsSync, readFileSync } from "node:fs";
import type { Command } from "commander";
import { PAPER_PILOTS } from "../../paper/reported";
import { readCorpusBatches } from "../../corpus/store";
import type { ModelRecord } from "../../corpus/record";
import { pairKey, readEvidence, readUniqueModels, readVerdicts, uncertainPairs } from "../../run/files";
import { RUN_FILES, runLayout } from "../../run/layout";
import { activityCodeOf, loadTaxonomy } from "../../taxonomy/taxonomy";
import { writeFileAtomic } from "../../util/atomic";
import { agreementRows, consolidateLabels } from "../../validate/annotations";
import { populationsOf, readAllLabels, readPlan, writeAgreement, writeLabels, writePlan } from "../../validate/pilot-files";
import { planPilots, reviewRows, type PilotRow } from "../../validate/sample";
import { importSheet, sheetCsv, sheetRows } from "../../validate/sheet";
import { corpusDirOf, formatAgreement } from "./judge";
import { verifyRun, withRunLock } from "../../run/state";

/** Sheet rows for the pairs the judge left uncertain, in the unique table's order (set "uncertain"). */
function uncertainPlan(runDir: string): Array<Pick<PilotRow, "id" | "activity" | "tasks"> & { set: string }> {
  const pairs = uncertainPairs(runDir);
  const rows: Array<Pick<PilotRow, "id" | "activity" | "tasks"> & { set: string }> = [];
  for (const u of readUniqueModels(runDir)) {
    for (const activity of u.activities) {
      const code = activityCodeOf(activity);
      if (code && pairs.has(pairKey(u.id, code))) rows.push({ id: u.id, activity: code, set: "uncertain", tasks: u.tasks });
    }
  }
  return rows;
}

function integer(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return n;
}

export function register(program: Command): void {
  const pilot = program.command("pilot").description("pilot studies of the relevance judge (paper 5.3-5.4): samples, annotation sheets, Cohen's kappa");

  pilot
    .command("sample")
    .description("draw the per-activity pilot samples (Cochran, 95%/5%, every task represented) and a held-out set")
    .requiredOption("--run <dir>", `run directory (holds ${RUN_FILES.unique})`)
    .option("--seed <n>", "random seed", "2025")
    .option("--holdout <n>", "models per activity in the held-out generalization set", "30")
    .option("--reliability <fraction>", "share re-labelled by two more annotators", "0.1")
    .option("--taxonomy <file>", "taxonomy JSON (default: the shipped one)")
    .action(async (o: { run: string; seed: string; holdout: string; reliability: string; taxonomy?: string }) => {
      const taxonomy = loadTaxonomy(o.taxonomy);
      verifyRun(o.run, "funnel");
      const { rows, summary } = planPilots(populationsOf(o.run, taxonomy), {
        seed: o.seed,
        holdoutSize: integer(o.holdout, "--holdout"),
        reliabilityFraction: Number(o.reliability),
      });
      // Pairs whose card addressed the judge go to a human too, as the `review` set.
      const verdictsPath = runLayout(o.run).verdicts;
      const review = existsSync(verdictsPath) ? reviewRows(readVerdicts(verdictsPath), rows, populationsOf(o.run, taxonomy)) : [];
      const planPath = await withRunLock(o.run, () => writePlan(o.run, [...rows, ...review]));
      process.stdout.write(`pilot plan -> ${planPath}\n  act  population  pilot  holdout  tasks  (paper: population / pilot)\n`);
      for (const s of summary) {
        const paper = PAPER_PILOTS[s.activity];
        process.stdout.write(
          `  ${s.activity}  ${String(s.population).padStart(10)}  ${String(s.pilot).padStart(5)}  ${String(s.holdout).padStart(7)}  ${String(s.tasksInPopulation).padStart(5)}  (${paper.uniqueModels} / ${paper.pilotSample})\n`,
        );
        if (s.uncoveredTasks.length > 0) process.stdout.write(`      tasks not covered (sample smaller than task count): ${s.uncoveredTasks.join(", ")}\n`);
      }
      if (review.length > 0) process.stdout.write(`  review: ${review.length} pair(s) whose card addresses the judge (export them with --set review)\n`);
    });

  pilot
    .command("export")
    .description("write an annotation sheet (CSV) for one annotator")
    .requiredOption("--run <dir>", "run directory")
    .requiredOption("--annotator <name>", "annotator name, e.g. A (primary), B, C")
    .option("--corpus <dir>", `corpus (default: from ${RUN_FILES.runInfo})`)
    .option("--reliability-only", "only the reliability subset (for the second and third annotators)")
    .option("--set <set>", "pilot, holdout, review (cards that address the judge) or all", "all")
    .option("--uncertain", 'instead of the pilot plan: every pair the relevance judge left uncertain (set "uncertain")')
    .option("--out <file>", "output CSV (default <run>/validate/sheets/<annotator>.csv, <annotator>-uncertain.csv with --uncertain)")
    .action(async (o: { run: string; annotator: string; corpus?: string; reliabilityOnly?: boolean; set: string; uncertain?: boolean; out?: string }) => {
      if (!["pilot", "holdout", "review", "all"].includes(o.set)) throw new Error(`--set must be pilot, holdout, review or all, got "${o.set}"`);
      if (o.uncertain && (o.reliabilityOnly || o.set !== "all"))
        throw new Error("--uncertain exports the uncertain pairs; it does not combine with --set or --reliability-only");
      const plan = o.uncertain
        ? uncertainPlan(o.run)
        : readPlan(o.run).filter((r) => (o.set === "all" || r.set === o.set) && (!o.reliabilityOnly || r.reliability));
      const wanted = new Set(plan.map((r) => r.id));
      const records = new Map<string, ModelRecord>();
      for await (const batch of readCorpusBatches(corpusDirOf(o.run, o.corpus))) for (const r of batch) if (wanted.has(r.id)) records.set(r.id, r);
      const missing = [...wanted].filter((id) => !records.has(id));
      const out = o.out ?? runLayout(o.run).validate.sheet(o.uncertain ? `${o.annotator}-uncertain` : o.annotator);
      const csv = sheetCsv(sheetRows(plan, records, readEvidence(o.run, wanted)));
      await (o.out ? writeFileAtomic(out, csv) : withRunLock(o.run, () => writeFileAtomic(out, csv)));
      process.stdout.write(`${plan.length} rows -> ${out}\n`);
      if (missing.length > 0)
        process.stderr.write(
          `warning: ${missing.length} model(s) not in the corpus, exported without excerpt: ${missing.slice(0, 5).join(", ")}${missing.length > 5 ? ", ..." : ""}\n`,
        );
    });

  pilot
    .command("import")
    .description("validate a filled sheet and store its labels")
    .argument("<file>", "filled CSV")
    .requiredOption("--run <dir>", "run directory")
    .requiredOption("--annotator <name>", "who filled it")
    .option("--allow-unlabelled", "accept a partly filled sheet (unlabelled rows are skipped and counted)")
    .action(async (file: string, o: { run: string; annotator: string; allowUnlabelled?: boolean }) => {
      if (!existsSync(file)) throw new Error(`no such sheet: ${file}`);
      const { labels, unlabelled } = importSheet(readFileSync(file, "utf8"), readPlan(o.run), {
        annotator: o.annotator,
        source: file,
        allowUnlabelled: o.allowUnlabelled,
      });
      const path = await withRunLock(o.run, () => writeLabels(o.run, o.annotator, labels));
      process.stdout.write(`${labels.length} labels from ${o.annotator} -> ${path}${unlabelled ? ` (${unlabelled} rows still unlabelled)` : ""}\n`);
    });

  pilot
    .command("kappa")
    .description("Cohen's kappa of the judge's verdicts against the human labels (Table V and the held-out test)")
    .requiredOption("--run <dir>", `run directory (holds ${RUN_FILES.verdicts} and ${RUN_FILES.validate}/)`)
    .option("--primary <name>", "the annotator who labelled every row", "A")
    .action(async (o: { run: string; primary: string }) => {
      const verdictsPath = runLayout(o.run).verdicts;
      if (!existsSync(verdictsPath)) throw new Error(`no ${verdictsPath}: run \`hf-se-atlas judge --run ${o.run}\` first`);
      verifyRun(o.run, "relevance");
      const verdicts = readVerdicts(verdictsPath);
      const consolidated = consolidateLabels(readPlan(o.run), readAllLabels(o.run), o.primary);
      const rows = ["pilot", "holdout"].flatMap((set) => {
        const reference = consolidated.labels.filter((l) => l.set === set);
        return reference.length > 0 ? agreementRows(verdicts, reference, set) : [];
      });
      await withRunLock(o.run, () => writeAgreement(o.run, "humans", rows));
      const judges = [...new Set(verdicts.map((v) => v.judge))].join(", ");
      process.stdout.write(`${formatAgreement(rows, `judge (${judges}) vs human labels`)}\n`);
      process.stdout.write(
        `  reference: ${consolidated.labels.length} labels (${consolidated.labels.filter((l) => l.method === "majority").length} by majority of three); ${consolidated.missingPrimary} plan rows not yet labelled by ${o.primary}; ${consolidated.incompleteReliability} reliability rows lack a second or third label\n`,
      );
      for (const x of consolidated.interAnnotator)
        process.stdout.write(`  ${o.primary} vs ${x.annotator}: ${x.n} shared rows, kappa ${x.kappa === null ? "undefined" : x.kappa.toFixed(2)}\n`);
    });
}
