/**
 * The per-shard part of the funnel, pure: search every record of one corpus shard, apply the Table III
 * outlier rules, and keep only what later stages need: the rows for the stage tables (encoded as Arrow
 * record batches, so a worker thread can hand them over as bytes), one compact row per candidate (with
 * its card body for the near-identical check), problems, and counts.
 */
import { tableFromIPC, tableToIPC, type RecordBatch } from "apache-arrow";
import type { ModelRecord } from "../corpus/record";
import { createdUpTo, type SnapshotCutoff } from "../corpus/snapshot";
import { applyOutlierRules, modelsAfterOutliers, type OutlierTasks } from "../filter/outliers";
import type { Preparer } from "../prepare/preparer";
import { documentationRowOf } from "../search/documentation";
import { searchRecord } from "../search/match";
import type { CompiledTaxonomy } from "../search/phrases";
import { emptyActivityCounts, type ActivityCounts } from "../run/funnel-table";
import {
  DISCOVERY_EVIDENCE,
  DOCUMENTATION,
  MATCHES,
  OCCURRENCES,
  type CandidateModel,
  type DiscoveryEvidenceRow,
  type DocumentationRow,
  type Occurrence,
  type ProblemRow,
} from "../run/tables";
import type { BaseLink } from "../signals/lineage";
import { discoverRecord, type DiscoveredCard, type DiscoveryContext } from "./discover";
import { ACTIVITY_CODES } from "../taxonomy/taxonomy";
import { columnNames, rowsToTable, type TableSpec } from "../util/arrow-table";

/** A model left after the outlier rules, with what the near-identical check reads. */
export interface CandidateCard extends CandidateModel {
  createdAt: string | null;
  /** Card body (README after the front matter); "" when the model has no readable card. */
  text: string;
}

export interface ShardCounts {
  models: number;
  /** Models with at least one task occurrence (any source), per activity of the matched tasks. */
  matched: ActivityCounts;
  afterOutliers: ActivityCounts;
  occurrences: number;
  /** Occurrences of each outlier task before the rules (for the 89.01% share). */
  outlierTaskOccurrences: Record<string, number>;
  /** Occurrences a Table III rule removed. */
  excludedOccurrences: number;
  /** With a snapshot cut-off: models created after it (left out, not in `models`) and undated models kept. */
  afterUntil?: number;
  undatedKept?: number;
}

/**
 * What discovery keeps of one shard (`funnel --discover`): the evidence rows, the models it offers on
 * their own evidence, and the base models of every model naming one (positions within the shard).
 */
export interface ShardDiscovery {
  evidenceIpc: Uint8Array;
  cards: Array<Omit<DiscoveredCard, "ordinal"> & { position: number }>;
  lineage: Array<{ position: number; id: string; bases: BaseLink[] }>;
  /** Position within the shard of each search candidate (for corpus order). */
  candidatePositions: number[];
}

/** What one shard gives the funnel. Table rows travel as Arrow IPC stream bytes. */
export interface ShardOutput {
  index: number;
  occurrencesIpc: Uint8Array;
  documentationIpc: Uint8Array;
  candidates: CandidateCard[];
  problems: ProblemRow[];
  counts: ShardCounts;
  /** Only with discovery. */
  discovery?: ShardDiscovery;
}

/** The text the near-identical check compares: the card body, "" without a readable card. */
export function nearDuplicateTextOf(record: ModelRecord): string {
  return record.cardStatus === "present" ? (record.cardBody ?? "") : "";
}

export interface ShardContext {
  compiled: CompiledTaxonomy;
  preparer: Preparer;
  outlierTasks: OutlierTasks;
  /** Snapshot cut-off: records created after it are left out (counted in `afterUntil`). */
  until?: SnapshotCutoff | null;
  /** Discovery beside the search (`funnel --discover`); absent: the paper's method alone. */
  discovery?: DiscoveryContext;
}

/** Count one model: overall, and once under each activity code it has. */
export function countActivities(counts: ActivityCounts, activities: Iterable<string>): void {
  counts.all++;
  const seen = new Set(activities);
  for (const code of ACTIVITY_CODES) if (seen.has(code)) counts[code]++;
}

