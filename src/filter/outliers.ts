/**
 * Outlier rules (paper Table III), checked on the RAW text around each occurrence.
 *
 * Only occurrences of the three outlier tasks are checked (debugging, logging, coding; found by task
 * name, configurable). Every other occurrence passes untouched. An occurrence is excluded by the FIRST
 * rule, in table order, that applies; a model survives when any of its occurrences survives.
 *
 * How the table's wording is read (the search matched lemmas; the rules look at characters):
 * - Literally, as substrings of the raw text: the "stem" is "debug" / "log", found at the start of the
 *   raw match, case-insensitively ("Debugging", "logs", "Logged"), and "X before c" / "X followed by c"
 *   look at the character right after the stem. So "debug:" "debug_mode" "log_dir" are excluded, while
 *   "Debugging: tips" is kept (the stem is followed by "g"), and so is the config name "logging_steps"
 *   (no Table III rule covers it; the LLM check sees it later). Log rule (i) "followed by a letter
 *   other than g" only makes sense at this level: it keeps "logging"/"logged" and drops "logs".
 * - "X after c" looks at the character right before the match: ".debug", "_log", "(log".
 * - Quotes are the straight ' and " and their typographic forms ‘ ’ “ ”.
 * - log (ii) "between a period and a letter": a period right before the match and a letter right after
 *   the stem (".logging", ".logs"). It overlaps (i) and (iii); table order decides which name is recorded.
 * - log (v)-(x) are phrases: the match is preceded by the word ("import", "no", "training", "train",
 *   "testing", "test") and spaces/tabs, case-insensitively; "import logging" needs the raw "logging".
 *   "No log" is what the Hugging Face Trainer writes in training-loss tables.
 * - coding (i): all "coding" occurrences are excluded unless the model's Hub tags or card-metadata tags
 *   contain exactly `code` (compared trimmed and lowercased).
 */
import type { ModelRecord } from "../corpus/record";
import { PAPER_OUTLIER_SHARE } from "../paper/reported";
import type { CandidateModel, Occurrence, TaskMatch } from "../run/tables";
import { ACTIVITY_CODES } from "../taxonomy/taxonomy";

/** What a rule sees of one occurrence. */
export interface RuleContext {
  /** The raw matched text. */
  raw: string;
  /** Raw text right before / after the match (TaskMatch.before / after). */
  before: string;
  after: string;
  /** The model has the tag `code` (Hub tags or card-metadata tags). */
  hasCodeTag: boolean;
}

export type OutlierFamily = "debug" | "log" | "coding";

export interface OutlierRule {
  /** Stable name recorded in `excludedBy`, e.g. "debug.after-punct". */
  name: string;
  family: OutlierFamily;
  /** Table III wording, for reports. */
  description: string;
  excludes(context: RuleContext): boolean;
}

const QUOTES = "'\"‘’“”";
const LETTER = /^\p{L}$/u;

/** The character right after the stem ("debug"/"log") in the raw text, or "" at the end of the text. */
function charAfterStem(context: RuleContext, stem: string): string {
  const stemEnd = context.raw.toLowerCase().startsWith(stem) ? stem.length : context.raw.length;
  return stemEnd < context.raw.length ? context.raw[stemEnd]! : (context.after[0] ?? "");
}

function charBefore(context: RuleContext): string {
  return context.before.slice(-1);
}

/** "<word><spaces or tabs>" at the very end of the preceding text, the word not part of a longer one. */
const PRECEDING_WORD = Object.fromEntries(
  ["import", "no", "training", "train", "testing", "test"].map((w) => [w, new RegExp(`(?:^|[^\\p{L}\\p{N}])${w}[ \\t]+$`, "iu")]),
) as Record<string, RegExp>;

function precededByWord(context: RuleContext, word: string): boolean {
  return PRECEDING_WORD[word]!.test(context.before);
}

const isOneOf = (char: string, set: string): boolean => char !== "" && set.includes(char);

// debug, Table III (i)-(iv)
export const debugAfterPunct = (c: RuleContext): boolean => isOneOf(charBefore(c), ".-_/<>");
export const debugBeforePunct = (c: RuleContext): boolean => isOneOf(charAfterStem(c, "debug"), "-_/:<>");
export const debugFollowedByQuote = (c: RuleContext): boolean => isOneOf(charAfterStem(c, "debug"), QUOTES);
export const debugPrecededByQuote = (c: RuleContext): boolean => isOneOf(charBefore(c), QUOTES);

// log, Table III (i)-(x)
export const logFollowedByLetter = (c: RuleContext): boolean => {
  const next = charAfterStem(c, "log");
  return LETTER.test(next) && next.toLowerCase() !== "g";
};
export const logPeriodLetter = (c: RuleContext): boolean => charBefore(c) === "." && LETTER.test(charAfterStem(c, "log"));
export const logAfterPunct = (c: RuleContext): boolean => isOneOf(charBefore(c), ".-_/()");
export const logBeforePunct = (c: RuleContext): boolean => isOneOf(charAfterStem(c, "log"), "-_/:()");
export const logImportLogging = (c: RuleContext): boolean => c.raw.toLowerCase() === "logging" && precededByWord(c, "import");
export const logNoLog = (c: RuleContext): boolean => precededByWord(c, "no");
export const logTrainingLog = (c: RuleContext): boolean => precededByWord(c, "training");
export const logTrainLog = (c: RuleContext): boolean => precededByWord(c, "train");
export const logTestingLog = (c: RuleContext): boolean => precededByWord(c, "testing");
export const logTestLog = (c: RuleContext): boolean => precededByWord(c, "test");

