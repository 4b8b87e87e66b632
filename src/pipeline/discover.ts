/**
 * Discovery beside the paper's keyword search (`funnel --discover`): candidates found from SE evidence
 * that is not a task phrase. The paper offers a (model, activity) pair to the judge only where a task
 * phrase of the taxonomy stands in the card, its metadata or a linked abstract; many SE models never use
 * one. Their evidence is elsewhere:
 *
 * - the SE signals of src/signals (code and task tags, programming languages, curated SE datasets and
 *   benchmarks of taxonomy/se-datasets.json, words of the model's and its base models' names, task
 *   phrases in the name), plus a pipeline tag that names SE work (a card's `pipeline_tag: text-to-sql`);
 * - lineage: a model whose `base_model` chain (fine-tune, adapter, quantisation, merge) reaches a model
 *   that stands for an activity in the same run inherits candidacy for that activity, the chain as its
 *   evidence.
 *
 * Each piece of evidence is a row shaped like an occurrence (DISCOVERY_EVIDENCE, src/run/tables.ts). A
 * signal that names an activity makes the model a candidate for it; one that only says the model works
 * on code makes it a candidate for SI (writing code is software implementation). Where the paper's rules
 * apply they apply: a task phrase of an outlier task in the name goes through Table III like any
 * occurrence. A model of a non-software modality (images, audio, video, tables; the offline judge's
 * list) is a candidate only on evidence its author gave (a tag, a pipeline tag, a training dataset), not
 * on words of names or a benchmark it was measured on. A model and its activity reach the judge with all
 * their evidence, and each activity is judged on its own.
 *
 * The work is split for the streaming funnel: {@link discoverRecord} runs per record inside a shard (a
 * worker thread); {@link resolveDiscovery} runs once after the last shard, over what the shards kept: the
 * compact lineage graph (id -> base models), the models that stand for an activity, and the card texts
 * of the models discovery offers; the card texts of models found only through lineage are read in a
 * second, column-only pass over the corpus.
 */
import type { ModelRecord } from "../corpus/record";
import { readCorpusColumns } from "../corpus/store";
import { DEFAULT_OUTLIER_TASKS, firstExcludingRule, hasCodeTag, type OutlierTasks } from "../filter/outliers";
import { findNearDuplicates, type NearDuplicateProblem } from "../filter/near-duplicates";
import { NON_SOFTWARE_PIPELINES } from "../judges/offline-rules";
import type { Preparer } from "../prepare/preparer";
import type { CompiledTaxonomy } from "../search/phrases";
import type { SeSignalData } from "../signals/data";
import { baseLinksOf, chainIds, DEFAULT_LINEAGE_DEPTH, isReupload, lineageKey, LineageGraph, type BaseLink, type LineageChain } from "../signals/lineage";
import { seSignalsOf, type SeSignal } from "../signals/signals";
import type { CandidateModel, DiscoveredModel, DiscoveryEvidenceRow } from "../run/tables";
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";

export interface DiscoverOptions {
  /** Most links walked up a base-model chain (default 6). */
  lineageDepth?: number;
}

/** What discovery needs per record (built once per worker). */
export interface DiscoveryContext {
  data: SeSignalData;
  phrases: { compiled: CompiledTaxonomy; preparer: Preparer };
  outlierTasks?: OutlierTasks;
}

/** Kinds of evidence an author gives about the model itself; the rest (names, benchmarks) are circumstantial. */
const AUTHOR_KINDS = new Set(["code-tag", "task-tag", "pipeline-tag", "se-dataset"]);

/** One record's discovery: its evidence rows and the activities they make it a candidate for. */
export interface RecordDiscovery {
  evidence: DiscoveryEvidenceRow[];
  /** Activities it stands for on its own evidence (RE SD SI QA SM order); [] when none. */
  activities: ActivityCode[];
  /** Its base models (for lineage). */
  bases: BaseLink[];
}

