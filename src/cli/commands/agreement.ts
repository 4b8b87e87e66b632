import { dirname } from "node:path";
import { existsSync, statSync } from "node:fs";
import type { Command } from "commander";
import { PAPER_HELD_OUT_KAPPA, PAPER_KAPPA } from "../../paper/reported";
import type { ActivityCode } from "../../taxonomy/taxonomy";
import { rowsToCsv, writeRows } from "../../util/arrow-table";
import { writeFileAtomic } from "../../util/atomic";
import { COMPARISONS, DISAGREEMENTS, compareLabels, type Comparison, type ComparisonRow, type Disagreement } from "../../validate/compare";
import { humanLabelSets, loadVerdictSet } from "../../validate/label-sets";
import { comparisonFiles, RUN_FILES, runLayout } from "../../run/layout";
import { integerAtLeast } from "../options";
import { withRunLock } from "../../run/state";

interface AgreementFlags {
  a?: string;
  b?: string;
  aJudge?: string;
  bJudge?: string;
  run?: string;
  humans?: boolean;
  primary: string;
  out?: string;
  name?: string;
  show: number;
}

export function formatComparison(rows: readonly ComparisonRow[], title: string): string {
  const f = (x: number | null) => (x === null ? "   - " : x.toFixed(2).padStart(5));
  const lines = [title, "  scope  set       pairs   a+b+  a+b-  a-b+  a-b-  agree  kappa  band             undecided a/b  missing a/b  paper"];
  for (const r of rows) {
    lines.push(
      `  ${r.scope.padEnd(5)}  ${r.set.padEnd(8)} ${String(r.pairs).padStart(6)} ${String(r.bothRelevant).padStart(6)} ${String(r.onlyA).padStart(5)} ${String(r.onlyB).padStart(5)} ${String(r.neither).padStart(5)}  ${f(r.observed)}  ${f(r.kappa)}  ${r.band.padEnd(15)}  ${`${r.undecidedA}/${r.undecidedB}`.padStart(13)}  ${`${r.missingInA}/${r.missingInB}`.padStart(11)}  ${f(r.paperKappa)}`,
    );
  }
  return lines.join("\n");
}

export function formatDisagreements(disagreements: readonly Disagreement[], show: number): string {
  if (disagreements.length === 0) return "  no disagreements";
  const yesNo = (x: boolean) => (x ? "relevant" : "not relevant");
  const lines = [`  disagreements: ${disagreements.length}${disagreements.length > show ? ` (first ${show} shown; all in the table)` : ""}`];
  for (const d of disagreements.slice(0, show)) {
    lines.push(`  - ${d.id} (${d.activity}${d.set !== "all" ? `, ${d.set}` : ""})`);
    lines.push(`      A ${d.a}: ${yesNo(d.aRelevant)}: ${oneLine(d.aRationale)}`);
    lines.push(`      B ${d.b}: ${yesNo(d.bRelevant)}: ${oneLine(d.bRationale)}`);
  }
  return lines.join("\n");
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat === "" ? "(no rationale)" : flat.length > 240 ? `${flat.slice(0, 240)}...` : flat;
}

/** Where the tables go: --out, else the validate/ folder of the run directory given, else beside the first file. */
function outDirOf(flags: AgreementFlags, aSpec: string): string {
  if (flags.out) return flags.out;
  const runDir = flags.run ?? (existsSync(aSpec) && statSync(aSpec).isDirectory() ? aSpec : null);
  return runDir ? runLayout(runDir).validate.dir : dirname(aSpec);
}

async function writeComparison(outDir: string, name: string, comparison: Comparison): Promise<string[]> {
  const paths = comparisonFiles(outDir, name);
  const files = [paths.agreement, paths.agreementCsv, paths.disagreements, paths.disagreementsCsv];
  await writeRows(files[0]!, comparison.rows, COMPARISONS);
  await writeFileAtomic(files[1]!, rowsToCsv(comparison.rows, COMPARISONS));
  await writeRows(files[2]!, comparison.disagreements, DISAGREEMENTS);
  await writeFileAtomic(files[3]!, rowsToCsv(comparison.disagreements, DISAGREEMENTS));
  return files;
}

