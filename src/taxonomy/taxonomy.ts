/**
 * The SE-task taxonomy as data: load, validate, look up.
 *
 * The shipped file (`taxonomy/se-tasks.json`) is a reconstruction; users with the official list drop
 * theirs in and pass `--taxonomy`. Validation is strict because a silent typo here changes every
 * downstream count.
 */
import { readFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { errorMessage } from "../util/text";

/** The five SDLC activities of the paper, in the order its tables use. */
export const ACTIVITY_CODES = ["RE", "SD", "SI", "QA", "SM"] as const;
export type ActivityCode = (typeof ACTIVITY_CODES)[number];

export const ACTIVITY_NAMES: Record<ActivityCode, string> = {
  RE: "Requirements Engineering",
  SD: "Software Design",
  SI: "Software Implementation",
  QA: "Software Quality Assurance",
  SM: "Software Maintenance",
};

export interface Activity {
  code: ActivityCode;
  name: string;
  swebok?: string;
}

export interface SeTask {
  /** Stable id, e.g. `si.code-generation`. */
  id: string;
  activity: ActivityCode;
  /** The phrase searched for (after the same preparation as the model text). */
  name: string;
  /** Wording variants; searched only when a run asks for them. */
  aliases: string[];
  source: string | null;
  confidence: string | null;
  provenance: string | null;
}

export interface Taxonomy {
  name: string;
  version: string;
  description: string;
  /** Absolute path of the file it came from, or `<inline>`. */
  origin: string;
  activities: Activity[];
  tasks: SeTask[];
}

/** Raised for any problem with a taxonomy file; the message names the file and the entry. */
export class TaxonomyError extends Error {
  constructor(
    readonly origin: string,
    readonly problems: string[],
  ) {
    super(`invalid taxonomy ${origin}: ${problems.join("; ")}`);
    this.name = "TaxonomyError";
  }
}

/** The taxonomy shipped with the package, found relative to this module (works from src/ and dist/). */
export function defaultTaxonomyPath(): string {
  for (const candidate of [join(__dirname, "..", "..", "taxonomy", "se-tasks.json"), resolve("taxonomy", "se-tasks.json")]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new TaxonomyError("taxonomy/se-tasks.json", ["the default taxonomy file is missing from the installation"]);
}

export function loadTaxonomy(path: string = defaultTaxonomyPath()): Taxonomy {
  const origin = resolve(path);
  let text: string;
  try {
    text = readFileSync(origin, "utf8");
  } catch (error) {
    throw new TaxonomyError(origin, [`cannot read file (${errorMessage(error)})`]);
  }
  let json: unknown;
  try {
    // A UTF-8 byte-order mark (as Windows editors write it) is not part of the JSON.
    json = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new TaxonomyError(origin, [`not valid JSON (${errorMessage(error)})`]);
  }
  return parseTaxonomy(json, origin);
}

/**
 * Validate a parsed taxonomy document. Accepts the project's own format
 * (`{name, version, activities, tasks}`) and the reference list format (a bare array whose entries
 * carry `activity` as a full name and `task` as the phrase), so the reference file loads as it is.
 */
export function parseTaxonomy(json: unknown, origin = "<inline>"): Taxonomy {
  const problems: string[] = [];
  const doc: Record<string, unknown> = Array.isArray(json) ? { tasks: json } : isObject(json) ? json : {};
  if (!Array.isArray(json) && !isObject(json)) {
    throw new TaxonomyError(origin, ["top level must be an object with `tasks` or an array of tasks"]);
  }
  if (!Array.isArray(doc.tasks)) throw new TaxonomyError(origin, ["`tasks` must be an array"]);

  const activities: Activity[] = ACTIVITY_CODES.map((code) => ({ code, name: ACTIVITY_NAMES[code] }));
  if (Array.isArray(doc.activities)) {
    for (const [i, entry] of doc.activities.entries()) {
      const code = isObject(entry) ? activityCodeOf(entry.code) : null;
      if (!code) {
        problems.push(
          `activities[${i}]: unknown activity code ${JSON.stringify(isObject(entry) ? entry.code : entry)} (expected one of ${ACTIVITY_CODES.join(", ")})`,
        );
        continue;
      }
      const target = activities.find((a) => a.code === code)!;
      if (isObject(entry) && typeof entry.name === "string" && entry.name.trim()) target.name = entry.name.trim();
      if (isObject(entry) && typeof entry.swebok === "string") target.swebok = entry.swebok;
    }
  }

  const tasks: SeTask[] = [];
  const seenIds = new Map<string, number>();
  // Task names and aliases share one namespace: the same phrase under two tasks would double-count matches.
  const seenPhrases = new Map<string, string>();
  for (const [i, entry] of (doc.tasks as unknown[]).entries()) {
    if (!isObject(entry)) {
      problems.push(`tasks[${i}]: not an object`);
      continue;
    }
    const rawName = typeof entry.name === "string" ? entry.name : typeof entry.task === "string" ? entry.task : "";
    const name = normalisePhrase(rawName);
    const label = `tasks[${i}]${name ? ` "${name}"` : ""}`;
    if (!name) {
      problems.push(`${label}: empty task name`);
      continue;
    }
    const activity = activityCodeOf(entry.activity);
    if (!activity) {
      problems.push(`${label}: unknown activity ${JSON.stringify(entry.activity)} (expected one of ${ACTIVITY_CODES.join(", ")} or their full names)`);
      continue;
    }
    const id = typeof entry.id === "string" && entry.id.trim() ? entry.id.trim() : `${activity.toLowerCase()}.${slug(name)}`;
    if (seenIds.has(id)) {
      problems.push(`${label}: duplicate task id "${id}" (also tasks[${seenIds.get(id)}])`);
      continue;
    }
    seenIds.set(id, i);
    const aliases: string[] = [];
    if (entry.aliases !== undefined && !Array.isArray(entry.aliases)) problems.push(`${label}: aliases must be a list of strings`);
    for (const alias of Array.isArray(entry.aliases) ? entry.aliases : []) {
      const phrase = typeof alias === "string" ? normalisePhrase(alias) : "";
      if (!phrase) {
        problems.push(`${label}: empty or non-string alias ${JSON.stringify(alias)}`);
        continue;
      }
      aliases.push(phrase);
    }
    for (const [phrase, kind] of [[name, "task name"], ...aliases.map((a) => [a, "alias"] as const)] as const) {
      const owner = seenPhrases.get(phrase);
      if (owner !== undefined && owner !== id) {
        problems.push(`${label}: duplicate ${kind} "${phrase}" (already used by ${owner})`);
      } else if (owner === id && kind === "alias") {
        problems.push(`${label}: alias "${phrase}" repeats the task's own name or another of its aliases`);
      }
      seenPhrases.set(phrase, id);
    }
    tasks.push({
      id,
      activity,
      name,
      aliases,
      source: optionalString(entry.source),
      confidence: optionalString(entry.confidence),
      provenance: optionalString(entry.provenance),
    });
  }
  if (tasks.length === 0 && problems.length === 0) problems.push("no tasks");
  if (problems.length > 0) throw new TaxonomyError(origin, problems);
  return {
    name: typeof doc.name === "string" ? doc.name : "unnamed taxonomy",
    version: typeof doc.version === "string" ? doc.version : "unversioned",
    description: typeof doc.description === "string" ? doc.description : "",
    origin,
    activities,
    tasks,
  };
}

/** Accepts a code (`SI`) or a full activity name (`Software Implementation`), any case. */
export function activityCodeOf(value: unknown): ActivityCode | null {
  if (typeof value !== "string") return null;
  const v = value.trim().toLowerCase();
  for (const code of ACTIVITY_CODES) {
    if (v === code.toLowerCase() || v === ACTIVITY_NAMES[code].toLowerCase()) return code;
  }
  return null;
}

export function tasksOf(taxonomy: Taxonomy, activity: ActivityCode): SeTask[] {
  return taxonomy.tasks.filter((t) => t.activity === activity);
}

export function taskById(taxonomy: Taxonomy): Map<string, SeTask> {
  return new Map(taxonomy.tasks.map((t) => [t.id, t]));
}

const lookupCache = new WeakMap<Taxonomy, (task: string) => ActivityCode | null>();
/** The activity of a task given by id or name (memoised per taxonomy). */
export function taskActivityLookup(taxonomy: Taxonomy): (task: string) => ActivityCode | null {
  let lookup = lookupCache.get(taxonomy);
  if (!lookup) {
    const byKey = new Map<string, ActivityCode>();
    for (const t of taxonomy.tasks) {
      byKey.set(t.id, t.activity);
      byKey.set(t.name, t.activity);
    }
    lookup = (task) => byKey.get(task) ?? byKey.get(task.toLowerCase()) ?? null;
    lookupCache.set(taxonomy, lookup);
  }
  return lookup;
}

/** Lowercase and collapse white space, so "Code  Generation" and "code generation" are one phrase. */
export function normalisePhrase(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, " ");
}

function slug(text: string): string {
  return text.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
}

function optionalString(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? value : null;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
