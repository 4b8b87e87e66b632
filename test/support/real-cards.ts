/**
 * Loader for the labelled set of realistic model cards in `test/fixtures/real-cards/`
 * (format: test/fixtures/real-cards/README.md).
 *
 * - `checkRealCards(dir)` reads every `index-*.jsonl` plus the card files and lists every way the set
 *   breaks the format (empty list = well-formed). It never throws on bad content.
 * - `loadRealCards(dir)` returns the typed fixtures and throws when the set is not well-formed.
 * - `goldLabels(fixtures)` gives one (id, activity, relevant, reason) row per card and activity.
 * - `toHubApiObject` / `writeHubDump` turn the set into the JSON Lines dump `hf-se-atlas ingest` reads.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ACTIVITY_CODES, type ActivityCode } from "../../src/taxonomy/taxonomy";

export const REAL_CARDS_DIR = join(__dirname, "..", "fixtures", "real-cards");
export const REAL_CARDS_SUBDIR = "cards";

/** Index files are `index-<letter>.jsonl`; the letter is the card-file prefix its owner uses. */
const INDEX_FILE = /^index-([a-z])\.jsonl$/;
/** Card files are `<letter>-<three-digit number>-<slug>.md`; the slug may keep the dots of a model name (`1.3b`). */
const CARD_FILE = /^([a-z])-(\d{3})-[a-z0-9][a-z0-9.-]*\.md$/;

const STRUCTURE_KEY = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;

export type Split = "dev" | "holdout";
export type Gated = false | "auto" | "manual";

/** One line of an index file: the Hub API fields of the model plus its gold labels. */
export interface RealCardIndexEntry {
  /** Card file name inside `cards/` (an index may also write `cards/<name>`; fixtures carry the bare name). */
  file: string;
  /** "owner/name". */
  id: string;
  author: string;
  createdAt: string;
  lastModified: string;
  downloads: number;
  likes: number;
  pipeline_tag: string | null;
  library_name: string | null;
  /** Tags as the Hub API returns them (the card's own plus Hub-derived ones). */
  tags: string[];
  gated: Gated;
  /** Which real-card structure the card reproduces (README, "Structures"). */
  structure: string;
  /** "holdout" exactly when the card number is divisible by 3. */
  split: Split;
  /** Activities the model is genuinely relevant to (possibly none). */
  se: ActivityCode[];
  /** One line: why, by the labelling criteria. */
  reason: string;
  /** Tempting matches that are NOT relevant: activity -> why not. */
  not?: Partial<Record<ActivityCode, string>>;
}

export interface RealCardFixture extends RealCardIndexEntry {
  /** The index file the entry came from, e.g. "index-a.jsonl". */
  indexFile: string;
  /** 1-based line of the entry in its index file. */
  line: number;
  /** Absolute path of the card file. */
  path: string;
  /** The README text exactly as stored. */
  readme: string;
}

export interface GoldLabel {
  id: string;
  activity: ActivityCode;
  relevant: boolean;
  reason: string;
  /** True when the card has a tempting-but-wrong match for this activity (an entry in `not`). */
  tempting: boolean;
  split: Split;
  structure: string;
}

export interface RealCardsCheck {
  fixtures: RealCardFixture[];
  /** One human-readable sentence per problem found; empty when the set is well-formed. */
  problems: string[];
  /** Index files read, e.g. ["index-a.jsonl", "index-b.jsonl"]. */
  indexFiles: string[];
}

const isActivity = (value: unknown): value is ActivityCode => typeof value === "string" && (ACTIVITY_CODES as readonly string[]).includes(value);
const isIsoDate = (value: unknown): value is string =>
  typeof value === "string" && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(value) && !Number.isNaN(Date.parse(value));
const isCount = (value: unknown): value is number => typeof value === "number" && Number.isInteger(value) && value >= 0;
const isNullableString = (value: unknown): value is string | null => value === null || (typeof value === "string" && value !== "");

/** The card file name an index entry refers to: `cards/a-001-x.md` and `a-001-x.md` both mean `a-001-x.md`. */
export function cardFileName(file: string): string {
  return file.startsWith(`${REAL_CARDS_SUBDIR}/`) ? file.slice(REAL_CARDS_SUBDIR.length + 1) : file;
}

/** Card number from a card file name (`a-012-x.md` -> 12), or null when the name does not follow the pattern. */
export function cardNumber(file: string): number | null {
  const match = CARD_FILE.exec(file);
  return match ? Number(match[2]) : null;
}

/** The split a card file must be in: holdout when its number is divisible by 3. */
export function expectedSplit(file: string): Split | null {
  const n = cardNumber(file);
  return n === null ? null : n % 3 === 0 ? "holdout" : "dev";
}