function signalRow(s: SeSignal, excludedBy: string | null): DiscoveryEvidenceRow {
  return {
    modelId: s.modelId,
    activity: s.activity ?? "SI",
    kind: s.kind,
    speaksFor: s.activity ?? "software",
    label: s.label,
    taskId: s.taskId,
    task: s.task,
    source: s.source,
    field: s.field,
    provenance: s.provenance,
    section: s.section,
    charStart: s.charStart,
    charEnd: s.charEnd,
    raw: s.raw,
    before: s.before,
    after: s.after,
    reference: s.reference,
    excludedBy,
    chain: [],
    relations: [],
    seed: null,
    seedJudgedAs: null,
  };
}

/** A pipeline tag that names SE work (one of the curated code or task tags) and is not among the model's tags already. */
function pipelineTagRows(record: ModelRecord, data: SeSignalData): DiscoveryEvidenceRow[] {
  const value = record.pipelineTag ?? record.cardMeta?.pipelineTag ?? null;
  if (value === null) return [];
  const tag = value.trim().toLowerCase();
  if ([...record.tags, ...(record.cardMeta?.tags ?? [])].some((t) => t.trim().toLowerCase() === tag)) return [];
  const activities: Array<ActivityCode | null> = [...(data.codeTags.general.has(tag) ? [null] : []), ...(data.codeTags.byActivity.get(tag) ?? [])];
  return activities.map((activity) => ({
    modelId: record.id,
    activity: activity ?? "SI",
    kind: "pipeline-tag",
    speaksFor: activity ?? "software",
    label: `pipeline tag ${tag}`,
    taskId: null,
    task: null,
    source: "metadata",
    field: record.pipelineTag !== null ? "pipeline_tag" : "meta.pipeline_tag",
    provenance: "meta.pipeline-tag",
    section: "",
    charStart: 0,
    charEnd: value.length,
    raw: value,
    before: "",
    after: "",
    reference: "hub-tags",
    excludedBy: null,
    chain: [],
    relations: [],
    seed: null,
    seedJudgedAs: null,
  }));
}

/** The discovery evidence of one record and the activities it stands for on it. */
export function discoverRecord(record: ModelRecord, context: DiscoveryContext): RecordDiscovery {
  const outlierTasks = context.outlierTasks ?? DEFAULT_OUTLIER_TASKS;
  const codeTag = hasCodeTag(record);
  const evidence: DiscoveryEvidenceRow[] = [];
  for (const s of seSignalsOf(record, context.data, { phrases: context.phrases })) {
    // A task phrase in the name is an occurrence like any other: Table III applies to the outlier tasks.
    const family = s.kind === "task-in-id" && s.task !== null && Object.hasOwn(outlierTasks, s.task) ? outlierTasks[s.task]! : null;
    const excludedBy = family === null ? null : firstExcludingRule(family, { raw: s.raw, before: s.before, after: s.after, hasCodeTag: codeTag });
    evidence.push(signalRow(s, excludedBy));
  }
  evidence.push(...pipelineTagRows(record, context.data));
  const bases = baseLinksOf(record);
  evidence.push(...baseNameRows(record, evidence, bases));
  const pipeline = (record.pipelineTag ?? record.cardMeta?.pipelineTag ?? "").toLowerCase();
  const authorOnly = NON_SOFTWARE_PIPELINES.has(pipeline);
  const standing = new Set<ActivityCode>();
  for (const row of evidence) {
    if (row.excludedBy !== null) continue;
    if (authorOnly && !(AUTHOR_KINDS.has(row.kind) && !row.label.endsWith("(benchmark)"))) continue;
    standing.add(row.activity);
  }
  return { evidence, activities: ACTIVITY_CODES.filter((a) => standing.has(a)), bases };
}

/**
 * A base model its name shows to be an SE model (a base-model word signal), with how the model was made
 * from it: one row per base and activity, the words that say so in its label.
 */
