/**
 * SE signals: evidence that a model works on software that is not a task phrase. Each signal is shaped
 * like a task occurrence (source, field, provenance, offsets, raw text and context), says which
 * activity it speaks for (or null: "this is a software / code model", no activity), and names the
 * curated entry that matched (taxonomy/se-datasets.json, taxonomy/se-signals.json).
 *
 * Kinds:
 * - code-tag: a tag that says the model works on code ("code", "programming", ...), activity null.
 * - task-tag: a tag that names SE work of one activity ("text-to-sql" -> SI, "program-repair" -> SM).
 * - programming-language: a tag or `language:` value naming a programming language, or `language: code`.
 * - se-dataset: a dataset or benchmark of the curated list, from the card's datasets and the Hub's
 *   dataset: tags (labelled "training") or model-index dataset names ("benchmark"); one signal per
 *   activity of the entry.
 * - id-word: a word of the model's own name ("coder", "sql", "commit"); the owner part is not read.
 * - base-model-word: the same, in the name of a base model (card base_model, Hub base_model: tags).
 * - task-in-id: a task phrase of the taxonomy in the model's name (with `phrases`).
 *
 * A later discovery stage (candidates with no task phrase, lineage inheritance) builds on
 * {@link seSignalsOf}; the offline judge weighs these signals per activity.
 */
import type { ModelRecord } from "../corpus/record";
import type { Preparer } from "../prepare/preparer";
import type { MatchSource } from "../run/tables";
import { searchRecord } from "../search/match";
import type { CompiledTaxonomy } from "../search/phrases";
import type { Provenance } from "../search/provenance";
import { emptyRecord } from "../corpus/record";
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";
import { matchDataset, type SeSignalData } from "./data";

export const SIGNAL_KINDS = ["code-tag", "task-tag", "programming-language", "se-dataset", "id-word", "base-model-word", "task-in-id"] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

export interface SeSignal {
  modelId: string;
  kind: SignalKind;
  /** The activity the signal speaks for; null when it only says the model works on software or code. */
  activity: ActivityCode | null;
  /** What matched, for people: "tag code", "dataset HumanEval (benchmark)", "word coder". */
  label: string;
  /** The taxonomy task, for task-in-id signals. */
  taskId: string | null;
  task: string | null;
  /** As on a task occurrence: where the signal stands. */
  source: MatchSource;
  field: string;
  provenance: Provenance;
  section: string;
  charStart: number;
  charEnd: number;
  raw: string;
  before: string;
  after: string;
  /** The curated entry's source key (se-datasets.json / se-signals.json), when there is one. */
  reference: string | null;
}

export interface SignalOptions {
  /** Also look for task phrases in the model's name (task-in-id signals). */
  phrases?: { compiled: CompiledTaxonomy; preparer: Preparer };
}

/**
 * The words of a name, lowercased, with offsets: each run of letters and digits ("nl2sql"), and, where a
 * run mixes them, its runs of letters too ("nl", "sql").
 */
export function nameWords(name: string): Array<{ word: string; start: number; end: number }> {
  const out: Array<{ word: string; start: number; end: number }> = [];
  for (const m of name.matchAll(/[\p{L}\p{N}]+/gu)) {
    out.push({ word: m[0].toLowerCase(), start: m.index!, end: m.index! + m[0].length });
    if (/\p{N}/u.test(m[0]) && /\p{L}/u.test(m[0])) {
      for (const l of m[0].matchAll(/\p{L}+/gu)) out.push({ word: l[0].toLowerCase(), start: m.index! + l.index!, end: m.index! + l.index! + l[0].length });
    }
  }
  return out;
}

/** The name part of an id ("owner/name" -> "name") and where it starts. */
function namePart(id: string): { name: string; offset: number } {
  const slash = id.lastIndexOf("/");
  return slash >= 0 ? { name: id.slice(slash + 1), offset: slash + 1 } : { name: id, offset: 0 };
}