/** Validate one parsed index line; returns the problems (empty when the entry is well-formed). */
export function entryProblems(entry: unknown, where: string, prefix: string): string[] {
  if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return [`${where}: not a JSON object`];
  const e = entry as Record<string, unknown>;
  const problems: string[] = [];
  const bad = (field: string, expected: string) => problems.push(`${where}: "${field}" should be ${expected}, got ${JSON.stringify(e[field]) ?? "nothing"}`);
  const allowed = new Set([
    "file",
    "id",
    "author",
    "createdAt",
    "lastModified",
    "downloads",
    "likes",
    "pipeline_tag",
    "library_name",
    "tags",
    "gated",
    "structure",
    "split",
    "se",
    "reason",
    "not",
  ]);
  for (const key of Object.keys(e)) if (!allowed.has(key)) problems.push(`${where}: unknown key "${key}"`);

  const file = typeof e.file === "string" ? cardFileName(e.file) : null;
  if (file === null || !CARD_FILE.test(file)) bad("file", `a card file name like "${prefix}-001-some-slug.md"`);
  else if (!file.startsWith(`${prefix}-`)) problems.push(`${where}: card file ${file} does not carry this index's prefix "${prefix}-"`);
  if (typeof e.id !== "string" || !MODEL_ID.test(e.id)) bad("id", 'a model id "owner/name"');
  if (typeof e.author !== "string" || (typeof e.id === "string" && e.id.split("/")[0] !== e.author)) bad("author", "the owner part of the id");
  if (!isIsoDate(e.createdAt)) bad("createdAt", "an ISO timestamp like 2024-05-01T10:00:00.000Z");
  if (!isIsoDate(e.lastModified)) bad("lastModified", "an ISO timestamp");
  else if (isIsoDate(e.createdAt) && Date.parse(e.lastModified) < Date.parse(e.createdAt)) problems.push(`${where}: lastModified is before createdAt`);
  if (!isCount(e.downloads)) bad("downloads", "a non-negative integer");
  if (!isCount(e.likes)) bad("likes", "a non-negative integer");
  if (!isNullableString(e.pipeline_tag)) bad("pipeline_tag", "a string or null");
  if (!isNullableString(e.library_name)) bad("library_name", "a string or null");
  if (!Array.isArray(e.tags) || !e.tags.every((t) => typeof t === "string" && t !== "")) bad("tags", "a list of non-empty strings");
  else if (new Set(e.tags).size !== e.tags.length) problems.push(`${where}: repeated tag in "tags"`);
  if (e.gated !== false && e.gated !== "auto" && e.gated !== "manual") bad("gated", 'false, "auto" or "manual"');
  if (typeof e.structure !== "string" || !STRUCTURE_KEY.test(e.structure)) bad("structure", "a kebab-case structure key");
  if (e.split !== "dev" && e.split !== "holdout") bad("split", '"dev" or "holdout"');
  else if (file !== null && expectedSplit(file) !== null && expectedSplit(file) !== e.split) {
    problems.push(`${where}: ${file} is numbered ${cardNumber(file)}, so its split is "${expectedSplit(file)}", not "${e.split}"`);
  }
  if (!Array.isArray(e.se) || !e.se.every(isActivity)) bad("se", `a list of activity codes (${ACTIVITY_CODES.join(", ")})`);
  else if (new Set(e.se).size !== e.se.length) problems.push(`${where}: repeated activity in "se"`);
  if (typeof e.reason !== "string" || e.reason.trim() === "" || e.reason.includes("\n")) bad("reason", "one non-empty line");
  if (e.not !== undefined) {
    if (typeof e.not !== "object" || e.not === null || Array.isArray(e.not)) bad("not", "an object mapping activity codes to reasons");
    else {
      for (const [code, why] of Object.entries(e.not)) {
        if (!isActivity(code)) problems.push(`${where}: "not" key "${code}" is not an activity code`);
        else if (Array.isArray(e.se) && e.se.includes(code)) problems.push(`${where}: ${code} is both in "se" and in "not"`);
        if (typeof why !== "string" || why.trim() === "" || why.includes("\n")) problems.push(`${where}: "not.${code}" should be one non-empty line`);
      }
    }
  }
  return problems;
}

