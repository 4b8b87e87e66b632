/**
 * The ground truth of a synthetic Hub: one row per model saying what was planted where and what
 * each pipeline stage should conclude. Written as `<corpus>/ground-truth.arrow` (Arrow IPC file,
 * one record batch per corpus shard, so a 1.53M-model Hub streams it).
 *
 * Columns: GROUND_TRUTH_SPEC below (src/evaluate reads them).
 */
import { RecordBatchFileWriter } from "apache-arrow";
import { streamToFileAtomic } from "../util/atomic";
import type { DocumentationCategory } from "../paper/reported";
import { col, defineTable, readArrowFile, rowsToTable, tableToRows, type RowOf } from "../util/arrow-table";

export const GROUND_TRUTH_FILE = "ground-truth.arrow";

export const GROUND_TRUTH_SPEC = defineTable({
  /** Model id. */
  id: col.string(),
  /** Position in the generation order (0-based). */
  index: col.int(),
  /** ISO time; near-copies are always later than their original. */
  createdAt: col.string(),
  /** What the model is for (profiles.ts ROLES): no-card, empty-card, plain, outlier-only, trap, trap-abstract, se, se-abstract, copy. */
  role: col.string(),
  /**
   * The Table VI category it must get (src/search/documentation.ts): card text or metadata matching
   * any task, outlier hits included, as in the paper.
   */
  documentation: col.string<DocumentationCategory>(),
  /** Task ids whose phrase really occurs in the card text, metadata or an abstract. */
  plantedTasks: col.strings(),
  /** Where those phrases are: card | metadata | abstract. */
  plantedSources: col.strings(),
  /**
   * One entry per planted occurrence, `taskId|source|kept or excluded|family|surface` (surface = the
   * exact characters planted; family = trap / outlier family, empty for true SE).
   */
  plantedEvidence: col.strings(),
  /** Every planted phrase is in an abstract (the paper's abstract-only matches). */
  abstractOnly: col.bool(),
  /** Planted occurrences exist and Table III removes all of them. */
  outlierOnly: col.bool(),
  /** Planted tasks with at least one occurrence Table III keeps (the candidate's tasks). */
  keptTasks: col.strings(),
  /** Activities of keptTasks (what the model is a candidate for after 5.1). */
  candidateActivities: col.strings(),
  /** Trap and outlier families planted (phrases.ts kinds), incl. `regex-code-generation`. */
  traps: col.strings(),
  /** For near-copies, the id of the original (earliest card); else null. */
  duplicateOf: col.string({ nullable: true }),
  /**
   * For near-miss cards, the id of the earlier card they were rewritten from (similar, but below the 0.99
   * threshold: step 5.2 must keep both); else null. Not a duplicate: it counts on its own. Added in v2.
   */
  nearMissOf: col.string({ nullable: true }),
  /** Whether the model truly serves SE (the LLM check's target); copies inherit their original's values. */
  isSe: col.bool(),
  /** The activities it serves SE for. */
  seActivities: col.strings(),
  /** Which of its tasks serve SE. */
  seTasks: col.strings(),
  /** isSe and not a near-copy (what the whole funnel should keep). */
  expectedFinal: col.bool(),
  /** Natural language of the card prose (en, de, fr, es, zh, ja). */
  language: col.string(),
  /** The card uses CRLF line ends. */
  crlf: col.bool(),
  /** The card has front matter the parser must reject. */
  malformedYaml: col.bool(),
  /** A markdown benchmark table is in the card. */
  reportsBenchmarks: col.bool(),
  /** An energy report is in the card. */
  reportsEnergy: col.bool(),
  /**
   * SE evidence planted that is not a task phrase, for the roles beyond the paper's search ("tag code",
   * "dataset bigcode/the-stack-smol", "name coder", "base_model:quantized:<id>"). Added in v3.
   */
  plantedSignals: col.strings(),
  /** For re-uploads, adapters and fine-tunes of a model of this Hub (se-lineage, lineage-trap): its id; else null. Added in v3. */
  lineageOf: col.string({ nullable: true }),
});
export type GroundTruthRow = RowOf<typeof GROUND_TRUTH_SPEC>;

/** Parsed `plantedEvidence` entry. */
export interface PlantedEvidence {
  taskId: string;
  source: "card" | "metadata" | "abstract";
  excluded: boolean;
  family: string | null;
  surface: string;
}

export function parseEvidence(entry: string): PlantedEvidence {
  const [taskId, source, kept, family, ...surface] = entry.split("|");
  if (!taskId || !source || !kept || surface.length === 0) throw new Error(`malformed plantedEvidence entry: ${entry}`);
  return { taskId, source: source as PlantedEvidence["source"], excluded: kept === "excluded", family: family || null, surface: surface.join("|") };
}

/** Columns added after generator v1, and what a ground truth written before them reads there. */
const LATER_COLUMNS = { nearMissOf: null, plantedSignals: [], lineageOf: null } as const;

/** Read a whole ground-truth table (fine for the demo corpus; a paper-sized one is ~1.5M rows). */
export function readGroundTruth(path: string): GroundTruthRow[] {
  const table = readArrowFile(path);
  const missing = (Object.keys(LATER_COLUMNS) as Array<keyof typeof LATER_COLUMNS>).filter((name) => table.getChild(name) === null);
  if (missing.length === 0) return tableToRows(table, GROUND_TRUTH_SPEC);
  const spec = GROUND_TRUTH_SPEC.filter((c) => !(missing as readonly string[]).includes(c.name));
  return tableToRows(table, spec).map((row) => ({ ...Object.fromEntries(missing.map((name) => [name, LATER_COLUMNS[name]])), ...row }) as GroundTruthRow);
}

export interface GroundTruthWriter {
  /** Append rows; they are written as one record batch per call. */
  addBatch(rows: readonly GroundTruthRow[]): void;
  close(): Promise<void>;
  /** Give up: the temp file is removed and nothing is renamed into place (generation failed). */
  abort(): Promise<void>;
}

/** Stream ground-truth batches into one Arrow IPC file, renamed into place atomically on close. */
export function openGroundTruthWriter(path: string): GroundTruthWriter {
  const writer = new RecordBatchFileWriter();
  const readable = writer.toNodeStream();
  let giveUp: (reason: Error) => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    giveUp = reject;
  });
  aborted.catch(() => undefined);
  const done = streamToFileAtomic(path, async (out) => {
    readable.pipe(out, { end: false });
    await Promise.race([
      new Promise<void>((resolve, reject) => {
        readable.once("end", resolve);
        readable.once("error", reject);
      }),
      aborted,
    ]);
  });
  let rowsWritten = 0;
  return {
    addBatch(rows) {
      if (rows.length === 0) return;
      // Batch by batch: writing a whole Table would finish (close) the file writer.
      for (const batch of rowsToTable(rows, GROUND_TRUTH_SPEC).batches) writer.write(batch);
      rowsWritten += rows.length;
    },
    async close() {
      if (rowsWritten === 0) throw new Error("ground truth has no rows");
      writer.finish(); // writes the footer and ends the byte stream
      await done;
    },
    async abort() {
      giveUp(new Error(`ground truth ${path} aborted`));
      await done.catch(() => undefined);
    },
  };
}
