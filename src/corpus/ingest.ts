/**
 * Ingest a JSON Lines dump of Hub API model objects into a corpus directory.
 *
 * Each line is what `GET /api/models/{id}` returns (`id`/`modelId`, `author`, `createdAt`,
 * `lastModified`, `downloads`, `likes`, `pipeline_tag`, `library_name`, `tags`, `cardData`,
 * `siblings`, `gated`, ...) plus fields our collector adds:
 *   - `readme`: the README text (string), or null when the repository has no README;
 *   - `readmeStatus` (optional): "gated" or "failed" when the README exists but could not be read,
 *     with an optional `readmeError` message that is kept as a `collect` problem.
 *
 * Card status decisions:
 *   - `readme` a string            -> parsed by parseCard: "present" or "empty".
 *   - `readmeStatus` gated/failed  -> that status (the README exists but was not read).
 *   - `readme` null or absent      -> "none" (no README text in the dump).
 *   When `siblings` lists README.md the repository does have one that the dump did not carry: a
 *   `readme-not-in-dump` problem makes that visible, and a gated model is recorded as "gated"
 *   (unreadable) rather than as a model without a card.
 * Metadata: the README's own front matter wins (it is what the study parsed); the API's `cardData`
 * fills `cardMeta` only when the README has no readable front matter (none, invalid, or no README).
 *
 * Bad input never stops a run: a line that is blank, not JSON, not an object, or has no id (or an id
 * with a control character or invalid UTF-8) goes to `<corpus>/ingest-problems.jsonl` (line number,
 * id when recoverable, reason); a repeated id keeps the first record and reports the others there
 * too. Wrong-typed or impossible fields on a line with an id (dates that do not exist, counts that
 * are not whole non-negative numbers, tags with control characters, invalid UTF-8 elsewhere on the
 * line) still give a record, with an `ingest` problem naming the field. Line numbers count `\n`.
 * A dump that cannot be read as a whole (see ./dump-input.ts) is an error and changes nothing.
 */
import { promises as fs } from "node:fs";
import { basename, join } from "node:path";
import { streamToFileAtomic } from "../util/atomic";
import { stageDirectory } from "../util/staged-dir";
import { detectCompression, readDumpLines, type DumpLine } from "./dump-input";
import type { Progress } from "../util/progress";
import { extractArxivIds, metadataFromMapping, parseCard, type UnreadableCardStatus } from "./card";
import { authorOf, type ModelRecord, type Problem } from "./record";
import { createdUpTo, type SnapshotCutoff } from "./snapshot";
import { lockCorpus, openCorpusWriter, type CorpusManifest } from "./store";
import { controlCharacterIn, impossibleDate, nestsDeeperThan } from "./field-checks";
import { MAX_YAML_NESTING } from "./yaml-limits";
import { errorMessage } from "../util/text";

export const INGEST_PROBLEMS_FILE = "ingest-problems.jsonl";

export interface HubApiConversion {
  record?: ModelRecord;
  /** Why no record could be built (only when `record` is absent). */
  problem?: string;
}

/**
 * Turn one Hub API model object (plus the optional `readme` fields above) into a ModelRecord.
 * `where` (e.g. "line 12") prefixes the reason when no record can be built.
 */
export function hubApiToRecord(json: unknown, where: string): HubApiConversion {
  try {
    return convertHubApi(json, where);
  } catch (error) {
    // Nothing in one model's JSON may end an ingest or a crawl: it becomes that line's problem.
    const id =
      typeof json === "object" && json !== null ? firstNonEmptyString((json as Record<string, unknown>).id, (json as Record<string, unknown>).modelId) : null;
    return { problem: `${where}: ${id === null ? "" : `${JSON.stringify(id)}: `}no record could be built: ${errorMessage(error).split("\n")[0]}` };
  }
}