function baseNameRows(record: ModelRecord, evidence: readonly DiscoveryEvidenceRow[], bases: readonly BaseLink[]): DiscoveryEvidenceRow[] {
  const rows = new Map<string, DiscoveryEvidenceRow>();
  for (const w of evidence) {
    if (w.kind !== "base-model-word") continue;
    const base = bases.find((b) => b.field === w.field);
    if (!base) continue;
    const key = `${lineageKey(base.id)}\u0000${w.activity}`;
    const existing = rows.get(key);
    if (existing) {
      if (!existing.label.includes(`"${w.raw}"`)) existing.label = existing.label.replace(/\)$/, `, "${w.raw}")`);
      continue;
    }
    const how = base.relation === "quantized" ? "re-upload" : base.relation === "unknown" ? "derived" : base.relation;
    rows.set(key, {
      ...w,
      kind: "base-model-name",
      label: `${how} of ${base.id}, named as ${w.speaksFor === "software" ? "a code model" : `an ${w.speaksFor} model`} (words "${w.raw}")`,
      charStart: 0,
      charEnd: base.id.length,
      raw: base.id,
      before: "",
      after: "",
      chain: [record.id, base.id],
      relations: [base.relation],
      seed: base.id,
      seedJudgedAs: null,
    });
  }
  return [...rows.values()];
}

/** A model discovery offers on its own evidence, as a shard keeps it (card text only when the search did not keep it already). */
export interface DiscoveredCard {
  /** Position in the corpus (records before it). */
  ordinal: number;
  id: string;
  activities: ActivityCode[];
  createdAt: string | null;
  /** Card body for the near-identical check; null when the model is a search candidate (its text is kept there). */
  text: string | null;
}

/** A search candidate as discovery needs it. */
export interface SearchCandidate extends CandidateModel {
  ordinal: number;
  createdAt: string | null;
  text: string;
}

/** What the shards gave discovery, gathered in corpus order. */
export class DiscoveryState {
  readonly graph = new LineageGraph();
  /** Ordinal of every model in the graph. */
  readonly ordinals = new Map<string, number>();
  readonly cards: DiscoveredCard[] = [];

  addLineage(ordinal: number, id: string, bases: readonly BaseLink[]): void {
    if (bases.length === 0) return;
    this.graph.add(id, bases);
    if (!this.ordinals.has(lineageKey(id))) this.ordinals.set(lineageKey(id), ordinal);
  }
}

export interface DiscoveryResult {
  /** Lineage evidence rows (the signals' rows were written shard by shard). */
  lineageEvidence: DiscoveryEvidenceRow[];
  discovered: DiscoveredModel[];
  /** The unique table with discovery: the paper's rows with added activities, and the discovered models that reach the judge, in corpus order. */
  uniqueRows: CandidateModel[];
  problems: NearDuplicateProblem[];
  /** Models with a base model (the lineage graph's size) and lineage chains found. */
  lineageModels: number;
  chains: number;
}

function ordered(activities: Iterable<string>): ActivityCode[] {
  const set = new Set(activities);
  return ACTIVITY_CODES.filter((a) => set.has(a));
}

function lineageLabel(chain: LineageChain): string {
  const relations = chain.steps.map((s) => s.relation);
  return isReupload(chain) ? `re-upload of ${chain.seed}` : `derived from ${chain.seed} (${relations.join(" > ")})`;
}

function lineageRow(modelId: string, activity: ActivityCode, chain: LineageChain): DiscoveryEvidenceRow {
  const first = chain.steps[0]!;
  return {
    modelId,
    activity,
    kind: "lineage",
    speaksFor: activity,
    label: lineageLabel(chain),
    taskId: null,
    task: null,
    source: "metadata",
    field: first.field,
    provenance: "meta.base-model",
    section: "",
    charStart: 0,
    charEnd: first.to.length,
    raw: first.to,
    before: "",
    after: "",
    reference: null,
    excludedBy: null,
    chain: chainIds(chain),
    relations: chain.steps.map((s) => s.relation),
    seed: chain.seed,
    seedJudgedAs: null,
  };
}

