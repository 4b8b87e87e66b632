import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArxivResolver, arxivHttpOptions, isArxivId, parseArxivFeed } from "../src/collect/arxiv";
import { createHttpClient } from "../src/collect/http";
import { fetchReadme, listModelPages, nextLink, readmeUrl } from "../src/collect/hub";
import { FAKE_PAPERS, startFakeArxiv, type FakeArxiv } from "./support/fake-arxiv";
import { makeFakeModels, startFakeHub, type FakeHub } from "./support/fake-hub";
import { compareText } from "../src/util/text";

const fixture = (name: string) => readFileSync(join(__dirname, "fixtures", "collect", name), "utf8");

describe("arXiv Atom parsing", () => {
  it("reads ids with versions, collapses hard wraps and decodes entities", () => {
    const feed = parseArxivFeed(fixture("arxiv-feed.xml"));
    expect(feed.errors).toEqual([]);
    expect(feed.papers).toEqual([
      {
        id: "2107.03374v2",
        title: "A Hand-Written Fixture Title About Code Models",
        abstract: "We describe a made-up model that writes code & tests, wrapped across lines the way the feed does <on purpose>.",
      },
      { id: "hep-th/9901001v1", title: "An Old-Style Identifier", abstract: "Old identifiers carry an archive prefix." },
    ]);
  });

  it("reports arXiv error entries and rejects non-feeds", () => {
    const error = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_1309.119</id><title>Error</title><summary>incorrect id format for 1309.119</summary></entry></feed>`;
    expect(parseArxivFeed(error)).toEqual({ papers: [], errors: ["incorrect id format for 1309.119"] });
    expect(() => parseArxivFeed("Rate exceeded.")).toThrow(/not XML/);
    expect(() => parseArxivFeed("<html><body>maintenance</body></html>")).toThrow(/no Atom <feed>/);
  });

  it("recognises new- and old-style identifiers only", () => {
    expect(["2107.03374", "2107.03374v2", "1501.0001", "hep-th/9901001", "math.GT/0309136"].every(isArxivId)).toBe(true);
    expect(["1309.119", "arxiv:2107.03374", "2107.03374/", ""].some(isArxivId)).toBe(false);
  });
});

describe("ArxivResolver against a fake arXiv", () => {
  let arxiv: FakeArxiv;
  beforeAll(async () => {
    arxiv = await startFakeArxiv(FAKE_PAPERS);
  });
  afterAll(() => arxiv.close());

  it("batches id_list queries, one connection, spaced by the politeness delay, each id once", async () => {
    const http = createHttpClient({ ...arxivHttpOptions(150), baseDelayMs: 10 });
    const resolver = new ArxivResolver(http, arxiv.url, 2);
    const before = arxiv.requests.length;
    arxiv.fail({ status: 200, headers: { "content-type": "text/plain" }, body: "Rate exceeded." });
    await resolver.resolve(["2107.03374", "1706.03762v5", "2305.06161", "9999.99999", "not-an-id", "2107.03374"]);
    const requests = arxiv.requests.slice(before);
    // 4 well-formed ids in batches of 2, plus one retry after the plain-text throttle answer.
    expect(requests.map((r) => r.ids)).toEqual([
      ["2107.03374", "1706.03762v5"],
      ["2107.03374", "1706.03762v5"],
      ["2305.06161", "9999.99999"],
    ]);
    for (let i = 1; i < requests.length; i++) expect(requests[i]!.at - requests[i - 1]!.at).toBeGreaterThanOrEqual(140);
    expect(arxiv.maxConcurrent).toBe(1);

    expect(resolver.resolution("2107.03374").paper).toEqual({ id: "2107.03374", title: FAKE_PAPERS[0]!.title, abstract: FAKE_PAPERS[0]!.abstract });
    expect(resolver.resolution("1706.03762v5").paper?.title).toBe("Attention Is All You Need");
    expect(resolver.resolution("9999.99999")).toMatchObject({ paper: null, problem: { stage: "arxiv", code: "arxiv-not-found" } });
    expect(resolver.resolution("not-an-id")).toMatchObject({ paper: null, problem: { code: "arxiv-bad-id" } });

    await resolver.resolve(["2107.03374", "2305.06161"]);
    expect(arxiv.requests.length - before).toBe(3);
    expect(resolver.stats).toMatchObject({ requests: 2, resolved: 3, missing: 1, failed: 0 });
  });

  it("sets aside an id arXiv rejects and asks again for the rest of the batch", async () => {
    const asked: string[] = [];
    // Stands in for an arXiv stricter than our id check: it rejects 2305.06161 outright.
    const stricter: typeof fetch = async (input) => {
      const ids = new URL(String(input)).searchParams.get("id_list")!;
      asked.push(ids);
      if (ids.includes("2305.06161")) {
        const error = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/api/errors#incorrect_id_format_for_2305.06161</id><title>Error</title><summary>incorrect id format for 2305.06161</summary></entry></feed>`;
        return new Response(error, { headers: { "content-type": "application/atom+xml" } });
      }
      return fetch(`${arxiv.url}/api/query?id_list=${ids}`);
    };
    const resolver = new ArxivResolver(createHttpClient({ ...arxivHttpOptions(0), fetchImpl: stricter }), arxiv.url);
    await resolver.resolve(["2107.03374", "2305.06161"]);
    expect(asked).toEqual(["2107.03374,2305.06161", "2107.03374"]);
    expect(resolver.resolution("2107.03374").paper?.title).toBe(FAKE_PAPERS[0]!.title);
    expect(resolver.resolution("2305.06161")).toMatchObject({
      paper: null,
      problem: { code: "arxiv-bad-id", message: expect.stringContaining("incorrect id format for 2305.06161") },
    });
  });

  it("records a failed batch with its reason and asks again later", async () => {
    const http = createHttpClient({ ...arxivHttpOptions(0), baseDelayMs: 5, maxRetries: 2 });
    const resolver = new ArxivResolver(http, arxiv.url);
    arxiv.fail({ status: 503 }, { status: 503 });
    await resolver.resolve(["2305.06161"]);
    expect(resolver.resolution("2305.06161")).toMatchObject({ paper: null, problem: { code: "arxiv-failed", message: expect.stringContaining("HTTP 503") } });
    await resolver.resolve(["2305.06161"]);
    expect(resolver.resolution("2305.06161").paper?.id).toBe("2305.06161");
  });
});