/** Read and validate the whole set. Missing b/c index files are fine: any `index-*.jsonl` present is read. */
export function checkRealCards(dir: string = REAL_CARDS_DIR): RealCardsCheck {
  const problems: string[] = [];
  const fixtures: RealCardFixture[] = [];
  const cardsDir = join(dir, REAL_CARDS_SUBDIR);
  const indexFiles = readdirSync(dir)
    .filter((f) => INDEX_FILE.test(f))
    .sort();
  for (const stray of readdirSync(dir).filter((f) => f.endsWith(".jsonl") && !INDEX_FILE.test(f))) {
    problems.push(`${stray}: index files must be named index-<letter>.jsonl`);
  }
  const seenIds = new Map<string, string>();
  const seenFiles = new Map<string, string>();
  for (const indexFile of indexFiles) {
    const prefix = INDEX_FILE.exec(indexFile)![1]!;
    const lines = readFileSync(join(dir, indexFile), "utf8").split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    else problems.push(`${indexFile}: the last line has no newline at the end`);
    lines.forEach((raw, i) => {
      const where = `${indexFile}:${i + 1}`;
      if (raw.trim() === "") return problems.push(`${where}: blank line`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch (error) {
        return problems.push(`${where}: invalid JSON: ${(error as Error).message}`);
      }
      const entryIssues = entryProblems(parsed, where, prefix);
      problems.push(...entryIssues);
      // Ids and files are checked even on a faulty line, so one mistake is reported once.
      const { id, file: rawFile } = (typeof parsed === "object" && parsed !== null ? parsed : {}) as { id?: unknown; file?: unknown };
      const file = typeof rawFile === "string" ? cardFileName(rawFile) : null;
      if (typeof id === "string") {
        const previousId = seenIds.get(id.toLowerCase());
        if (previousId) problems.push(`${where}: id ${id} already used at ${previousId}`);
        else seenIds.set(id.toLowerCase(), where);
      }
      let path: string | null = null;
      if (file !== null) {
        const previousFile = seenFiles.get(file);
        if (previousFile) problems.push(`${where}: file ${file} already indexed at ${previousFile}`);
        else seenFiles.set(file, where);
        path = join(cardsDir, file);
        if (!existsSync(path)) return problems.push(`${where}: card file cards/${file} does not exist`);
      }
      if (entryIssues.length > 0 || path === null) return;
      fixtures.push({ ...(parsed as RealCardIndexEntry), file: file!, indexFile, line: i + 1, path, readme: readFileSync(path, "utf8") });
    });
  }
  if (existsSync(cardsDir)) {
    for (const file of readdirSync(cardsDir).sort()) {
      if (!CARD_FILE.test(file)) problems.push(`cards/${file}: not a card file name (<letter>-<nnn>-<slug>.md)`);
      else if (!seenFiles.has(file)) problems.push(`cards/${file}: no index line refers to it`);
    }
  } else {
    problems.push(`${REAL_CARDS_SUBDIR}/: directory missing`);
  }
  return { fixtures, problems, indexFiles };
}

/** The well-formed set; throws listing every problem otherwise. */
export function loadRealCards(dir: string = REAL_CARDS_DIR): RealCardFixture[] {
  const { fixtures, problems } = checkRealCards(dir);
  if (problems.length > 0) throw new Error(`real-card fixtures are not well-formed:\n- ${problems.join("\n- ")}`);
  return fixtures;
}

/**
 * Gold labels: one row per card and activity (all five). An activity outside `se` is not relevant;
 * its reason is the card's `not` entry for it when there is one, else the card's reason.
 */
export function goldLabels(fixtures: readonly RealCardFixture[]): GoldLabel[] {
  const rows: GoldLabel[] = [];
  for (const f of fixtures) {
    for (const activity of ACTIVITY_CODES) {
      const relevant = f.se.includes(activity);
      const notReason = f.not?.[activity];
      rows.push({
        id: f.id,
        activity,
        relevant,
        reason: relevant ? f.reason : (notReason ?? f.reason),
        tempting: notReason !== undefined,
        split: f.split,
        structure: f.structure,
      });
    }
  }
  return rows;
}

/** One line of a Hub API dump, as `GET /api/models/{id}` names the fields, plus the README text. */
export function toHubApiObject(f: RealCardFixture): Record<string, unknown> {
  return {
    id: f.id,
    modelId: f.id,
    author: f.author,
    createdAt: f.createdAt,
    lastModified: f.lastModified,
    private: false,
    gated: f.gated,
    downloads: f.downloads,
    likes: f.likes,
    pipeline_tag: f.pipeline_tag,
    library_name: f.library_name,
    tags: f.tags,
    siblings: [{ rfilename: "README.md" }],
    readme: f.readme,
  };
}

/** Write the set as a JSON Lines dump for `hf-se-atlas ingest DUMP --out DIR`; returns the number of lines. */
export function writeHubDump(fixtures: readonly RealCardFixture[], path: string): number {
  writeFileSync(path, fixtures.map((f) => `${JSON.stringify(toHubApiObject(f))}\n`).join(""));
  return fixtures.length;
}