function convertHubApi(json: unknown, where: string): HubApiConversion {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { problem: `${where}: expected a JSON object, got ${Array.isArray(json) ? "a list" : json === null ? "null" : typeof json}` };
  }
  const api = json as Record<string, unknown>;
  const id = firstNonEmptyString(api.id, api.modelId);
  if (id === null) return { problem: `${where}: no model id (neither "id" nor "modelId" is a non-empty string)` };
  const idControl = controlCharacterIn(id);
  if (idControl) return { problem: `${where}: model id ${JSON.stringify(id)} contains a control character (${idControl}); refused` };

  const problems: Problem[] = [];
  const fieldProblem = (field: string, expected: string, value: unknown) =>
    problems.push({
      stage: "ingest",
      code: "field-type",
      message: `${id}: field "${field}" should be ${expected}, got ${preview(value)}; stored as null/empty`,
    });
  const optionalString = (field: string): string | null => {
    const value = api[field];
    if (value === undefined || value === null) return null;
    if (typeof value === "string") return value;
    fieldProblem(field, "a string", value);
    return null;
  };
  const optionalCount = (field: string): number | null => {
    const value = api[field];
    if (value === undefined || value === null) return null;
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return value;
    fieldProblem(field, "a non-negative integer", value);
    return null;
  };
  const optionalDate = (field: string): string | null => {
    const value = optionalString(field);
    const impossible = value === null ? null : impossibleDate(value);
    if (impossible === null) return value;
    problems.push({
      stage: "ingest",
      code: "field-value",
      message: `${id}: field "${field}" is not a real date (${impossible}): ${preview(value)}; stored as null`,
    });
    return null;
  };

  const tags = stringListField(api.tags, "tags", fieldProblem).filter((tag) => {
    const control = controlCharacterIn(tag);
    if (control)
      problems.push({ stage: "ingest", code: "field-value", message: `${id}: tag ${JSON.stringify(tag)} contains a control character (${control}); dropped` });
    return control === null;
  });
  const author = optionalString("author") ?? authorOf(id);
  const readme = api.readme;
  const readmeStatus = api.readmeStatus;
  let card;
  if (typeof readme === "string") {
    card = parseCard(id, readme, { tags });
  } else {
    let status: UnreadableCardStatus = "none";
    if (readmeStatus === "gated" || readmeStatus === "failed") {
      status = readmeStatus;
      const reason = typeof api.readmeError === "string" && api.readmeError !== "" ? api.readmeError : `README not readable (${readmeStatus})`;
      problems.push({ stage: "collect", code: `readme-${readmeStatus}`, message: `${id}: ${reason}` });
    } else if (readmeStatus !== undefined && readmeStatus !== null && readmeStatus !== "none") {
      fieldProblem("readmeStatus", '"gated", "failed" or "none"', readmeStatus);
    }
    if (readme !== undefined && readme !== null) fieldProblem("readme", "a string or null", readme);
    if ((readme === undefined || readme === null) && status === "none" && siblingsListReadme(api.siblings)) {
      // The repository has a README the dump did not carry. On a gated repository that is the gate,
      // so the card counts as unreadable rather than missing; elsewhere it stays "none", made visible.
      const isGated = api.gated !== undefined && api.gated !== false && api.gated !== null;
      if (isGated) status = "gated";
      const what = readme === null ? 'a null "readme"' : 'no "readme" field';
      problems.push({
        stage: "ingest",
        code: "readme-not-in-dump",
        message: `${id}: siblings list README.md but the dump has ${what}${isGated ? ` (gated: ${preview(api.gated)}); recorded as gated` : "; recorded as no card"}`,
      });
    }
    card = parseCard(id, null, { status, tags });
  }
  problems.push(...card.problems);

  let cardMeta = card.cardMeta;
  if (cardMeta === null && api.cardData !== undefined && api.cardData !== null) {
    if (nestsDeeperThan(api.cardData, MAX_YAML_NESTING)) {
      problems.push({ stage: "ingest", code: "field-value", message: `${id}: field "cardData" nests deeper than ${MAX_YAML_NESTING} levels; ignored` });
    } else if (typeof api.cardData === "object" && !Array.isArray(api.cardData)) {
      cardMeta = metadataFromMapping(id, api.cardData as Record<string, unknown>, problems);
    } else {
      fieldProblem("cardData", "an object", api.cardData);
    }
  }
  const arxivIds = cardMeta === card.cardMeta ? card.arxivIds : extractArxivIds([...tags, ...cardMeta!.tags], card.cardText);

  return {
    record: {
      id,
      author,
      createdAt: optionalDate("createdAt"),
      lastModified: optionalDate("lastModified"),
      downloads: optionalCount("downloads"),
      likes: optionalCount("likes"),
      pipelineTag: optionalString("pipeline_tag"),
      libraryName: optionalString("library_name"),
      tags,
      cardStatus: card.cardStatus,
      cardText: card.cardText,
      cardBody: card.cardBody,
      cardMeta,
      arxivIds,
      papers: [],
      problems,
    },
  };
}