// coding, Table III (i)
export const codingRequiresCodeTag = (c: RuleContext): boolean => !c.hasCodeTag;

/** Table III in table order. */
export const OUTLIER_RULES: readonly OutlierRule[] = [
  { name: "debug.after-punct", family: "debug", description: "'debug' after . - _ / < >", excludes: debugAfterPunct },
  { name: "debug.before-punct", family: "debug", description: "'debug' before - _ / : < >", excludes: debugBeforePunct },
  { name: "debug.followed-by-quote", family: "debug", description: "'debug' followed by a quote", excludes: debugFollowedByQuote },
  { name: "debug.preceded-by-quote", family: "debug", description: "a quote followed by 'debug'", excludes: debugPrecededByQuote },
  { name: "log.followed-by-letter", family: "log", description: "'log' followed by a letter other than 'g'", excludes: logFollowedByLetter },
  { name: "log.period-letter", family: "log", description: "'log' between a period and a letter", excludes: logPeriodLetter },
  { name: "log.after-punct", family: "log", description: "'log' after . - _ / ( )", excludes: logAfterPunct },
  { name: "log.before-punct", family: "log", description: "'log' before - _ / : ( )", excludes: logBeforePunct },
  { name: "log.import-logging", family: "log", description: '"import logging"', excludes: logImportLogging },
  { name: "log.no-log", family: "log", description: '"no log"', excludes: logNoLog },
  { name: "log.training-log", family: "log", description: '"training log"', excludes: logTrainingLog },
  { name: "log.train-log", family: "log", description: '"train log"', excludes: logTrainLog },
  { name: "log.testing-log", family: "log", description: '"testing log"', excludes: logTestingLog },
  { name: "log.test-log", family: "log", description: '"test log"', excludes: logTestLog },
  { name: "coding.requires-code-tag", family: "coding", description: "absence of the 'code' tag", excludes: codingRequiresCodeTag },
];

/** Task name -> rule family. The defaults are the paper's three outlier tasks. */
export type OutlierTasks = Readonly<Record<string, OutlierFamily>>;
export const DEFAULT_OUTLIER_TASKS: OutlierTasks = { debugging: "debug", logging: "log", coding: "coding" };

/** The model carries the exact tag `code` in its Hub tags or its card-metadata tags. */
export function hasCodeTag(record: ModelRecord): boolean {
  const isCode = (tag: string): boolean => tag.trim().toLowerCase() === "code";
  return record.tags.some(isCode) || (record.cardMeta?.tags.some(isCode) ?? false);
}

/** The first rule (table order) of the family that excludes the occurrence, or null. */
export function firstExcludingRule(family: OutlierFamily, context: RuleContext): string | null {
  for (const rule of OUTLIER_RULES) if (rule.family === family && rule.excludes(context)) return rule.name;
  return null;
}

/** Check one model's matches (all from `record`) against Table III. */
export function applyOutlierRules(record: ModelRecord, matches: readonly TaskMatch[], outlierTasks: OutlierTasks = DEFAULT_OUTLIER_TASKS): Occurrence[] {
  const codeTag = hasCodeTag(record);
  return matches.map((match) => {
    if (match.modelId !== record.id) throw new Error(`applyOutlierRules: match of ${match.modelId} passed with record ${record.id}`);
    const family = Object.hasOwn(outlierTasks, match.task) ? outlierTasks[match.task]! : null;
    const excludedBy = family === null ? null : firstExcludingRule(family, { raw: match.raw, before: match.before, after: match.after, hasCodeTag: codeTag });
    return { ...match, excludedBy };
  });
}

/**
 * Models with at least one surviving occurrence, in first-seen order; activities in the paper's order
 * (RE SD SI QA SM), tasks sorted by id.
 */
export function modelsAfterOutliers(occurrences: Iterable<Occurrence>): CandidateModel[] {
  const byModel = new Map<string, Map<string, { task: string; activity: string }>>();
  for (const o of occurrences) {
    if (o.excludedBy !== null) continue;
    let tasks = byModel.get(o.modelId);
    if (!tasks) byModel.set(o.modelId, (tasks = new Map()));
    tasks.set(o.taskId, { task: o.task, activity: o.activity });
  }
  return [...byModel].map(([id, tasks]) => {
    const taskIds = [...tasks.keys()].sort();
    const activities = ACTIVITY_CODES.filter((code) => [...tasks.values()].some((t) => t.activity === code));
    return { id, activities, tasks: taskIds.map((t) => tasks.get(t)!.task), taskIds };
  });
}

export interface OutlierShare {
  occurrences: number;
  outlierOccurrences: number;
  /** outlierOccurrences / occurrences (0 when there are none). */
  share: number;
  byTask: { task: string; occurrences: number }[];
  paperShare: number;
}

/** Share of all occurrences that belong to the outlier tasks (before the rules are applied). */
export function outlierShare(matches: Iterable<{ task: string }>, outlierTasks: OutlierTasks = DEFAULT_OUTLIER_TASKS): OutlierShare {
  const names = Object.keys(outlierTasks);
  const perTask = new Map(names.map((n) => [n, 0]));
  let occurrences = 0;
  for (const m of matches) {
    occurrences++;
    if (perTask.has(m.task)) perTask.set(m.task, perTask.get(m.task)! + 1);
  }
  const outlierOccurrences = [...perTask.values()].reduce((a, b) => a + b, 0);
  return {
    occurrences,
    outlierOccurrences,
    share: occurrences === 0 ? 0 : outlierOccurrences / occurrences,
    byTask: names.map((task) => ({ task, occurrences: perTask.get(task)! })),
    paperShare: PAPER_OUTLIER_SHARE,
  };
}