/** Base-model ids from the card and the Hub's base_model: tags ("base_model:finetune:owner/x" -> "owner/x"). */
export function baseModelsOf(record: ModelRecord): Array<{ id: string; field: string; provenance: Provenance }> {
  const out: Array<{ id: string; field: string; provenance: Provenance }> = [];
  const seen = new Set<string>();
  const add = (id: string, field: string) => {
    const key = id.trim().toLowerCase();
    if (key === "" || seen.has(key)) return;
    seen.add(key);
    out.push({ id: id.trim(), field, provenance: "meta.base-model" });
  };
  record.cardMeta?.baseModel.forEach((b, i) => add(b, `meta.base_model[${i}]`));
  record.tags.forEach((tag, i) => {
    const m = /^base_model:(?:[a-z_]+:)?(.+)$/i.exec(tag);
    if (m) add(m[1]!, `tags[${i}]`);
  });
  return out;
}

/** Every SE signal of one model, in a stable order (tags, languages, datasets, name, base models). */
export function seSignalsOf(record: ModelRecord, data: SeSignalData, options: SignalOptions = {}): SeSignal[] {
  const signals: SeSignal[] = [];
  const seen = new Set<string>();
  const push = (
    s: Omit<SeSignal, "modelId" | "before" | "after" | "section" | "taskId" | "task"> & Partial<Pick<SeSignal, "taskId" | "task">>,
    text: string,
  ) => {
    const key = `${s.kind}\u0000${s.activity ?? ""}\u0000${s.label}`;
    if (seen.has(key)) return;
    seen.add(key);
    signals.push({
      modelId: record.id,
      taskId: null,
      task: null,
      section: "",
      before: text.slice(Math.max(0, s.charStart - 40), s.charStart),
      after: text.slice(s.charEnd, s.charEnd + 40),
      ...s,
    });
  };

  // Tags: the Hub's (which repeat the card's) and the card's own.
  const tags: Array<{ tag: string; field: string; provenance: Provenance }> = [];
  record.tags.forEach((tag, i) => tags.push({ tag, field: `tags[${i}]`, provenance: "meta.tags" }));
  record.cardMeta?.tags.forEach((tag, i) => tags.push({ tag, field: `meta.tags[${i}]`, provenance: "meta.tags" }));
  for (const { tag, field, provenance } of tags) {
    const t = tag.trim().toLowerCase();
    const at = { source: "metadata" as const, field, provenance, charStart: 0, charEnd: tag.length, raw: tag };
    if (data.codeTags.general.has(t)) push({ ...at, kind: "code-tag", activity: null, label: `tag ${t}`, reference: "hub-tags" }, tag);
    for (const activity of data.codeTags.byActivity.get(t) ?? []) push({ ...at, kind: "task-tag", activity, label: `tag ${t}`, reference: "hub-tags" }, tag);
    if (data.programmingLanguages.has(t)) push({ ...at, kind: "programming-language", activity: null, label: `language ${t}`, reference: "linguist" }, tag);
  }
  record.cardMeta?.language.forEach((language, i) => {
    const l = language.trim().toLowerCase();
    if (data.codeLanguageValues.has(l) || data.programmingLanguages.has(l)) {
      push(
        {
          source: "metadata",
          field: `meta.language[${i}]`,
          provenance: "meta.language",
          charStart: 0,
          charEnd: language.length,
          raw: language,
          kind: "programming-language",
          activity: null,
          label: `language ${l}`,
          reference: "hub-tags",
        },
        language,
      );
    }
  });

  // Datasets: the card's, the Hub's dataset: tags, model-index dataset names.
  const datasets: Array<{ name: string; field: string; provenance: Provenance; use?: string }> = [];
  record.cardMeta?.datasets.forEach((d, i) => datasets.push({ name: d, field: `meta.datasets[${i}]`, provenance: "meta.datasets" }));
  record.tags.forEach((tag, i) => {
    if (tag.toLowerCase().startsWith("dataset:")) datasets.push({ name: tag.slice(8), field: `tags[${i}]`, provenance: "meta.datasets" });
  });
  record.cardMeta?.modelIndex.forEach((r, i) => {
    for (const name of [r.datasetName, r.datasetType])
      if (name) datasets.push({ name, field: `modelIndex[${i}].dataset`, provenance: "meta.model-index", use: "benchmark" });
  });
  for (const d of datasets) {
    const entry = matchDataset(data, d.name);
    if (!entry) continue;
    const base = {
      source: "metadata" as const,
      field: d.field,
      provenance: d.provenance,
      charStart: 0,
      charEnd: d.name.length,
      raw: d.name,
      kind: "se-dataset" as const,
      reference: entry.source,
    };
    // Where a dataset appears says how the model used it: the card's datasets are what it was trained
    // on, model-index results what it was evaluated on.
    const label = `dataset ${entry.name} (${d.use ?? "training"})`;
    if (entry.activities.length === 0) push({ ...base, activity: null, label }, d.name);
    for (const activity of entry.activities) push({ ...base, activity, label }, d.name);
  }

  // Words of the model's own name, then of its base models' names.
  const own = namePart(record.id);
  for (const s of nameSignals(own.name, data)) {
    push(
      {
        source: "model-id",
        field: "id",
        provenance: "model-id",
        charStart: own.offset + s.start,
        charEnd: own.offset + s.end,
        raw: s.word,
        kind: "id-word",
        activity: s.activity,
        label: `word ${s.word}`,
        reference: "hub-tags",
      },
      record.id,
    );
  }
  for (const base of baseModelsOf(record)) {
    const part = namePart(base.id);
    for (const s of nameSignals(part.name, data)) {
      push(
        {
          source: "metadata",
          field: base.field,
          provenance: base.provenance,
          charStart: part.offset + s.start,
          charEnd: part.offset + s.end,
          raw: s.word,
          kind: "base-model-word",
          activity: s.activity,
          label: `base model word ${s.word}`,
          reference: "hub-tags",
        },
        base.id,
      );
    }
  }

  if (options.phrases) {
    const probe = { ...emptyRecord(record.id) };
    const { matches } = searchRecord(probe, options.phrases.compiled, options.phrases.preparer, { modelId: true });
    for (const m of matches) {
      if (m.source !== "model-id" || m.charStart < own.offset) continue;
      const activity = (ACTIVITY_CODES as readonly string[]).includes(m.activity) ? (m.activity as ActivityCode) : null;
      if (!activity) continue;
      push(
        {
          source: "model-id",
          field: "id",
          provenance: "model-id",
          charStart: m.charStart,
          charEnd: m.charEnd,
          raw: m.raw,
          kind: "task-in-id",
          activity,
          label: `task ${m.task} in the name`,
          taskId: m.taskId,
          task: m.task,
          reference: null,
        },
        record.id,
      );
    }
  }
  return signals;
}

/** Signals that speak for `activity`, or for software in general (activity null). */
export function signalsFor(signals: readonly SeSignal[], activity: ActivityCode): { own: SeSignal[]; general: SeSignal[] } {
  return { own: signals.filter((s) => s.activity === activity), general: signals.filter((s) => s.activity === null) };
}

function nameSignals(name: string, data: SeSignalData): Array<{ word: string; start: number; end: number; activity: ActivityCode | null }> {
  const out: Array<{ word: string; start: number; end: number; activity: ActivityCode | null }> = [];
  for (const w of nameWords(name)) {
    const general =
      !data.idWords.except.has(w.word) &&
      (data.idWords.exact.has(w.word) || data.idWords.prefix.some((p) => w.word.startsWith(p)) || data.idWords.suffix.some((s) => w.word.endsWith(s)));
    if (general) out.push({ ...w, activity: null });
    for (const activity of data.idWords.byActivity.get(w.word) ?? []) out.push({ ...w, activity });
  }
  return out;
}