describe("Hub listing and cards against the fake hub", () => {
  const models = makeFakeModels(12);
  let hub: FakeHub;
  beforeAll(async () => {
    hub = await startFakeHub(models, { pageSize: 5 });
  });
  afterAll(() => hub.close());

  it("follows Link pagination newest first, asking for the corpus fields", async () => {
    const http = createHttpClient({ baseDelayMs: 5 });
    const pages = [];
    for await (const page of listModelPages({ hubUrl: hub.url, http })) pages.push(page);
    expect(pages.map((p) => p.items.length)).toEqual([5, 5, 2]);
    const ids = pages.flatMap((p) => p.items.map((i) => i.id));
    const newestFirst = models
      .slice()
      .sort((a, b) => compareText(b.createdAt, a.createdAt))
      .map((m) => m.id);
    expect(ids).toEqual(newestFirst);
    expect(pages[2]!.next).toBeNull();
    expect(pages[0]!.next).toBe(pages[1]!.url);
    const first = new URL(pages[0]!.url);
    expect(first.searchParams.get("sort")).toBe("createdAt");
    expect(first.searchParams.get("direction")).toBe("-1");
    expect(first.searchParams.getAll("expand")).toEqual(
      expect.arrayContaining(["createdAt", "tags", "library_name", "cardData", "downloads", "likes", "pipeline_tag", "lastModified"]),
    );
    expect(pages[0]!.items[0]).toMatchObject({ id: newestFirst[0], createdAt: expect.any(String), tags: expect.any(Array) });
  });

  it("starts at a saved page URL, and retries a failing page", async () => {
    const http = createHttpClient({ baseDelayMs: 5 });
    const all = [];
    for await (const page of listModelPages({ hubUrl: hub.url, http })) all.push(page);
    hub.fail("list:1", { status: 502 }, { reset: true });
    const resumed = [];
    for await (const page of listModelPages({ hubUrl: hub.url, http, startUrl: all[0]!.next })) resumed.push(page);
    expect(resumed.map((p) => p.items.map((i) => i.id))).toEqual(all.slice(1).map((p) => p.items.map((i) => i.id)));
  });

  it("fails the listing with a one-line reason once retries run out", async () => {
    const http = createHttpClient({ baseDelayMs: 1, maxRetries: 2 });
    hub.fail("list:0", { status: 500 }, { status: 500 });
    const run = async () => {
      for await (const _ of listModelPages({ hubUrl: hub.url, http })) void _;
    };
    await expect(run()).rejects.toThrow(/model listing at .* failed: HTTP 500 \(after 2 attempts\)/);
  });

  it("maps README answers to present / none / gated / failed", async () => {
    const http = createHttpClient({ baseDelayMs: 1, maxRetries: 2 });
    const byKind = (k: number) => models.find((_, i) => i % 9 === k)!;
    const bom = await fetchReadme(http, hub.url, byKind(8).id);
    expect(bom).toEqual({ kind: "present", text: byKind(8).readme });
    expect((bom as { text: string }).text.startsWith("\uFEFF---\r\n")).toBe(true);
    expect(await fetchReadme(http, hub.url, byKind(3).id)).toEqual({ kind: "none" });
    expect(await fetchReadme(http, hub.url, byKind(4).id)).toEqual({ kind: "gated", status: 401, errorCode: "GatedRepo" });
    expect(await fetchReadme(http, hub.url, byKind(6).id)).toEqual({ kind: "gated", status: 403, errorCode: "GatedRepo" });
    hub.fail(`readme:${byKind(0).id}`, { status: 500 }, { reset: true });
    const failed = await fetchReadme(http, hub.url, byKind(0).id);
    expect(failed.kind).toBe("failed");
    expect((failed as { reason: string }).reason).toMatch(/after 2 attempts/);
  });

  it("builds README URLs per path segment", () => {
    expect(readmeUrl("https://huggingface.co/", "org/my model")).toBe("https://huggingface.co/org/my%20model/resolve/main/README.md");
    expect(readmeUrl("https://huggingface.co", "gpt2")).toBe("https://huggingface.co/gpt2/resolve/main/README.md");
  });

  it("parses Link headers", () => {
    expect(nextLink('<https://huggingface.co/api/models?cursor=abc>; rel="next"')).toBe("https://huggingface.co/api/models?cursor=abc");
    expect(nextLink('<https://x/prev>; rel="prev", <https://x/next>; rel="next"')).toBe("https://x/next");
    expect(nextLink(null)).toBeNull();
    expect(nextLink('<https://x/prev>; rel="prev"')).toBeNull();
  });
});