/**
 * After the last shard: walk the lineage, decide which discovered models reach the judge (a near-copy of
 * an earlier candidate card does not), and build the unique table with discovery.
 *
 * `searchCandidates`: the models left after the Table III rules (with card text), in corpus order;
 * `paperUnique`: their ids left after the paper's near-identical check, and `paperOriginalOf` variant ->
 * original from it. Texts of lineage-only models are read from `corpusDir`.
 */
export async function resolveDiscovery(
  state: DiscoveryState,
  searchCandidates: readonly SearchCandidate[],
  paper: { uniqueIds: ReadonlySet<string>; originalOf: ReadonlyMap<string, string> },
  corpusDir: string,
  options: DiscoverOptions & { threshold: number },
): Promise<DiscoveryResult> {
  const searchByKey = new Map(searchCandidates.map((c) => [lineageKey(c.id), c]));
  const ownByKey = new Map(state.cards.map((c) => [lineageKey(c.id), c]));
  const standsFor = (key: string): ActivityCode[] | undefined => {
    const search = searchByKey.get(key)?.activities ?? [];
    const own = ownByKey.get(key)?.activities ?? [];
    return search.length === 0 && own.length === 0 ? undefined : ordered([...search, ...own]);
  };

  // Lineage: every model naming a base walks up to the nearest model standing for each activity.
  const lineageEvidence: DiscoveryEvidenceRow[] = [];
  const inherited = new Map<string, { id: string; ordinal: number; activities: Set<ActivityCode> }>();
  for (const id of state.graph.ids()) {
    const chains = state.graph.nearestSeeds(id, standsFor, { maxDepth: options.lineageDepth ?? DEFAULT_LINEAGE_DEPTH });
    if (chains.size === 0) continue;
    const key = lineageKey(id);
    const entry = { id, ordinal: state.ordinals.get(key)!, activities: new Set<ActivityCode>() };
    for (const activity of ordered(chains.keys())) {
      lineageEvidence.push(lineageRow(id, activity, chains.get(activity)!));
      entry.activities.add(activity);
    }
    inherited.set(key, entry);
  }

  // Every model discovery speaks for, with what the search found for it.
  interface Offer {
    id: string;
    ordinal: number;
    activities: ActivityCode[];
    added: ActivityCode[];
    via: string[];
    search: SearchCandidate | undefined;
    createdAt: string | null;
    text: string | null;
  }
  const offers = new Map<string, Offer>();
  const offer = (key: string, id: string, ordinal: number, activities: Iterable<ActivityCode>, via: string, createdAt: string | null, text: string | null) => {
    const search = searchByKey.get(key);
    const existing = offers.get(key);
    if (existing) {
      existing.activities = ordered([...existing.activities, ...activities]);
      if (!existing.via.includes(via)) existing.via.push(via);
      return;
    }
    offers.set(key, { id, ordinal, activities: ordered(activities), added: [], via: [via], search, createdAt, text });
  };
  for (const card of state.cards) offer(lineageKey(card.id), card.id, card.ordinal, card.activities, "signals", card.createdAt, card.text);
  for (const [key, entry] of inherited) offer(key, entry.id, entry.ordinal, entry.activities, "lineage", null, null);
  for (const o of offers.values()) o.added = o.activities.filter((a) => !(o.search?.activities ?? []).includes(a));
  const beyond = [...offers.values()].filter((o) => o.added.length > 0).sort((a, b) => a.ordinal - b.ordinal);

  // Card texts of the models found only through lineage (and not searched): a column-only pass over the corpus.
  const needText = new Map(beyond.filter((o) => o.search === undefined && o.text === null).map((o) => [o.id, o]));
  if (needText.size > 0) {
    for await (const batch of readCorpusColumns(corpusDir, ["id", "createdAt", "cardStatus", "cardBody"])) {
      for (let i = 0; i < batch.id.length; i++) {
        const o = needText.get(batch.id[i]!);
        if (!o) continue;
        o.createdAt = batch.createdAt[i] ?? null;
        o.text = batch.cardStatus[i] === "present" ? (batch.cardBody[i] ?? "") : "";
      }
    }
  }

  // Near-identical cards: a discovered card that is a near-copy of an earlier candidate card, or the
  // earlier card of one the paper kept, does not reach the judge; the paper's own decisions stand.
  const discoveredOnly = beyond.filter((o) => o.search === undefined);
  const union = [
    ...searchCandidates.filter((c) => paper.uniqueIds.has(c.id)).map((c) => ({ id: c.id, createdAt: c.createdAt, text: c.text })),
    ...discoveredOnly.map((o) => ({ id: o.id, createdAt: o.createdAt, text: o.text ?? "" })),
  ];
  const near = discoveredOnly.length > 0 ? findNearDuplicates(union, { threshold: options.threshold }) : null;
  const duplicate = new Map<string, { of: string; similarity: number }>();
  const discoveredIds = new Set(discoveredOnly.map((o) => o.id));
  for (const pair of near?.pairs ?? []) {
    if (discoveredIds.has(pair.variant)) duplicate.set(pair.variant, { of: pair.original, similarity: pair.similarity });
    else if (discoveredIds.has(pair.original) && !duplicate.has(pair.original)) duplicate.set(pair.original, { of: pair.variant, similarity: pair.similarity });
  }
  const discovered: DiscoveredModel[] = beyond.map((o) => {
    const searched = o.search !== undefined;
    const paperOriginal = searched && !paper.uniqueIds.has(o.id) ? (paper.originalOf.get(o.id) ?? null) : null;
    const dup = searched ? null : (duplicate.get(o.id) ?? null);
    const duplicateOf = paperOriginal ?? dup?.of ?? null;
    return {
      id: o.id,
      activities: o.activities,
      added: o.added,
      via: o.via,
      searched,
      duplicateOf,
      similarity: dup?.similarity ?? null,
      kept: duplicateOf === null && (!searched || paper.uniqueIds.has(o.id)),
    };
  });

  // The model whose verdict stands for a seed: itself when it reaches the judge, else the card it copies.
  const kept = new Set([...paper.uniqueIds, ...discovered.filter((d) => d.kept).map((d) => d.id)]);
  const duplicateOf = new Map<string, string>(paper.originalOf);
  for (const d of discovered) if (d.duplicateOf !== null) duplicateOf.set(d.id, d.duplicateOf);
  const byKey = new Map([...kept, ...duplicateOf.keys()].map((id) => [lineageKey(id), id]));
  const judgedAs = (seed: string): string | null => {
    let id = byKey.get(lineageKey(seed)) ?? null;
    for (let hops = 0; id !== null && hops < 8; hops++) {
      if (kept.has(id)) return id;
      id = duplicateOf.get(id) ?? null;
    }
    return null;
  };
  for (const row of lineageEvidence) row.seedJudgedAs = judgedAs(row.seed!);

  // The unique table: the paper's rows (with what discovery adds) and the discovered models kept, in corpus order.
  const addedById = new Map(discovered.filter((d) => d.kept).map((d) => [d.id, d]));
  const rows: Array<{ ordinal: number; row: CandidateModel }> = [];
  for (const c of searchCandidates) {
    if (!paper.uniqueIds.has(c.id)) continue;
    const extra = addedById.get(c.id);
    rows.push({
      ordinal: c.ordinal,
      row: { id: c.id, activities: extra ? ordered([...c.activities, ...extra.added]) : c.activities, tasks: c.tasks, taskIds: c.taskIds },
    });
  }
  for (const o of discoveredOnly) {
    if (!addedById.has(o.id)) continue;
    rows.push({ ordinal: o.ordinal, row: { id: o.id, activities: o.activities, tasks: [], taskIds: [] } });
  }
  rows.sort((a, b) => a.ordinal - b.ordinal);
  return {
    lineageEvidence,
    discovered,
    uniqueRows: rows.map((r) => r.row),
    problems: near?.problems ?? [],
    lineageModels: state.graph.size,
    chains: lineageEvidence.length,
  };
}
