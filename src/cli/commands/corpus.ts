import type { Command } from "commander";
import { abstractsHint, unresolvedArxivIds } from "../../corpus/arxiv-status";
import { CARD_STATUSES, type CardStatus } from "../../corpus/record";
import { findRecord, readCorpusColumns, readManifest } from "../../corpus/store";
import { compareText } from "../../util/text";

export interface CorpusSummary {
  dir: string;
  records: number;
  shards: number;
  synthetic: boolean;
  createdBy: string;
  cardStatus: Record<CardStatus, number>;
  /** Record problems counted by `stage/code`, most frequent first (ties by name). */
  problems: Array<{ stage: string; code: string; count: number }>;
  recordsWithProblems: number;
  withCardMeta: number;
  withArxivIds: number;
  /** Lines the ingest could not load (from the manifest), when the corpus came from a dump. */
  ingestProblemLines: number | null;
  /** Models with arXiv ids never looked up (no abstract, no recorded answer), and how many such ids. */
  modelsWithUnresolvedArxiv: number;
  unresolvedArxivIds: number;
  /** What the corpus's source cannot tell (from the manifest, e.g. a card dump lacks models without a README). */
  notInSource: Record<string, string>;
  /** The snapshot cut-off the corpus was made with, if any. */
  until: string | null;
}

/** Stream a corpus once and count what `corpus inspect` shows. */
export async function summariseCorpus(dir: string): Promise<CorpusSummary> {
  const manifest = await readManifest(dir);
  const cardStatus = Object.fromEntries(CARD_STATUSES.map((s) => [s, 0])) as Record<CardStatus, number>;
  const problemCounts = new Map<string, number>();
  let records = 0;
  let recordsWithProblems = 0;
  let withCardMeta = 0;
  let withArxivIds = 0;
  let modelsWithUnresolvedArxiv = 0;
  let unresolvedIds = 0;
  // Only the columns counted here are decoded, so card texts are never materialised.
  const columns = ["cardStatus", "hasCardMeta", "arxivIds", "paperIds", "problemStages", "problemCodes", "problemMessages"] as const;
  for await (const shard of readCorpusColumns(dir, columns)) {
    for (let i = 0; i < shard.cardStatus.length; i++) {
      records++;
      cardStatus[shard.cardStatus[i]!]++;
      if (shard.hasCardMeta[i]) withCardMeta++;
      if (shard.arxivIds[i]!.length > 0) {
        withArxivIds++;
        const unresolved = unresolvedArxivIds({
          arxivIds: shard.arxivIds[i]!,
          paperIds: shard.paperIds[i]!,
          problemStages: shard.problemStages[i]!,
          problemCodes: shard.problemCodes[i]!,
          problemMessages: shard.problemMessages[i]!,
        });
        if (unresolved.length > 0) modelsWithUnresolvedArxiv++;
        unresolvedIds += unresolved.length;
      }
      const stages = shard.problemStages[i]!;
      if (stages.length > 0) recordsWithProblems++;
      for (let k = 0; k < stages.length; k++) {
        const key = `${stages[k]}/${shard.problemCodes[i]![k]}`;
        problemCounts.set(key, (problemCounts.get(key) ?? 0) + 1);
      }
    }
  }
  const problems = [...problemCounts.entries()]
    .map(([key, count]) => {
      const slash = key.indexOf("/");
      return { stage: key.slice(0, slash), code: key.slice(slash + 1), count };
    })
    .sort((a, b) => b.count - a.count || compareText(`${a.stage}/${a.code}`, `${b.stage}/${b.code}`));
  const ingest = manifest.ingest as { problemLines?: unknown } | undefined;
  const source = manifest.source as { notInSource?: Record<string, string> } | undefined;
  const snapshot = manifest.snapshot as { until?: unknown } | undefined;
  return {
    dir,
    records,
    shards: manifest.shards.length,
    synthetic: manifest.synthetic,
    createdBy: manifest.createdBy,
    cardStatus,
    problems,
    recordsWithProblems,
    withCardMeta,
    withArxivIds,
    ingestProblemLines: typeof ingest?.problemLines === "number" ? ingest.problemLines : null,
    modelsWithUnresolvedArxiv,
    unresolvedArxivIds: unresolvedIds,
    notInSource: source?.notInSource && typeof source.notInSource === "object" ? { ...source.notInSource } : {},
    until: typeof snapshot?.until === "string" ? snapshot.until : null,
  };
}

export function formatSummary(s: CorpusSummary): string {
  const pct = (n: number) => (s.records === 0 ? "0.00" : ((100 * n) / s.records).toFixed(2));
  const lines = [
    `corpus ${s.dir}${s.synthetic ? "  [SYNTHETIC: generated data, not the real Hub]" : ""}`,
    `  created by ${s.createdBy}`,
    `  ${s.records} models in ${s.shards} shards`,
    `card status:`,
    ...CARD_STATUSES.map((status) => `  ${status.padEnd(8)} ${String(s.cardStatus[status]).padStart(10)}  ${pct(s.cardStatus[status]).padStart(6)}%`),
    `  with card metadata ${s.withCardMeta}, with arXiv ids ${s.withArxivIds}`,
    `problems: ${s.recordsWithProblems} models carry at least one`,
    ...s.problems.map((p) => `  ${`${p.stage}/${p.code}`.padEnd(36)} ${String(p.count).padStart(10)}`),
  ];
  if (s.ingestProblemLines !== null) lines.push(`ingest: ${s.ingestProblemLines} input lines not loaded (see ingest-problems.jsonl)`);
  if (s.until !== null) lines.push(`snapshot: models created up to ${s.until}`);
  const limits = Object.entries(s.notInSource);
  if (limits.length > 0) lines.push("not in the source:", ...limits.map(([key, why]) => `  ${key}: ${why}`));
  if (s.unresolvedArxivIds > 0) {
    lines.push(
      `warning: ${s.modelsWithUnresolvedArxiv} models have ${s.unresolvedArxivIds} arXiv ids without abstracts (never looked up); Table VI's abstract rows cannot be counted; ${abstractsHint(s.dir)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export function register(program: Command): void {
  const corpus = program.command("corpus").description("look inside a corpus directory");
  corpus
    .command("inspect")
    .description("count models, card status, and problems by code")
    .argument("<dir>", "corpus directory")
    .option("--json", "print the summary as JSON")
    .action(async (dir: string, options: { json?: boolean }) => {
      const summary = await summariseCorpus(dir);
      process.stdout.write(options.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
    });
  corpus
    .command("show")
    .description("print one model record as JSON")
    .argument("<dir>", "corpus directory")
    .argument("<modelId>", "Hub model id, e.g. gpt2 or bigcode/starcoder")
    .action(async (dir: string, modelId: string) => {
      const record = await findRecord(dir, modelId);
      if (!record) throw new Error(`model ${modelId} is not in the corpus at ${dir}`);
      process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    });
}