export function processShard(index: number, records: readonly ModelRecord[], context: ShardContext): ShardOutput {
  const occurrences: Occurrence[] = [];
  const documentation: DocumentationRow[] = [];
  const candidates: CandidateCard[] = [];
  const problems: ProblemRow[] = [];
  const counts: ShardCounts = {
    models: 0,
    matched: emptyActivityCounts(),
    afterOutliers: emptyActivityCounts(),
    occurrences: 0,
    outlierTaskOccurrences: Object.fromEntries(Object.keys(context.outlierTasks).map((task) => [task, 0])),
    excludedOccurrences: 0,
  };
  if (context.until) {
    counts.afterUntil = 0;
    counts.undatedKept = 0;
  }
  const searchOne = (record: ModelRecord): void => {
    counts.models++;
    for (const p of record.problems) problems.push({ modelId: record.id, stage: p.stage, code: p.code, message: p.message });
    let modelOccurrences: Occurrence[];
    try {
      const result = searchRecord(record, context.compiled, context.preparer);
      modelOccurrences = applyOutlierRules(record, result.matches, context.outlierTasks);
      // Recorded only once both steps succeeded, so a failure never leaves a second documentation row.
      for (const p of result.problems) problems.push({ modelId: record.id, stage: "search", code: p.code, message: p.message });
      documentation.push(result.documentation);
    } catch (error) {
      // The model stays in the tables (no matches) and the reason is recorded.
      problems.push({ modelId: record.id, stage: "search", code: "search-failed", message: (error as Error).message });
      documentation.push(documentationRowOf(record, []));
      modelOccurrences = [];
    }
    if (modelOccurrences.length === 0) return;
    countActivities(
      counts.matched,
      modelOccurrences.map((o) => o.activity),
    );
    for (const o of modelOccurrences) {
      occurrences.push(o);
      counts.occurrences++;
      if (Object.hasOwn(counts.outlierTaskOccurrences, o.task)) counts.outlierTaskOccurrences[o.task]!++;
      if (o.excludedBy !== null) counts.excludedOccurrences++;
    }
    const candidate = modelsAfterOutliers(modelOccurrences)[0];
    if (candidate === undefined) return;
    countActivities(counts.afterOutliers, candidate.activities);
    candidates.push({
      ...candidate,
      createdAt: record.createdAt,
      text: nearDuplicateTextOf(record),
    });
  };
  const discovery: DiscoveryBuffers | null = context.discovery ? { evidence: [], cards: [], lineage: [], candidatePositions: [] } : null;
  for (const [position, record] of records.entries()) {
    if (context.until) {
      const kept = createdUpTo(record.createdAt, context.until);
      // Left out of the run: neither searched nor discovered.
      if (kept === false) {
        counts.afterUntil!++;
        continue;
      }
      if (kept === null) counts.undatedKept!++;
    }
    const before = candidates.length;
    searchOne(record);
    if (!discovery) continue;
    const searched = candidates.length > before;
    if (searched) discovery.candidatePositions.push(position);
    try {
      discoverInShard(record, position, searched, context.discovery!, discovery);
    } catch (error) {
      // The model stays without discovery evidence and the reason is recorded.
      problems.push({ modelId: record.id, stage: "discover", code: "discover-failed", message: (error as Error).message });
    }
  }
  return {
    index,
    occurrencesIpc: encodeRows(occurrences, OCCURRENCES),
    documentationIpc: encodeRows(documentation, DOCUMENTATION),
    candidates,
    problems,
    counts,
    ...(discovery
      ? {
          discovery: {
            evidenceIpc: encodeRows(discovery.evidence, DISCOVERY_EVIDENCE),
            cards: discovery.cards,
            lineage: discovery.lineage,
            candidatePositions: discovery.candidatePositions,
          },
        }
      : {}),
  };
}

type DiscoveryBuffers = Omit<ShardDiscovery, "evidenceIpc"> & { evidence: DiscoveryEvidenceRow[] };

/** One record's discovery: its evidence rows, the model when it stands for an activity, its base models. */
function discoverInShard(record: ModelRecord, position: number, searched: boolean, context: DiscoveryContext, into: DiscoveryBuffers): void {
  const found = discoverRecord(record, context);
  into.evidence.push(...found.evidence);
  if (found.activities.length > 0) {
    into.cards.push({
      position,
      id: record.id,
      activities: found.activities,
      createdAt: record.createdAt,
      text: searched ? null : nearDuplicateTextOf(record),
    });
  }
  if (found.bases.length > 0) into.lineage.push({ position, id: record.id, bases: found.bases });
}

/** Rows as Arrow IPC stream bytes (a writer fed decoded batches takes later rows in this form too, see {@link decodeBatches}). */
export function encodeRows<Row>(rows: readonly Row[], spec: TableSpec<Row>): Uint8Array {
  return tableToIPC(rowsToTable(rows, spec), "stream");
}

/**
 * The record batches of rows encoded by {@link processShard}. A file writer that took decoded batches
 * must take every later batch decoded too: apache-arrow compares a fresh batch's schema with a decoded
 * one's by type class (Int32 against Int_) and would start the file over.
 */
export function decodeBatches(bytes: Uint8Array): RecordBatch[] {
  return tableFromIPC(bytes).batches;
}

/** Occurrence batches without the `excludedBy` column: the rows of the matches table. */
export function matchBatches(occurrenceBatches: readonly RecordBatch[]): RecordBatch[] {
  const names = columnNames(MATCHES);
  return occurrenceBatches.map((batch) => batch.select(names));
}
