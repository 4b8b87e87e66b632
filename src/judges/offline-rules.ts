/**
 * The offline relevance judge (v3): it judges what the model is for, per activity, from evidence that
 * carries purpose, and says "uncertain" when that evidence is thin or conflicting. It needs no key and
 * no network; every verdict lists the evidence items it weighed and the reason codes that decided it.
 *
 * Evidence for one (model, activity) pair:
 * - the task occurrences of that activity left after the Table III rules, each weighed by where it
 *   stands: a tag or the pipeline tag, the title and opening description, model-description and
 *   intended-use sections weigh fully; other card sections (training, evaluation, usage) a little;
 *   tables and link text less; limitations, risks, citations, requirements/hardware/software, licence
 *   and changelog sections, code blocks, URLs, HTML markup and comments, widget examples,
 *   access-control prompts, metric names and other metadata values not at all;
 * - the SE signals of src/signals/ that speak for the activity (task tags, SE datasets and benchmarks
 *   of the activity, words of the model's or its base model's name, task phrases in the name); for
 *   SI also the general code signals (the `code` tag, programming languages, code datasets), since
 *   writing code is software implementation.
 * - with discovery (`funnel --discover`), the pair's discovery evidence the record does not show: lineage to
 *   a model this run judged, a base model named as an SE model, an SE pipeline tag (./offline/discovery.ts);
 *   for a pair only discovery offers, general code evidence does not count for SI where another activity of
 *   the model was judged relevant. Pairs without discovery evidence are judged exactly as before.
 * Evidence of one activity never counts for another: a code benchmark speaks for SI only.
 *
 * Separately the judge asks whether the model works on software at all: every SE signal, software
 * words in the purpose text, and task phrases that can only mean software, in purpose-bearing places.
 * A task whose words commonly mean something else (taxonomy/se-signals.json `ambiguousTasks`:
 * "verification", "sentiment analysis", "system requirement", ...) counts only in a sentence about
 * software, or (at half weight) on a model shown to work on software. A phrase negated in its sentence
 * ("not intended for code generation") counts nothing.
 *
 * Outcome, in order:
 * 1. no evidence for the activity in a place about the model -> not relevant (`no-activity-evidence`);
 * 2. a non-software modality (images, audio, video, tabular) without software evidence -> not relevant;
 * 3. activity evidence >= 1 and software evidence >= 1 -> relevant, unless the card is a thin stub and
 *    everything it shows comes from the model's name -> uncertain (`name-only`);
 * 4. activity evidence >= 1 without software evidence -> not relevant when every piece is an ambiguous
 *    task word, else uncertain;
 * 5. weak activity evidence (0.5 to 1) on a software model -> uncertain; otherwise not relevant.
 * No rule names a model, an organisation or a repository.
 */
import type { ModelRecord } from "../corpus/record";
import type { Preparer } from "../prepare/preparer";
import { createPreparer } from "../prepare/preparer";
import { compileTaxonomy, type CompiledTaxonomy } from "../search/phrases";
import { PROVENANCE_LABELS, isProvenance } from "../search/provenance";
import { loadSeSignalData, type SeSignalData } from "../signals/data";
import { seSignalsOf, type SeSignal, type SignalKind } from "../signals/signals";
import { loadTaxonomy, type ActivityCode, type Taxonomy } from "../taxonomy/taxonomy";
import { NO_USAGE, type Candidate, type Judgement, type Outcome, type RelevanceJudge, type TaskEvidence } from "./candidate";
import { sha256Hex } from "./card-text";
import { cardPurposeOf, classOfSection, sectionIndexAt, type CardPurpose, type SectionClass } from "./offline/purpose";
import { discoveryItems, discoveryRulesHash, purposeElsewhere } from "./offline/discovery";

export const OFFLINE_JUDGE_LABEL = "offline-rules/v3";

