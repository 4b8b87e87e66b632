/**
 * The curated SE evidence that is not a task phrase, as data: taxonomy/se-datasets.json (datasets and
 * benchmarks, each with the activities it stands for and where it is described) and
 * taxonomy/se-signals.json (code and task tags, programming languages, words of model ids, software
 * words, task names with common non-SE meanings). Loaded and checked here; read by src/signals/.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";

export interface SeDatasetEntry {
  name: string;
  /** Normalised names (lowercase letters and digits only). */
  match: string[];
  /** "prefix" (default): the dataset name may extend a pattern; "exact": must equal one. */
  mode: "prefix" | "exact";
  activities: ActivityCode[];
  use: "training" | "benchmark";
  /** Key into the file's sources. */
  source: string;
}

export interface SeSignalData {
  datasets: SeDatasetEntry[];
  datasetSources: Record<string, string>;
  codeTags: { general: Set<string>; byActivity: Map<string, ActivityCode[]> };
  programmingLanguages: Set<string>;
  /** `language:` values that mean source code ("code"). */
  codeLanguageValues: Set<string>;
  idWords: {
    exact: Set<string>;
    prefix: string[];
    suffix: string[];
    except: Set<string>;
    byActivity: Map<string, ActivityCode[]>;
  };
  softwareWords: { strong: string[]; weak: string[] };
  /** Words of a sentence about the model's own training, weights, hardware, safety or reasoning. */
  modelWorkflowWords: string[];
  /** Task id -> the common non-SE meaning. */
  ambiguousTasks: Map<string, string>;
  /** sha256 of both files (16 hex): part of the offline judge's rule-set hash. */
  hash: string;
}

export const DEFAULT_SE_DATASETS_PATH = join(__dirname, "..", "..", "taxonomy", "se-datasets.json");
export const DEFAULT_SE_SIGNALS_PATH = join(__dirname, "..", "..", "taxonomy", "se-signals.json");

const cache = new Map<string, SeSignalData>();

/** Normalise a dataset name for matching: the part after the owner, lowercase letters and digits only. */
export function normaliseDatasetName(name: string): string {
  const slash = name.lastIndexOf("/");
  return (slash >= 0 ? name.slice(slash + 1) : name).toLowerCase().replace(/[^a-z0-9]/g, "");
}