export function register(program: Command): void {
  program
    .command("agreement")
    .description(
      "agreement of two verdict sets, or of a verdict set with the human pilot labels, per activity (Table V for any judge): Cohen's kappa, confusion table, disagreements with both rationales",
    )
    .option("--a <run|file>", `first verdict set: a run directory (${RUN_FILES.verdicts}) or a verdicts .arrow file`)
    .option("--b <run|file>", "second verdict set")
    .option("--a-judge <label>", `keep only this judge's verdicts of --a (e.g. one juror of ${RUN_FILES.juryVerdicts})`)
    .option("--b-judge <label>", "keep only this judge's verdicts of --b")
    .option("--run <dir>", `run directory: its verdicts are --a, and its ${RUN_FILES.validate}/ folder holds the human labels`)
    .option("--humans", "compare --a (or --run) with the human labels of the run's pilot sheets (pilot per activity, held-out pooled)")
    .option("--primary <name>", "the annotator who labelled every row", "A")
    .option("--out <dir>", `where the tables go (default: the run's ${RUN_FILES.validate}/ folder, else beside --a)`)
    .option("--name <name>", "file name part: agreement-<name>.arrow/.csv, disagreements-<name>.arrow/.csv (default judges or humans)")
    .option("--show <n>", "disagreements printed (all are in the table)", integerAtLeast("--show", 0), 20)
    .addHelpText(
      "after",
      "\nExamples:\n" +
        "  hf-se-atlas agreement --a out/run-gemini --b out/run-ollama\n" +
        `  hf-se-atlas agreement --a out/run/${RUN_FILES.juryVerdicts} --a-judge ollama:qwen2.5:7b-instruct --b out/run/${RUN_FILES.juryVerdicts} --b-judge gemini:gemini-3.8-flash\n` +
        "  hf-se-atlas agreement --run out/run --humans",
    )
    .action(async (flags: AgreementFlags) => {
      const aSpec = flags.a ?? flags.run;
      if (!aSpec) throw new Error("give --a <run|file> (or --run <dir>)");
      if (flags.humans && flags.b) throw new Error("choose one of --b and --humans");
      if (!flags.humans && !flags.b) throw new Error("give --b <run|file>, or --humans to compare with the pilot's human labels");
      const a = loadVerdictSet(aSpec, flags.aJudge);
      const outDir = outDirOf(flags, aSpec);
      const name = flags.name ?? (flags.humans ? "humans" : "judges");
      if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`--name must be letters, digits, dots, dashes or underscores, got "${name}"`);
      let comparison: Comparison;
      let title: string;
      const notes: string[] = [];
      if (flags.humans) {
        const runDir = flags.run ?? aSpec;
        const sets = humanLabelSets(runDir, flags.primary);
        if (sets.length === 0)
          throw new Error(`no human labels in ${runLayout(runDir).validate.dir}: fill and import the pilot sheets first (hf-se-atlas pilot export/import)`);
        const parts = sets.map(({ set, labels }) =>
          compareLabels(a.labels, labels, {
            set,
            nameA: a.path,
            nameB: "the human labels",
            onlyPairsOfB: true,
            paperKappa: (scope) =>
              set === "pilot" && scope !== "all" ? PAPER_KAPPA[scope as ActivityCode] : set === "holdout" && scope === "all" ? PAPER_HELD_OUT_KAPPA : null,
          }),
        );
        comparison = { rows: parts.flatMap((p) => p.rows), disagreements: parts.flatMap((p) => p.disagreements) };
        title = `A = ${a.name} (${a.path}) vs B = human labels (${runLayout(runDir).validate.dir})`;
        notes.push(...sets.map((s) => `  ${s.set}: ${s.summary}`));
      } else {
        const b = loadVerdictSet(flags.b!, flags.bJudge);
        comparison = compareLabels(a.labels, b.labels, { nameA: a.path, nameB: b.path });
        title = `A = ${a.name} (${a.path}) vs B = ${b.name} (${b.path})`;
      }
      // Into a run's validate/ folder: owned like every write into a run directory.
      const runDir = flags.out ? null : (flags.run ?? (existsSync(aSpec) && statSync(aSpec).isDirectory() ? aSpec : null));
      const files = await (runDir ? withRunLock(runDir, () => writeComparison(outDir, name, comparison)) : writeComparison(outDir, name, comparison));
      process.stdout.write(`${formatComparison(comparison.rows, title)}\n`);
      for (const note of notes) process.stdout.write(`${note}\n`);
      process.stdout.write(`${formatDisagreements(comparison.disagreements, flags.show)}\n`);
      process.stdout.write(`  tables -> ${files.join(", ")}\n`);
    });
}