/** One piece of evidence the judge weighed, shaped like a match (provenance, field, section, raw). */
export interface EvidenceItem {
  kind: "task" | SignalKind | "software-words" | "lineage" | "base-model-name" | "pipeline-tag";
  /** The activity it speaks for; null for "works on software". */
  activity: ActivityCode | null;
  /** What it says about this activity (0: nothing, it is not about what the model is for). */
  weight: number;
  /** What it says about the model working on software. */
  software: number;
  provenance: string;
  field: string;
  section: string;
  /** Class of the card section it stands in (card evidence only). */
  sectionClass: SectionClass | null;
  raw: string;
  /** The task, or the curated entry that matched. */
  label: string;
  /** Why it weighs what it does. */
  note: string;
}

export interface OfflineDecision {
  outcome: Outcome;
  relevant: boolean;
  reasons: string[];
  evidence: EvidenceItem[];
  activityScore: number;
  softwareScore: number;
  rationale: string;
}

/** Weight of a task occurrence by provenance, outside the card body. */
const METADATA_WEIGHT: Readonly<Record<string, number>> = {
  "meta.tags": 1,
  "meta.pipeline-tag": 1,
  "meta.datasets": 0.6,
  "meta.base-model": 0.5,
  "meta.model-index": 0.3,
  abstract: 0.5,
  "model-id": 0.6,
};

/** Weight of a task occurrence in the card by provenance and section class. */
const CARD_WEIGHT: Readonly<Record<string, Readonly<Record<SectionClass, number>>>> = {
  "card.heading": { opening: 1, purpose: 1, neutral: 0.4, noise: 0 },
  "card.prose": { opening: 1, purpose: 1, neutral: 0.4, noise: 0 },
  "card.table": { opening: 0.6, purpose: 0.6, neutral: 0.25, noise: 0 },
  "card.link": { opening: 0.5, purpose: 0.5, neutral: 0.15, noise: 0 },
};

/** Per signal kind: [weight for its own activity, software weight]. */
const SIGNAL_WEIGHT: Readonly<Record<SignalKind, readonly [number, number]>> = {
  "code-tag": [1, 1],
  "task-tag": [1, 1],
  "programming-language": [0.5, 0.7],
  "se-dataset": [1, 1],
  "id-word": [0.4, 0.4],
  "base-model-word": [0.5, 0.6],
  "task-in-id": [0.6, 0.4],
};
/** Benchmarks show what a model was measured on, not always what it is for. */
const BENCHMARK_FACTOR = 0.5;

/** Pipeline tags of modalities that are not software text. */
export const NON_SOFTWARE_PIPELINES: ReadonlySet<string> = new Set([
  "text-to-image",
  "image-to-image",
  "unconditional-image-generation",
  "image-classification",
  "object-detection",
  "image-segmentation",
  "depth-estimation",
  "zero-shot-image-classification",
  "zero-shot-object-detection",
  "mask-generation",
  "image-to-video",
  "text-to-video",
  "video-classification",
  "automatic-speech-recognition",
  "audio-classification",
  "text-to-speech",
  "text-to-audio",
  "audio-to-audio",
  "voice-activity-detection",
  "tabular-classification",
  "tabular-regression",
  "time-series-forecasting",
  "reinforcement-learning",
  "robotics",
  "keypoint-detection",
  "image-feature-extraction",
]);