function firstNonEmptyString(...values: unknown[]): string | null {
  for (const value of values) if (typeof value === "string" && value.trim() !== "") return value;
  return null;
}

function stringListField(value: unknown, field: string, report: (field: string, expected: string, value: unknown) => void): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    report(field, "a list of strings", value);
    return [];
  }
  const strings = value.filter((v): v is string => typeof v === "string");
  if (strings.length !== value.length)
    report(
      field,
      "a list of strings",
      value.filter((v) => typeof v !== "string"),
    );
  return strings;
}

function siblingsListReadme(siblings: unknown): boolean {
  return Array.isArray(siblings) && siblings.some((s) => typeof s === "object" && s !== null && (s as { rfilename?: unknown }).rfilename === "README.md");
}

function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Array.isArray(value) ? "[...]" : "{...}"; // nested too deep (or cyclic) to print
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** One line that did not become a record. */
export interface IngestProblemLine {
  line: number;
  id: string | null;
  reason: string;
}

export interface IngestOptions {
  shardSize?: number;
  synthetic?: boolean;
  createdBy?: string;
  progress?: Progress;
  /** Keep only models created up to this cut-off (undated models are kept and counted). */
  until?: SnapshotCutoff | null;
}

export interface IngestReport {
  /** Lines read (including blank and bad ones). */
  lines: number;
  /** Records written to the corpus. */
  records: number;
  /** Lines that gave no record (bad lines and repeated ids); each one is in `problemsPath`. */
  problemLines: number;
  /** Of `problemLines`, those skipped because their id was already loaded. */
  duplicates: number;
  /** Records that carry at least one problem (they are in the corpus). */
  recordsWithProblems: number;
  /**
   * Always null: an input that stops being readable part-way (e.g. a cut-off .gz) now fails the whole
   * ingest with a DumpInputError and the old corpus stays. Kept so manifests keep their shape.
   */
  inputError: string | null;
  problemsPath: string;
  manifest: CorpusManifest;
  /** With `until`: models created after the cut-off (left out), and undated models kept. */
  afterUntil: number;
  undatedKept: number;
}

/**
 * Stream a JSON Lines dump (optionally gzipped, told by its magic bytes) into `corpusDir`, replacing
 * any corpus there. The new corpus is written into a temporary sibling directory and swapped in only
 * when the whole dump was read: an input that cannot be read (empty, UTF-16, binary, a cut-off .gz)
 * throws a {@link DumpInputError} and leaves the old corpus exactly as it was. Files of the old
 * directory that are not part of a corpus (a user's notes, a run folder) are kept. Memory holds one
 * shard plus the set of ids seen.
 */
export async function ingestJsonl(inputPath: string, corpusDir: string, options: IngestOptions = {}): Promise<IngestReport> {
  const stat = await fs.stat(inputPath).catch((error: Error) => {
    throw new Error(`cannot read dump ${inputPath}: ${error.message}`);
  });
  if (!stat.isFile()) throw new Error(`cannot read dump ${inputPath}: not a file`);
  await detectCompression(inputPath); // an empty file or a format ingest does not read fails before anything is written
  // One writer per corpus directory: a second ingest (or a crawl) into it fails at once, naming this one.
  // The lock file is not part of a corpus, so the swap carries it into the new directory, where it is released.
  const lock = lockCorpus(corpusDir);
  let staged: Awaited<ReturnType<typeof stageDirectory>>;
  try {
    staged = await stageDirectory(corpusDir, (name) => !isCorpusOwnedFile(name));
  } catch (error) {
    lock.release();
    options.progress?.stop();
    throw error;
  }
  try {
    const report = await ingestInto(inputPath, staged.dir, options);
    await staged.commit();
    return { ...report, problemsPath: join(corpusDir, INGEST_PROBLEMS_FILE) };
  } catch (error) {
    await staged.discard();
    throw error;
  } finally {
    lock.release();
    options.progress?.stop();
  }
}

