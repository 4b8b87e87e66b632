/**
 * Run the real pipeline on labelled cards (a Hub-API JSON Lines dump): ingest, funnel (search, Table
 * III rules, near-identical cards), the relevance judge; then score every labelled (model, activity)
 * pair against the labels (src/evaluate/pairs.ts).
 */
import { join } from "node:path";
import { ingestJsonl } from "../../src/corpus/ingest";
import { pairDecisions, pairScores, type PairDecision, type PairLabel, type PairScores } from "../../src/evaluate/pairs";
import type { RelevanceJudge } from "../../src/judges/candidate";
import { readUniqueModels, readVerdicts, runTablePath } from "../../src/run/files";
import { runFunnel } from "../../src/pipeline/funnel";
import { runRelevanceCheck } from "../../src/pipeline/relevance";

export interface JudgeEvaluation {
  decisions: PairDecision[];
  scores: PairScores[];
  runDir: string;
  corpusDir: string;
}

export async function evaluateOnDump(
  dumpPath: string,
  labels: readonly PairLabel[],
  workDir: string,
  judgeInstance?: RelevanceJudge,
  options: { discover?: boolean; corpusDir?: string } = {},
): Promise<JudgeEvaluation> {
  const corpusDir = options.corpusDir ?? join(workDir, "corpus");
  const runDir = join(workDir, "run");
  if (!options.corpusDir) await ingestJsonl(dumpPath, corpusDir);
  await runFunnel({ corpusDir, outDir: runDir, workers: 1, progress: "silent", ...(options.discover ? { discover: true } : {}) });
  await runRelevanceCheck({ runDir, corpusDir, judge: "offline", progress: "silent", judgeInstance });
  const unique = readUniqueModels(runDir);
  const verdicts = readVerdicts(runTablePath(runDir, "verdicts"));
  const decisions = pairDecisions(labels, unique, verdicts);
  return { decisions, scores: (["before-judge", "judge", "end-to-end"] as const).map((s) => pairScores(decisions, s)), runDir, corpusDir };
}