/** Negation cues in the manner of NegEx (Chapman et al. 2001), read before the phrase in its sentence. */
const NEGATION =
  /(?:^|[^\p{L}])(not|never|cannot|can't|isn't|aren't|no|nor|neither|without|avoid|unsuitable|unable|far from|rather than|instead of)(?:[^\p{L}]|$)|out[- ]of[- ]scope/iu;

const RELEVANT_AT = 1;
const WEAK_AT = 0.5;
const SOFTWARE_AT = 1;

export interface OfflineJudgeOptions {
  data?: SeSignalData;
  /** For task phrases in the model's name; default the shipped taxonomy with the default preparer. */
  taxonomy?: Taxonomy;
  phrases?: { compiled: CompiledTaxonomy; preparer: Preparer };
}

export class OfflineRulesJudge implements RelevanceJudge {
  readonly label = OFFLINE_JUDGE_LABEL;
  private readonly data: SeSignalData;
  private phrases: { compiled: CompiledTaxonomy; preparer: Preparer } | undefined;
  private readonly taxonomy: Taxonomy | undefined;
  private readonly hash: string;
  /** The hash of a verdict on a pair with discovery evidence (weighed by ./offline/discovery.ts). */
  private readonly discoveryHash: string;
  private lastSignals: { record: ModelRecord; signals: SeSignal[] } | null = null;

  constructor(options: OfflineJudgeOptions = {}) {
    this.data = options.data ?? loadSeSignalData();
    this.phrases = options.phrases;
    this.taxonomy = options.taxonomy;
    this.hash = offlineRulesHash(this.data);
    this.discoveryHash = discoveryRulesHash(this.hash);
  }

  promptHash(_activity: ActivityCode): string {
    return this.hash;
  }

  private ambiguous: Set<string> | null = null;

  /** Names of the ambiguous tasks in the taxonomy (for evidence that carries a task name but no id). */
  ambiguousNames(): ReadonlySet<string> {
    if (!this.ambiguous) {
      const taxonomy = this.taxonomy ?? loadTaxonomy();
      this.ambiguous = new Set(taxonomy.tasks.filter((t) => this.data.ambiguousTasks.has(t.id)).map((t) => t.name.toLowerCase()));
    }
    return this.ambiguous;
  }

  /** The SE signals of a record (the last record's are kept: a model's activities are judged one after another). */
  signalsOf(record: ModelRecord): SeSignal[] {
    if (this.lastSignals?.record === record) return this.lastSignals.signals;
    if (!this.phrases) {
      const preparer = createPreparer();
      this.phrases = { preparer, compiled: compileTaxonomy(this.taxonomy ?? loadTaxonomy(), preparer) };
    }
    const signals = seSignalsOf(record, this.data, { phrases: this.phrases });
    this.lastSignals = { record, signals };
    return signals;
  }

  decide(candidate: Candidate): OfflineDecision {
    return decideOffline(candidate, this.signalsOf(candidate.record), this.data, this.ambiguousNames());
  }

  async judge(candidate: Candidate): Promise<Judgement> {
    const d = this.decide(candidate);
    return {
      verdict: {
        id: candidate.record.id,
        activity: candidate.activity,
        relevant: d.relevant,
        rationale: d.rationale,
        judge: this.label,
        promptHash: candidate.discovery && candidate.discovery.length > 0 ? this.discoveryHash : this.hash,
        error: null,
        outcome: d.outcome,
        reasons: d.reasons,
        evidence: JSON.stringify(d.evidence),
      },
      usage: NO_USAGE,
    };
  }
}

/** The rule set's identity: the label, the weights and the curated data (not function source text, which differs between compilers). */
export function offlineRulesHash(data: SeSignalData): string {
  return sha256Hex(
    JSON.stringify([
      OFFLINE_JUDGE_LABEL,
      METADATA_WEIGHT,
      CARD_WEIGHT,
      SIGNAL_WEIGHT,
      BENCHMARK_FACTOR,
      [...NON_SOFTWARE_PIPELINES],
      NEGATION.source,
      RELEVANT_AT,
      WEAK_AT,
      SOFTWARE_AT,
      data.hash,
    ]),
  ).slice(0, 16);
}

/** Decide one pair from its task evidence and the model's SE signals. */
export function decideOffline(
  candidate: Candidate,
  signals: readonly SeSignal[],
  data: SeSignalData,
  ambiguousNames: ReadonlySet<string> = new Set(),
): OfflineDecision {
  const { record, activity } = candidate;
  const purpose = cardPurposeOf(record);
  const body = record.cardStatus === "present" ? (record.cardBody ?? "") : "";
  const items: EvidenceItem[] = [];

  // Signals: software evidence always; activity evidence for their own activity (and general code for SI,
  // unless the pair is only discovery's and another activity judged relevant explains the code).
  const elsewhere = purposeElsewhere(candidate);
  for (const s of signals) {
    const [activityWeight, softwareWeight] = SIGNAL_WEIGHT[s.kind];
    const factor = s.kind === "se-dataset" && s.label.endsWith("(benchmark)") ? BENCHMARK_FACTOR : 1;
    const explained = s.activity === null && activity === "SI" && elsewhere.length > 0;
    const forActivity = s.activity === activity || (s.activity === null && activity === "SI" && !explained);
    items.push({
      kind: s.kind,
      activity: s.activity,
      weight: forActivity ? round(activityWeight * factor) : 0,
      software: round(softwareWeight * factor),
      provenance: s.provenance,
      field: s.field,
      section: "",
      sectionClass: null,
      raw: s.raw,
      label: s.label,
      note: forActivity
        ? `${s.kind} for ${s.activity ?? "software (counts for SI)"}`
        : explained
          ? `${s.kind} for software: its purpose judged relevant (${elsewhere.join(", ")}) explains it, not evidence for SI`
          : `${s.kind} for ${s.activity ?? "software"}: not evidence for ${activity}`,
    });
  }

  // Discovery evidence the record does not show (lineage to a model judged in this run, an SE pipeline tag).
  if (candidate.discovery) items.push(...discoveryItems(candidate, activity));

  // Software words in the purpose text.
  const words = softwareWordsIn(purpose.purposeText, data);
  if (words.strong.length > 0 || words.weak.length > 0) {
    items.push({
      kind: "software-words",
      activity: null,
      weight: 0,
      software: round(Math.min(1, 0.5 * words.strong.length + 0.15 * words.weak.length)),
      provenance: "card.prose",
      field: "body",
      section: "",
      sectionClass: "purpose",
      raw: [...words.strong, ...words.weak].slice(0, 6).join(", "),
      label: "software words in the title, opening and purpose sections",
      note: `${words.strong.length} strong, ${words.weak.length} weak`,
    });
  }

  // Task occurrences of this activity, unambiguous ones first (they feed the software score the ambiguous ones need).
  const taskItems = candidate.evidence.map((e) => occurrenceItem(e, activity, record, purpose, body, data, ambiguousNames));
  const clear = taskItems.filter((t) => !t.ambiguous);
  // A task says "software" once however often it is repeated: its strongest occurrence counts.
  const strongest = new Map<string, EvidenceItem>();
  for (const t of clear) if ((strongest.get(t.item.label)?.software ?? -1) < t.item.software) strongest.set(t.item.label, t.item);
  for (const t of clear) {
    if (strongest.get(t.item.label) !== t.item) t.item.software = 0;
    items.push(t.item);
  }
  const softwareSoFar = total(items.map((i) => i.software));
  for (const t of taskItems.filter((x) => x.ambiguous)) {
    const item = t.item;
    if (item.weight > 0) {
      const sentence = t.context;
      const strong = data.softwareWords.strong.filter((w) => hasWord(sentence, w));
      const weak = data.softwareWords.weak.filter((w) => hasWord(sentence, w));
      const workflow = data.modelWorkflowWords.filter((w) => hasWord(sentence, w));
      // A tag is the author's own word for the model: on a software model it keeps its software meaning.
      const tagged = item.provenance === "meta.tags" || item.provenance === "meta.pipeline-tag";
      if (strong.length > 0) {
        item.note = `ambiguous task in a sentence about software (${strong.slice(0, 3).join(", ")})`;
        item.software = item.weight;
      } else if (workflow.length > 0) {
        item.weight = 0;
        item.note = `ambiguous task in a sentence about the model itself (${workflow.slice(0, 3).join(", ")})`;
      } else if (weak.length > 0 && softwareSoFar >= SOFTWARE_AT)
        item.note = `ambiguous task, software words around it (${weak.slice(0, 3).join(", ")}) on a software model`;
      else if (softwareSoFar >= SOFTWARE_AT && tagged) item.note = "ambiguous task tagged by the author of a software model";
      else if (softwareSoFar >= SOFTWARE_AT) {
        item.weight = round(item.weight * 0.5);
        item.note = "ambiguous task on a software model, nothing about software around it: half weight";
      } else {
        item.weight = 0;
        item.note = "ambiguous task, nothing about software around it or about the model";
      }
    }
    items.push(item);
  }

  const own = items.filter((i) => i.weight > 0);
  const activityScore = aggregate(own.map((i) => i.weight));
  const softwareScore = round(Math.min(3, total(items.map((i) => i.software))));
  const nameLike = (i: EvidenceItem) => i.provenance === "model-id" || i.note.startsWith("title repeats the model name");
  const thin = purpose.proseWords < 40;
  const softwareBeyondName = total(items.filter((i) => !nameLike(i)).map((i) => i.software));
  const pipeline = (record.pipelineTag ?? record.cardMeta?.pipelineTag ?? "").toLowerCase();
  const nonSoftwareModality = NON_SOFTWARE_PIPELINES.has(pipeline);

  const reasons: string[] = [];
  let outcome: Outcome;
  if (own.length === 0) {
    outcome = "not-relevant";
    reasons.push("no-activity-evidence");
    const ignored = new Set(items.filter((i) => i.kind === "task").map((i) => ignoredReason(i)));
    for (const r of [...ignored].sort()) reasons.push(r);
  } else if (nonSoftwareModality && softwareScore < SOFTWARE_AT) {
    outcome = "not-relevant";
    reasons.push("non-software-modality", "no-software-evidence");
  } else if (activityScore >= RELEVANT_AT && softwareScore >= SOFTWARE_AT) {
    if (thin && softwareBeyondName < 0.5 && own.every(nameLike)) {
      outcome = "uncertain";
      reasons.push("thin-card", "name-only");
    } else if (nonSoftwareModality) {
      outcome = "uncertain";
      reasons.push("activity-evidence", "software-evidence", "non-software-modality");
    } else {
      outcome = "relevant";
      reasons.push("activity-evidence", "software-evidence");
      if (thin) reasons.push("thin-card");
    }
  } else if (activityScore >= RELEVANT_AT) {
    const allAmbiguous = taskItems.length > 0 && own.every((i) => taskItems.some((t) => t.item === i && t.ambiguous));
    outcome = allAmbiguous ? "not-relevant" : "uncertain";
    reasons.push("activity-evidence", "no-software-evidence");
    if (allAmbiguous) reasons.push("ambiguous-task");
  } else if (activityScore >= WEAK_AT && softwareScore >= SOFTWARE_AT) {
    outcome = "uncertain";
    reasons.push("weak-activity-evidence", "software-evidence");
  } else {
    outcome = "not-relevant";
    reasons.push("weak-activity-evidence", softwareScore >= SOFTWARE_AT ? "software-evidence" : "no-software-evidence");
  }

  const ordered = items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => b.item.weight - a.item.weight || b.item.software - a.item.software || a.index - b.index)
    .map((x) => x.item);
  return {
    outcome,
    relevant: outcome === "relevant",
    reasons,
    evidence: ordered,
    activityScore,
    softwareScore,
    rationale: rationaleOf(activity, outcome, reasons, ordered, activityScore, softwareScore),
  };
}

