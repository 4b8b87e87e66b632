/**
 * Append-only verdict cache (JSON Lines). A verdict is keyed by everything that could change it:
 * model id, activity, prompt hash, the judge's backend and LLM model, its temperature and seed, the
 * hash of the card content it read, the matched tasks named in the prompt, and the truncation budget.
 * Changing one activity's prompt therefore invalidates only that activity's entries; a rerun with
 * nothing changed makes no calls; an entry is never served to another backend, model, temperature
 * or seed. Keys carry a format version: entries written before backends were part of the key
 * (format 1) are never served, and an entry whose recorded backend or model differs from the request
 * is ignored even if its key matched.
 *
 * Only successful verdicts are stored: an error is worth retrying next run. Each entry is one
 * `appendFile` of one line, serialised in-process; a line cut short by a crash is skipped on read,
 * and the next append starts on a fresh line. Secrets never enter an entry (the key is not an input).
 */
import { promises as fs, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { ActivityCode } from "../taxonomy/taxonomy";
import type { RecordedVerdict } from "../run/tables";
import type { Usage } from "./candidate";
import { sha256Hex } from "./card-text";
import { errorMessage } from "../util/text";
import { ensureDirectory, WriteError } from "../util/atomic";

export const CACHE_FILE = "verdicts.jsonl";

/** Bumped when the key's inputs change, so older entries are never served. */
export const CACHE_KEY_VERSION = 2;

export interface CacheKeyParts {
  id: string;
  activity: ActivityCode;
  promptHash: string;
  judge: string;
  backend: string;
  model: string | null;
  temperature: number | null;
  seed: number | null;
  contentHash: string;
  matchedTasks: readonly string[];
  maxBodyChars: number;
}

export interface CacheEntry {
  key: string;
  id: string;
  activity: ActivityCode;
  judge: string;
  backend: string;
  model: string | null;
  temperature: number | null;
  seed: number | null;
  promptHash: string;
  contentHash: string;
  relevant: boolean;
  rationale: string;
  usage: Usage;
}

export function cacheKey(parts: CacheKeyParts): string {
  return sha256Hex(
    JSON.stringify([
      `v${CACHE_KEY_VERSION}`,
      parts.id,
      parts.activity,
      parts.promptHash,
      parts.judge,
      parts.backend,
      parts.model,
      parts.temperature,
      parts.seed,
      parts.contentHash,
      [...parts.matchedTasks],
      parts.maxBodyChars,
    ]),
  ).slice(0, 32);
}

export class VerdictCache {
  readonly path: string;
  private readonly entries = new Map<string, CacheEntry>();
  private tail: Promise<void> = Promise.resolve();
  private needsNewline = false;
  /** Lines that could not be read (e.g. cut short by a crash); reported, then ignored. */
  readonly skippedLines: number;

  private constructor(path: string, text: string) {
    this.path = path;
    let skipped = 0;
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      try {
        const entry = JSON.parse(line) as CacheEntry;
        if (typeof entry.key === "string" && typeof entry.relevant === "boolean") this.entries.set(entry.key, entry);
        else skipped++;
      } catch {
        skipped++;
      }
    }
    this.skippedLines = skipped;
    this.needsNewline = text.length > 0 && !text.endsWith("\n");
  }

  static open(dir: string): VerdictCache {
    const path = join(dir, CACHE_FILE);
    let text = "";
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw new Error(`cannot read verdict cache ${path}: ${errorMessage(error)}`, { cause: error });
    }
    return new VerdictCache(path, text);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry for `key`, provided it was written by the same backend and model (`expect`). */
  get(key: string, expect?: { backend: string; model: string | null }): CacheEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry || !expect) return entry;
    return entry.backend === expect.backend && entry.model === expect.model ? entry : undefined;
  }

  /** Store a successful verdict; errors are not cached. Resolves once the line is on disk. */
  put(key: string, contentHash: string, verdict: RecordedVerdict, usage: Usage): Promise<void> {
    if (verdict.error !== null || verdict.relevant === null) return Promise.resolve();
    const entry: CacheEntry = {
      key,
      id: verdict.id,
      activity: verdict.activity,
      judge: verdict.judge,
      backend: verdict.backend,
      model: verdict.model,
      temperature: verdict.temperature,
      seed: verdict.seed,
      promptHash: verdict.promptHash,
      contentHash,
      relevant: verdict.relevant,
      rationale: verdict.rationale,
      usage,
    };
    this.entries.set(key, entry);
    const line = `${this.needsNewline ? "\n" : ""}${JSON.stringify(entry)}\n`;
    this.needsNewline = false;
    this.tail = this.tail.then(async () => {
      await ensureDirectory(dirname(this.path), this.path);
      await fs.appendFile(this.path, line, "utf8").catch((error: unknown) => {
        throw new WriteError(this.path, error);
      });
    });
    return this.tail;
  }

  flush(): Promise<void> {
    return this.tail;
  }
}