/**
 * Files that describe a corpus (replaced when a new corpus is ingested over it); anything else in
 * the directory is the user's and is carried over.
 */
export function isCorpusOwnedFile(name: string): boolean {
  return /^(manifest\.json|models-\d{5,}\.arrow|ingest-problems\.jsonl|collect-checkpoint\.json|collect-report\.json|ground-truth\.arrow|demo\.json|\..+\.tmp-\d+-[0-9a-f]{8})$/.test(
    name,
  );
}

async function ingestInto(inputPath: string, corpusDir: string, options: IngestOptions): Promise<IngestReport> {
  const writer = await openCorpusWriter(corpusDir, {
    shardSize: options.shardSize,
    synthetic: options.synthetic ?? false,
    createdBy: options.createdBy ?? `hf-se-atlas ingest ${basename(inputPath)}`,
  });
  const problemsPath = join(corpusDir, INGEST_PROBLEMS_FILE);
  const seen = new Set<string>();
  let lines = 0;
  let problemLines = 0;
  let duplicates = 0;
  let recordsWithProblems = 0;
  let afterUntil = 0;
  let undatedKept = 0;

  await streamToFileAtomic(problemsPath, async (out) => {
    const report = (entry: IngestProblemLine) => {
      problemLines++;
      out.write(`${JSON.stringify(entry)}\n`);
    };
    const handleLine = async ({ number, text: line, invalidUtf8At, unterminated }: DumpLine) => {
      lines = number;
      options.progress?.tick();
      const badBytes = invalidUtf8At === null ? "" : `invalid UTF-8 at byte ${invalidUtf8At} of the line`;
      if (line.trim() === "") return report({ line: number, id: null, reason: badBytes || "blank line" });
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (error) {
        const reason = `invalid JSON: ${errorMessage(error)}${badBytes ? ` (and ${badBytes})` : ""}`;
        // Whether the text ends with a newline tells a cut-off last line from a merely invalid one.
        return report({ line: number, id: recoverId(line), reason: unterminated ? `truncated last line (no newline at end of file): ${reason}` : reason });
      }
      const { record, problem } = hubApiToRecord(json, `line ${number}`);
      if (!record) return report({ line: number, id: null, reason: badBytes ? `${problem!} (${badBytes})` : problem! });
      if (badBytes) {
        // Bytes in the id would make a different model; elsewhere the record is kept and the loss recorded.
        if (record.id.includes("\uFFFD")) return report({ line: number, id: record.id, reason: `${badBytes}, inside the model id; refused` });
        record.problems.push({
          stage: "ingest",
          code: "invalid-utf8",
          message: `${record.id}: line ${number} has ${badBytes}; the invalid bytes were replaced by U+FFFD`,
        });
      }
      if (seen.has(record.id)) {
        duplicates++;
        return report({ line: number, id: record.id, reason: `duplicate id ${record.id}: the first occurrence was kept` });
      }
      seen.add(record.id);
      if (options.until) {
        const kept = createdUpTo(record.createdAt, options.until);
        if (kept === false) return void afterUntil++;
        if (kept === null) undatedKept++;
      }
      if (record.problems.length > 0) recordsWithProblems++;
      await writer.add(record);
    };
    for await (const line of readDumpLines(inputPath)) await handleLine(line);
  });

  const manifest = await writer.close({
    ingest: {
      source: basename(inputPath),
      lines,
      problemLines,
      duplicates,
      recordsWithProblems,
      inputError: null,
      problemsFile: INGEST_PROBLEMS_FILE,
    },
    ...(options.until ? { snapshot: { until: options.until.iso, afterUntil, undatedKept } } : {}),
  });
  return { lines, records: manifest.records, problemLines, duplicates, recordsWithProblems, inputError: null, problemsPath, manifest, afterUntil, undatedKept };
}

/** Best-effort model id from a line that is not valid JSON (e.g. cut off mid-object). */
export function recoverId(line: string): string | null {
  const match = /"(?:id|modelId)"\s*:\s*"((?:[^"\\]|\\.)+)"/.exec(line);
  if (!match) return null;
  try {
    return JSON.parse(`"${match[1]}"`) as string;
  } catch {
    return match[1]!;
  }
}