interface TaskItem {
  item: EvidenceItem;
  ambiguous: boolean;
  /** Lowercased text around the occurrence, the occurrence itself left out. */
  context: string;
}

function occurrenceItem(
  e: TaskEvidence,
  activity: ActivityCode,
  record: ModelRecord,
  purpose: CardPurpose,
  body: string,
  data: SeSignalData,
  ambiguousNames: ReadonlySet<string>,
): TaskItem {
  // Evidence from older runs carries no provenance: card text (and a bare task name found in the card) reads as prose.
  const provenance =
    e.provenance && isProvenance(e.provenance)
      ? e.provenance
      : e.source === "card" || (e.source === "unknown" && locate(body, e) >= 0)
        ? "card.prose"
        : e.source === "abstract"
          ? "abstract"
          : "meta.other";
  let sectionClass: SectionClass | null = null;
  let weight: number;
  let note: string;
  let context = `${e.before} ${e.after}`.toLowerCase();
  if (provenance.startsWith("card.")) {
    const at = e.charStart ?? locate(body, e);
    const index = at >= 0 ? sectionIndexAt(purpose.layout, at) : -1;
    sectionClass = at >= 0 ? classOfSection(purpose, index) : "neutral";
    const table = CARD_WEIGHT[provenance];
    weight = table ? table[sectionClass] : 0;
    note = table ? `${PROVENANCE_LABELS[provenance]} in a ${sectionClass} section` : `${PROVENANCE_LABELS[provenance]}: not text about the model`;
    if (at >= 0) {
      const end = e.charEnd ?? at + e.raw.length;
      context = sentenceAround(body, at, end);
      // A heading is read with the first sentence of its section.
      if (provenance === "card.heading") {
        const lineEnd = body.indexOf("\n", end);
        const after = lineEnd < 0 ? "" : body.slice(lineEnd, lineEnd + 300).replace(/^\s+/, "");
        const stop = after.search(/[.!?](?=\s|$)|\n\s*\n/);
        context = `${context} ${(stop >= 0 ? after.slice(0, stop) : after).toLowerCase()}`;
      }
      if (weight > 0 && negated(body.slice(Math.max(0, at - 80), at))) {
        weight = 0;
        note = "negated in its sentence";
      }
    }
    if (weight > 0 && provenance === "card.heading" && index === 0 && purpose.titleIsName) {
      weight = METADATA_WEIGHT["model-id"]!;
      note = "title repeats the model name: weighed as the name";
    }
  } else {
    weight = METADATA_WEIGHT[provenance] ?? 0;
    note = weight > 0 ? `${PROVENANCE_LABELS[provenance]}` : `${PROVENANCE_LABELS[provenance]}: not text about the model`;
    if (provenance === "abstract") {
      const paper = record.papers.find((p) => `arxiv:${p.id}` === e.field);
      const text = (paper?.abstract ?? "").toLowerCase();
      const at = e.charStart ?? text.indexOf(e.raw.toLowerCase());
      if (at >= 0) context = sentenceAround(text, at, at + e.raw.length);
    }
  }
  // Evidence rebuilt from task names alone (older runs) has the name where the id should be.
  const ambiguous = data.ambiguousTasks.has(e.taskId) || ambiguousNames.has(e.task.toLowerCase());
  return {
    item: {
      kind: "task",
      activity,
      weight,
      software: ambiguous ? 0 : weight,
      provenance,
      field: e.field,
      section: e.section ?? "",
      sectionClass,
      raw: e.raw,
      label: e.task,
      note,
    },
    ambiguous,
    context,
  };
}

