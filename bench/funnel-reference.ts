/**
 * Side-by-side check of the funnel's search and Table III stage against the NLTK reference
 * (bench/reference/search.py, Debian python3): the same searchable fields go to both, and the
 * occurrences (model, task, field, character offset, excluding rule) are compared one by one.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readCorpusBatches } from "../src/corpus/store";
import { hasCodeTag } from "../src/filter/outliers";
import { runFunnel } from "../src/pipeline/funnel";
import { searchFieldsOf } from "../src/search/fields";
import { readRunTable } from "../src/run/files";
import { defaultTaxonomyPath } from "../src/taxonomy/taxonomy";
import { referenceScript } from "./reference-dir";

export interface SearchReferenceFigures {
  models: number;
  oursSeconds: number;
  referenceSeconds: number;
  occurrences: number;
  identical: boolean;
  detail: string;
}

/** Run our funnel and the NLTK reference over `corpusDir` (default lemma policy, task names only). */
export async function benchSearchReference(corpusDir: string, workDir: string): Promise<SearchReferenceFigures> {
  mkdirSync(workDir, { recursive: true });
  const runDir = join(workDir, "run");
  let started = process.hrtime.bigint();
  const result = await runFunnel({ corpusDir, outDir: runDir, workers: 1, progress: "silent" });
  const oursSeconds = result.timings.searchSeconds ?? Number(process.hrtime.bigint() - started) / 1e9;

  const fieldsPath = join(workDir, "fields.jsonl");
  const lines: string[] = [];
  for await (const batch of readCorpusBatches(corpusDir)) {
    for (const record of batch) {
      // Card units are rendered Markdown: the reference gets each unit's body offsets and reads the
      // Table III context from the body, as the product does.
      const fields = searchFieldsOf(record).map((f) => ({
        source: f.source,
        field: f.field,
        text: f.text,
        offsets: f.origin ? Array.from(f.origin.unit.offsets) : null,
      }));
      lines.push(JSON.stringify({ id: record.id, hasCodeTag: hasCodeTag(record), body: record.cardBody ?? "", fields }));
    }
  }
  writeFileSync(fieldsPath, lines.join("\n") + "\n");
  const output = join(workDir, "nltk.json");
  const script = referenceScript("search.py");
  started = process.hrtime.bigint();
  execFileSync("/usr/bin/python3", ["-W", "ignore", script, fieldsPath, defaultTaxonomyPath(), output], { stdio: ["ignore", "inherit", "inherit"] });
  const referenceSeconds = Number(process.hrtime.bigint() - started) / 1e9;

  const key = (o: { modelId: string; taskId: string; field: string; charStart: number; excludedBy: string | null }) =>
    `${o.modelId} ${o.taskId} ${o.field} @${o.charStart} -> ${o.excludedBy ?? "kept"}`;
  const ours = new Set(readRunTable(runDir, "occurrences").map(key));
  const theirs = new Set(
    (JSON.parse(readFileSync(output, "utf8")) as { occurrences: Array<[string, string, string, number, string | null]> }).occurrences.map(
      ([modelId, taskId, field, charStart, excludedBy]) => key({ modelId, taskId, field, charStart, excludedBy }),
    ),
  );
  const onlyOurs = [...ours].filter((k) => !theirs.has(k));
  const onlyTheirs = [...theirs].filter((k) => !ours.has(k));
  const sample = [...onlyOurs.slice(0, 3).map((k) => `ours only: ${k}`), ...onlyTheirs.slice(0, 3).map((k) => `NLTK only: ${k}`)];
  return {
    models: result.counts.models,
    oursSeconds,
    referenceSeconds,
    occurrences: ours.size,
    identical: onlyOurs.length === 0 && onlyTheirs.length === 0,
    detail: `occurrences ${ours.size} vs ${theirs.size}; only ours ${onlyOurs.length}, only NLTK ${onlyTheirs.length}${sample.length ? `; e.g. ${sample.join(" | ")}` : ""}`,
  };
}
