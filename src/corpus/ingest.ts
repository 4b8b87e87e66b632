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
 * Bad input never stops a run: a line that is blank, not JSON, not an object, or has no id goes to
 * `<corpus>/ingest-problems.jsonl` (line number, id when recoverable, reason); a repeated id keeps
 * the first record and reports the others there too. Wrong-typed fields on a line with an id still
 * give a record, with an `ingest` problem naming the field.
 */
import { createReadStream, promises as fs } from "node:fs";
import { basename, join } from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { streamToFileAtomic } from "../util/atomic";
import type { Progress } from "../util/progress";
import { extractArxivIds, metadataFromMapping, parseCard, type UnreadableCardStatus } from "./card";
import { authorOf, type ModelRecord, type Problem } from "./record";
import { lockCorpus, openCorpusWriter, type CorpusManifest } from "./store";
import { removeLeftovers } from "../util/leftovers";
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
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    return { problem: `${where}: expected a JSON object, got ${Array.isArray(json) ? "a list" : json === null ? "null" : typeof json}` };
  }
  const api = json as Record<string, unknown>;
  const id = firstNonEmptyString(api.id, api.modelId);
  if (id === null) return { problem: `${where}: no model id (neither "id" nor "modelId" is a non-empty string)` };

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
    if (typeof value === "number" && Number.isFinite(value) && value >= 0) return value;
    fieldProblem(field, "a non-negative number", value);
    return null;
  };

  const tags = stringListField(api.tags, "tags", fieldProblem);
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
    if (typeof api.cardData === "object" && !Array.isArray(api.cardData)) {
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
      createdAt: optionalString("createdAt"),
      lastModified: optionalString("lastModified"),
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
  if (strings.length !== value.length) report(field, "a list of strings", value.filter((v) => typeof v !== "string"));
  return strings;
}

function siblingsListReadme(siblings: unknown): boolean {
  return Array.isArray(siblings) && siblings.some((s) => typeof s === "object" && s !== null && (s as { rfilename?: unknown }).rfilename === "README.md");
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
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
   * Set when the input stopped being readable part-way (e.g. a cut-off .gz): the lines before it
   * were loaded, and the reason is also the last entry of the problems file.
   */
  inputError: string | null;
  problemsPath: string;
  manifest: CorpusManifest;
}

/**
 * Stream a JSON Lines dump (optionally gzipped, `.gz`) into `corpusDir` (replacing any corpus there). Memory holds one shard
 * plus the set of ids seen. Throws only when the input cannot be read at all.
 */
export async function ingestJsonl(inputPath: string, corpusDir: string, options: IngestOptions = {}): Promise<IngestReport> {
  const stat = await fs.stat(inputPath).catch((error: Error) => {
    throw new Error(`cannot read dump ${inputPath}: ${error.message}`);
  });
  if (!stat.isFile()) throw new Error(`cannot read dump ${inputPath}: not a file`);
  // One writer per corpus directory: a second ingest (or a crawl) into it fails at once, naming this one.
  const lock = lockCorpus(corpusDir);
  try {
    return await ingestOwned(inputPath, corpusDir, options);
  } finally {
    lock.release();
  }
}

async function ingestOwned(inputPath: string, corpusDir: string, options: IngestOptions): Promise<IngestReport> {
  removeLeftovers(corpusDir, 0);
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
  let inputError: string | null = null;

  await streamToFileAtomic(problemsPath, async (out) => {
    const report = (entry: IngestProblemLine) => {
      problemLines++;
      out.write(`${JSON.stringify(entry)}\n`);
    };
    // An invalid line is held back one step: only at the end do we know it was the (cut-off) last line.
    let heldInvalid: IngestProblemLine | null = null;
    const releaseHeld = (cutOff: boolean) => {
      if (!heldInvalid) return;
      if (cutOff) heldInvalid.reason = `truncated last line (no newline at end of file): ${heldInvalid.reason}`;
      report(heldInvalid);
      heldInvalid = null;
    };
    const handleLine = async (raw: string) => {
      releaseHeld(false);
      lines++;
      options.progress?.tick();
      const line = lines === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (line.trim() === "") return report({ line: lines, id: null, reason: "blank line" });
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (error) {
        heldInvalid = { line: lines, id: recoverId(line), reason: `invalid JSON: ${errorMessage(error)}` };
        return;
      }
      const { record, problem } = hubApiToRecord(json, `line ${lines}`);
      if (!record) return report({ line: lines, id: null, reason: problem! });
      if (seen.has(record.id)) {
        duplicates++;
        return report({ line: lines, id: record.id, reason: `duplicate id ${record.id}: the first occurrence was kept` });
      }
      seen.add(record.id);
      if (record.problems.length > 0) recordsWithProblems++;
      await writer.add(record);
    };

    const source = openText(inputPath);
    // Whether the text ends with a newline tells a cut-off last line from a merely invalid one.
    let lastChar = "\n";
    let readError: Error | null = null;
    source.on("data", (chunk: string) => {
      if (chunk.length > 0) lastChar = chunk[chunk.length - 1]!;
    });
    source.on("error", (error: Error) => (readError ??= error));
    try {
      for await (const raw of createInterface({ input: source, crlfDelay: Infinity })) await handleLine(raw);
    } catch (error) {
      // A damaged input (e.g. a cut-off .gz) ends the reading, not the run: keep what was read.
      if (readError === null) throw error;
      releaseHeld(false);
      inputError = `input could not be read past line ${lines}: ${(readError as Error).message}`;
      out.write(`${JSON.stringify({ line: lines + 1, id: null, reason: inputError })}\n`);
      return;
    }
    releaseHeld(lastChar !== "\n");
  });
  options.progress?.stop();

  const manifest = await writer.close({
    ingest: {
      source: basename(inputPath),
      lines,
      problemLines,
      duplicates,
      recordsWithProblems,
      inputError,
      problemsFile: INGEST_PROBLEMS_FILE,
    },
  });
  return { lines, records: manifest.records, problemLines, duplicates, recordsWithProblems, inputError, problemsPath, manifest };
}

/** The dump as a UTF-8 text stream; `.gz` files are decompressed on the fly. */
function openText(path: string): Readable {
  const file = createReadStream(path);
  const text = path.endsWith(".gz") ? file.pipe(createGunzip()) : file;
  file.on("error", (error) => text.destroy(error));
  text.setEncoding("utf8");
  return text;
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