/** Evidence from an older run has no offsets: find it in the body by its context. */
function locate(body: string, e: TaskEvidence): number {
  const probe = `${e.before}${e.raw}`;
  const at = probe.trim() ? body.indexOf(probe) : -1;
  if (at >= 0) return at + e.before.length;
  const exact = body.indexOf(e.raw);
  return exact >= 0 || e.raw === "" ? exact : body.toLowerCase().indexOf(e.raw.toLowerCase());
}

/**
 * The sentence around [at, end), the phrase itself left out, lowercased: from the previous sentence
 * end (". ", "! ", "? ", a blank line, a list item or heading start) to the next, at most 200
 * characters either side.
 */
function sentenceAround(text: string, at: number, end: number): string {
  const left = text.slice(Math.max(0, at - 200), at);
  const right = text.slice(end, end + 200);
  const boundary = /[.!?](?=\s)|\n\s*\n|\n\s*(?:[-*+]|\d+[.)]|#+)\s|\|/g;
  let from = 0;
  for (const m of left.matchAll(boundary)) from = m.index! + m[0].length;
  const next = right.search(/[.!?](?=\s|$)|\n\s*\n|\n\s*(?:[-*+]|\d+[.)]|#+)\s|\|/);
  return `${left.slice(from)} ${next >= 0 ? right.slice(0, next) : right}`.toLowerCase();
}

/** A negation in the same sentence, before the phrase. */
function negated(before: string): boolean {
  const sentence = before.split(/[.!?;\n]/).pop() ?? "";
  return NEGATION.test(sentence);
}

function ignoredReason(item: EvidenceItem): string {
  if (item.note === "negated in its sentence") return "ignored:negated";
  if (item.sectionClass === "noise") return "ignored:section-not-about-the-model";
  if (item.note.startsWith("ambiguous task")) return "ignored:ambiguous-task-without-software-context";
  return `ignored:${item.provenance}`;
}

function softwareWordsIn(text: string, data: SeSignalData): { strong: string[]; weak: string[] } {
  if (text === "") return { strong: [], weak: [] };
  return { strong: data.softwareWords.strong.filter((w) => hasWord(text, w)), weak: data.softwareWords.weak.filter((w) => hasWord(text, w)) };
}

const wordPatterns = new Map<string, RegExp>();
function hasWord(text: string, word: string): boolean {
  let pattern = wordPatterns.get(word);
  if (!pattern) {
    pattern = new RegExp(`(?<![\\p{L}\\p{N}])${word.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&").replace(/ /g, "[\\s-]+")}(?![\\p{L}\\p{N}])`, "u");
    wordPatterns.set(word, pattern);
  }
  return pattern.test(text);
}

/** The strongest piece counts fully, the rest half: several weak hints add up, but slowly. */
function aggregate(weights: number[]): number {
  if (weights.length === 0) return 0;
  const sorted = weights.slice().sort((a, b) => b - a);
  return round(Math.min(3, sorted[0]! + 0.5 * total(sorted.slice(1))));
}

function total(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

const SENTENCES: Readonly<Record<string, string>> = {
  "no-activity-evidence": "nothing about what the model is for points to this activity",
  "non-software-modality": "the model works on images, audio, video or tables",
  "no-software-evidence": "nothing shows the model works on software",
  "software-evidence": "the model works on software",
  "activity-evidence": "its purpose points to this activity",
  "weak-activity-evidence": "only weak hints point to this activity",
  "thin-card": "the card is a thin stub",
  "name-only": "only the model's name suggests it",
  "ambiguous-task": "the task words have common non-software meanings here",
};

function rationaleOf(activity: ActivityCode, outcome: Outcome, reasons: string[], items: EvidenceItem[], activityScore: number, softwareScore: number): string {
  const said = reasons.filter((r) => SENTENCES[r]).map((r) => SENTENCES[r]!);
  const top = items
    .filter((i) => i.weight > 0)
    .slice(0, 3)
    .map((i) => `${i.kind === "task" ? `"${i.label}"` : i.label} (${i.provenance}${i.section ? `, ${i.section}` : ""})`);
  const ignored = items
    .filter((i) => i.kind === "task" && i.weight === 0)
    .slice(0, 2)
    .map((i) => `"${i.label}" (${i.note})`);
  const parts = [`${OFFLINE_JUDGE_LABEL}: ${outcome} for ${activity}: ${said.join("; ")}.`, `Scores: activity ${activityScore}, software ${softwareScore}.`];
  if (top.length > 0) parts.push(`Evidence: ${top.join("; ")}.`);
  if (ignored.length > 0) parts.push(`Set aside: ${ignored.join("; ")}.`);
  return parts.join(" ");
}
