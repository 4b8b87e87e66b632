import { describe, expect, it, vi } from "vitest";
import { benchCollect, HUB_RATE_LIMITS, projectCrawl } from "../bench/collect";
import { PAPER_HUB_MODELS } from "../src/paper/reported";

describe("crawl projection", () => {
  const base = { models: PAPER_HUB_MODELS, windowSeconds: 300, localModelsPerSecond: 1000, arxivIds: 100_000, arxivBatch: 100, arxivDelaySeconds: 3 };

  it("is bound by README downloads at the documented anonymous limits", () => {
    const projection = projectCrawl({ ...base, apiPerWindow: HUB_RATE_LIMITS.anonymous.api, resolversPerWindow: HUB_RATE_LIMITS.anonymous.resolvers });
    expect(projection.cards).toBeCloseTo((PAPER_HUB_MODELS * 300) / 3000, 6); // ~42.6 h
    expect(projection.listing).toBeCloseTo((Math.ceil(PAPER_HUB_MODELS / 500) * 300) / 500, 6);
    expect(projection.arxiv).toBe(3000);
    expect(projection.total).toBe(projection.cards);
  });

  it("gets faster with a token, and the slowest budget always decides", () => {
    const anonymous = projectCrawl({ ...base, apiPerWindow: 500, resolversPerWindow: 3000 });
    const token = projectCrawl({ ...base, apiPerWindow: 1000, resolversPerWindow: 5000 });
    expect(token.total).toBeLessThan(anonymous.total);
    const slowCrawler = projectCrawl({ ...base, apiPerWindow: 1000, resolversPerWindow: 5000, localModelsPerSecond: 1 });
    expect(slowCrawler.total).toBe(PAPER_HUB_MODELS);
  });

  it("measures a real crawl of the loopback hub", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const figures = await benchCollect(40);
      expect(figures.models).toBe(40);
      expect(figures.modelsPerSecond).toBeGreaterThan(0);
      expect(figures.projectedSecondsToken).toBeLessThan(figures.projectedSecondsAnonymous!);
      expect(log.mock.calls.map((call) => String(call[0])).join("\n")).toMatch(/huggingface\.co\/docs\/hub\/rate-limits/);
    } finally {
      log.mockRestore();
    }
  });
});