export function loadSeSignalData(datasetsPath = DEFAULT_SE_DATASETS_PATH, signalsPath = DEFAULT_SE_SIGNALS_PATH): SeSignalData {
  const key = `${datasetsPath}\u0000${signalsPath}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const datasetsText = readFileSync(datasetsPath, "utf8");
  const signalsText = readFileSync(signalsPath, "utf8");
  const data = parseSeSignalData(JSON.parse(datasetsText), JSON.parse(signalsText), datasetsPath, signalsPath);
  data.hash = createHash("sha256").update(datasetsText).update("\u0000").update(signalsText).digest("hex").slice(0, 16);
  cache.set(key, data);
  return data;
}

function activitiesOf(value: unknown, where: string): ActivityCode[] {
  if (!Array.isArray(value) || !value.every((a) => (ACTIVITY_CODES as readonly unknown[]).includes(a)))
    throw new Error(`${where}: activities must be a list of ${ACTIVITY_CODES.join(", ")}`);
  return value as ActivityCode[];
}

function strings(value: unknown, where: string): string[] {
  if (!Array.isArray(value) || !value.every((s) => typeof s === "string" && s.trim() !== "")) throw new Error(`${where}: expected a list of non-empty strings`);
  return (value as string[]).map((s) => s.toLowerCase());
}

/** taxonomy/se-signals.json as read, before checking. */
interface SignalsFile {
  codeTags?: { general?: unknown; activities?: unknown };
  programmingLanguages?: { names?: unknown; languageField?: unknown };
  idWords?: { general?: { exact?: unknown; prefix?: unknown; suffix?: unknown; except?: unknown }; activities?: unknown };
  softwareWords?: { strong?: unknown; weak?: unknown };
  modelWorkflowWords?: { words?: unknown };
  ambiguousTasks?: { tasks?: unknown };
}

/** Build the data from the two parsed files; every malformed entry is named. */
export function parseSeSignalData(
  datasetsJson: unknown,
  signalsJson: unknown,
  datasetsPath = "se-datasets.json",
  signalsPath = "se-signals.json",
): SeSignalData {
  const d = datasetsJson as { sources?: Record<string, string>; datasets?: unknown[] };
  if (!d || typeof d.sources !== "object" || !Array.isArray(d.datasets)) throw new Error(`${datasetsPath}: expected {sources, datasets}`);
  const datasets: SeDatasetEntry[] = d.datasets.map((raw, i) => {
    const e = raw as Record<string, unknown>;
    const where = `${datasetsPath}: datasets[${i}]`;
    if (typeof e.name !== "string") throw new Error(`${where}: name missing`);
    const match = strings(e.match, `${where} (${e.name}).match`);
    for (const m of match)
      if (m !== normaliseDatasetName(m)) throw new Error(`${where} (${e.name}): pattern ${JSON.stringify(m)} is not normalised (lowercase letters and digits)`);
    if (typeof e.source !== "string" || !Object.hasOwn(d.sources!, e.source))
      throw new Error(`${where} (${e.name}): source ${JSON.stringify(e.source)} is not in sources`);
    if (e.use !== "training" && e.use !== "benchmark") throw new Error(`${where} (${e.name}): use must be training or benchmark`);
    const mode = e.mode === undefined ? "prefix" : e.mode;
    if (mode !== "prefix" && mode !== "exact") throw new Error(`${where} (${e.name}): mode must be prefix or exact`);
    return { name: e.name, match, mode, activities: activitiesOf(e.activities, `${where} (${e.name})`), use: e.use, source: e.source };
  });

  // Read loosely: every value is checked by `strings` / `byActivity` before use.
  const s = (signalsJson ?? {}) as SignalsFile;
  const where = (path: string) => `${signalsPath}: ${path}`;
  const byActivity = (value: unknown, path: string): Map<string, ActivityCode[]> => {
    const out = new Map<string, ActivityCode[]>();
    if (typeof value !== "object" || value === null) throw new Error(where(`${path} must be an object of activity -> words`));
    for (const [code, words] of Object.entries(value)) {
      const [activity] = activitiesOf([code], where(path));
      for (const w of strings(words, where(`${path}.${code}`))) out.set(w, [...(out.get(w) ?? []), activity!]);
    }
    return out;
  };
  const tasks = s.ambiguousTasks?.tasks;
  if (typeof tasks !== "object" || tasks === null) throw new Error(where("ambiguousTasks.tasks must be an object of task id -> meaning"));
  return {
    datasets,
    datasetSources: d.sources!,
    codeTags: {
      general: new Set(strings(s.codeTags?.general, where("codeTags.general"))),
      byActivity: byActivity(s.codeTags?.activities, "codeTags.activities"),
    },
    programmingLanguages: new Set(strings(s.programmingLanguages?.names, where("programmingLanguages.names"))),
    codeLanguageValues: new Set(strings(s.programmingLanguages?.languageField, where("programmingLanguages.languageField"))),
    idWords: {
      exact: new Set(strings(s.idWords?.general?.exact, where("idWords.general.exact"))),
      prefix: strings(s.idWords?.general?.prefix, where("idWords.general.prefix")),
      suffix: strings(s.idWords?.general?.suffix, where("idWords.general.suffix")),
      except: new Set(strings(s.idWords?.general?.except, where("idWords.general.except"))),
      byActivity: byActivity(s.idWords?.activities, "idWords.activities"),
    },
    softwareWords: {
      strong: strings(s.softwareWords?.strong, where("softwareWords.strong")),
      weak: strings(s.softwareWords?.weak, where("softwareWords.weak")),
    },
    modelWorkflowWords: strings(s.modelWorkflowWords?.words, where("modelWorkflowWords.words")),
    ambiguousTasks: new Map(Object.entries(tasks as Record<string, string>)),
    hash: "",
  };
}

/** The dataset entry a dataset name stands for (the longest matching pattern wins), or null. */
export function matchDataset(data: SeSignalData, name: string): SeDatasetEntry | null {
  const n = normaliseDatasetName(name);
  if (n === "") return null;
  let best: SeDatasetEntry | null = null;
  let bestLength = 0;
  for (const entry of data.datasets) {
    for (const pattern of entry.match) {
      const hit = entry.mode === "exact" ? n === pattern : n.startsWith(pattern);
      if (hit && pattern.length > bestLength) {
        best = entry;
        bestLength = pattern.length;
      }
    }
  }
  return best;
}
