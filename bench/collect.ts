/**
 * Benchmark: crawl throughput against the loopback Hub and arXiv doubles, and the projected time
 * to crawl the whole Hub under its documented rate limits.
 *
 * The local figure measures the crawler's own cost (listing, README download, card parsing, arXiv
 * batching, Arrow shards, checkpoints); on the real Hub the rate limits dominate, so the projection
 * takes the slower of the two. It prints figures; it asserts nothing about time.
 *
 *   node .cache/bench-dist/bench/collect.js [models] [latencyMs]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ARXIV_BATCH_SIZE } from "../src/collect/arxiv";
import { collect } from "../src/collect/collector";
import { FAKE_PAPERS, startFakeArxiv } from "../test/support/fake-arxiv";
import { makeFakeModels, startFakeHub } from "../test/support/fake-hub";
import { PAPER_HUB_MODELS } from "../src/paper/reported";
import { formatSeconds } from "../src/util/progress";
import { errorMessage } from "../src/util/text";

/** Models on the Hub at the paper's snapshot (2025-03-24). */

/**
 * Hub rate limits per 5-minute window, from https://huggingface.co/docs/hub/rate-limits (as read
 * for this project; the Hub may change them). "API" covers /api/models listing calls, "resolvers"
 * covers /resolve/ downloads such as README.md. Anonymous limits apply per IP address.
 */
export const HUB_RATE_LIMITS = {
  windowSeconds: 300,
  anonymous: { api: 500, resolvers: 3000 },
  freeToken: { api: 1000, resolvers: 5000 },
} as const;

/** @huggingface/hub's listModels asks for pages of 500 models. */
export const LISTING_PAGE_SIZE = 500;

export interface CrawlProjectionInput {
  models: number;
  /** Requests allowed per window for listing calls and for README downloads. */
  apiPerWindow: number;
  resolversPerWindow: number;
  windowSeconds: number;
  /** Models per second the crawler manages without rate limits (measured). */
  localModelsPerSecond: number;
  /** Distinct arXiv ids to resolve: an explicit assumption, the paper does not report it. */
  arxivIds: number;
  arxivBatch: number;
  arxivDelaySeconds: number;
}

/** Seconds for each bottleneck; listing, cards and arXiv draw on separate budgets, so the slowest decides. */
export function projectCrawl(input: CrawlProjectionInput): { listing: number; cards: number; arxiv: number; local: number; total: number } {
  const listing = (Math.ceil(input.models / LISTING_PAGE_SIZE) * input.windowSeconds) / input.apiPerWindow;
  const cards = (input.models * input.windowSeconds) / input.resolversPerWindow;
  const arxiv = Math.ceil(input.arxivIds / input.arxivBatch) * input.arxivDelaySeconds;
  const local = input.models / input.localModelsPerSecond;
  return { listing, cards, arxiv, local, total: Math.max(listing, cards, arxiv, local) };
}

export async function benchCollect(models = 3000, latencyMs = 0, assumedArxivIds = 100_000): Promise<Record<string, number>> {
  const hub = await startFakeHub(makeFakeModels(models), { pageSize: LISTING_PAGE_SIZE, latencyMs });
  const arxiv = await startFakeArxiv(FAKE_PAPERS);
  const out = mkdtempSync(join(tmpdir(), "bench-collect-"));
  try {
    const started = process.hrtime.bigint();
    const summary = await collect({ outDir: join(out, "corpus"), hubUrl: hub.url, arxivUrl: arxiv.url, arxivDelayMs: 0, concurrency: 8, progress: "silent" });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const rate = summary.written / seconds;
    console.log(
      `collect: ${summary.written} models from the loopback hub (${latencyMs} ms added latency, concurrency 8) in ${seconds.toFixed(2)} s = ${rate.toFixed(0)} models/s`,
    );
    console.log(`  ${summary.http.requests} HTTP requests; cards ${JSON.stringify(summary.cardStatus)}`);
    console.log(
      `projection for ${PAPER_HUB_MODELS.toLocaleString("en-US")} models (limits per ${HUB_RATE_LIMITS.windowSeconds / 60}-minute window from huggingface.co/docs/hub/rate-limits;`,
    );
    console.log(`  arXiv at ${ARXIV_BATCH_SIZE} ids per request, one request per 3 s; ASSUMED ${assumedArxivIds.toLocaleString("en-US")} distinct arXiv ids):`);
    const figures: Record<string, number> = { models: summary.written, seconds, modelsPerSecond: rate };
    for (const [name, limits] of [
      ["anonymous", HUB_RATE_LIMITS.anonymous],
      ["with HF_TOKEN (free account)", HUB_RATE_LIMITS.freeToken],
    ] as const) {
      const projection = projectCrawl({
        models: PAPER_HUB_MODELS,
        apiPerWindow: limits.api,
        resolversPerWindow: limits.resolvers,
        windowSeconds: HUB_RATE_LIMITS.windowSeconds,
        localModelsPerSecond: rate,
        arxivIds: assumedArxivIds,
        arxivBatch: ARXIV_BATCH_SIZE,
        arxivDelaySeconds: 3,
      });
      console.log(
        `  ${name.padEnd(29)} listing ${formatSeconds(projection.listing)} (${limits.api} API calls/window), READMEs ${formatSeconds(projection.cards)} (${limits.resolvers} resolver calls/window), arXiv ${formatSeconds(projection.arxiv)}, crawler ${formatSeconds(projection.local)} -> about ${formatSeconds(projection.total)}`,
      );
      figures[name.startsWith("anon") ? "projectedSecondsAnonymous" : "projectedSecondsToken"] = projection.total;
    }
    return figures;
  } finally {
    await hub.close();
    await arxiv.close();
    rmSync(out, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchCollect(Number(process.argv[2] ?? 3000), Number(process.argv[3] ?? 0)).catch((error) => {
    console.error(errorMessage(error));
    process.exit(1);
  });
}
