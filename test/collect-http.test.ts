import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backoffDelay, createHttpClient, HttpGiveUpError, parseRateLimit, parseRetryAfter, type HttpOptions } from "../src/collect/http";
import { SeededRandom } from "../src/util/random";
import { makeFakeModels, startFakeHub, type FakeHub } from "./support/fake-hub";

const models = makeFakeModels(12);
const plainCard = models[0]!; // kind 0: a README with text
let hub: FakeHub;

beforeAll(async () => {
  hub = await startFakeHub(models, { pageSize: 5 });
});
afterAll(() => hub.close());

const readme = (id: string) => `${hub.url}/${id}/resolve/main/README.md`;

/** A client whose waits are recorded and shortened, so retry timing is asserted without real delays. */
function recordingClient(options: HttpOptions = {}) {
  const waits: number[] = [];
  const client = createHttpClient({ baseDelayMs: 100, random: new SeededRandom(7), sleep: async (ms) => void waits.push(ms), ...options });
  return { client, waits };
}

describe("Retry-After and backoff", () => {
  it("reads delay-seconds and HTTP-date forms", () => {
    const now = Date.parse("2025-03-24T12:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Mon, 24 Mar 2025 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Mon, 24 Mar 2025 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it("reads the RateLimit header's remaining count and reset time", () => {
    expect(parseRateLimit('"api";r=0;t=55')).toEqual({ remaining: 0, resetMs: 55_000 });
    expect(parseRateLimit('"resolvers";r=12')).toEqual({ remaining: 12, resetMs: null });
    expect(parseRateLimit("garbage")).toBeNull();
    expect(parseRateLimit(null)).toBeNull();
  });

  it("grows exponentially within [d/2, d], capped, and repeats for a seed", () => {
    const a = new SeededRandom(1);
    const b = new SeededRandom(1);
    for (let attempt = 1; attempt <= 8; attempt++) {
      const ceiling = Math.min(10_000, 100 * 2 ** (attempt - 1));
      const delay = backoffDelay(attempt, 100, 10_000, a);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
      expect(backoffDelay(attempt, 100, 10_000, b)).toBe(delay);
    }
  });
});

describe("createHttpClient against the fake hub", () => {
  it("waits what a 429 Retry-After (seconds) asks, capped by retryAfterCapMs", async () => {
    const { client, waits } = recordingClient({ retryAfterCapMs: 1500 });
    hub.fail(`readme:${plainCard.id}`, { status: 429, headers: { "retry-after": "1" } }, { status: 429, headers: { "retry-after": "3600" } });
    const result = await client.get(readme(plainCard.id));
    expect(result.status).toBe(200);
    expect(new TextDecoder().decode(result.body)).toBe(plainCard.readme);
    expect(waits).toEqual([1000, 1500]);
  });

  it("uses the RateLimit reset when a 429 has no Retry-After", async () => {
    const { client, waits } = recordingClient();
    hub.fail(`readme:${plainCard.id}`, { status: 429, headers: { ratelimit: '"resolvers";r=0;t=2' } });
    expect((await client.get(readme(plainCard.id))).status).toBe(200);
    expect(waits).toEqual([2000]);
  });

  it("holds every request back after a 429, not just the one that got it", async () => {
    let throttled!: () => void;
    const seen429 = new Promise<void>((resolve) => (throttled = resolve));
    const client = createHttpClient({ concurrency: 4, retryAfterCapMs: 300, onRetry: () => throttled() });
    const [limited, other] = [models[0]!, models[1]!];
    hub.fail(`readme:${limited.id}`, { status: 429, headers: { "retry-after": "5" } });
    const first = client.get(readme(limited.id));
    await seen429;
    const pausedAt = Date.now();
    await client.get(readme(other.id));
    await first;
    const otherAt = hub.requests.filter((r) => r.key === `readme:${other.id}`).at(-1)!.at;
    expect(otherAt - pausedAt).toBeGreaterThanOrEqual(280);
  });

  it("pauses when a RateLimit header says the window is used up", async () => {
    const client = createHttpClient({ retryAfterCapMs: 250 });
    hub.fail(`readme:${plainCard.id}`, { status: 200, headers: { ratelimit: '"resolvers";r=0;t=60' }, body: "last one in this window" });
    const started = Date.now();
    expect(new TextDecoder().decode((await client.get(readme(plainCard.id))).body)).toBe("last one in this window");
    await client.get(readme(plainCard.id));
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it("honours the HTTP-date form of Retry-After", async () => {
    const { client, waits } = recordingClient();
    const inTwoSeconds = new Date(Date.now() + 2000).toUTCString();
    hub.fail(`readme:${plainCard.id}`, { status: 429, headers: { "retry-after": inTwoSeconds } });
    expect((await client.get(readme(plainCard.id))).status).toBe(200);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThan(0);
    expect(waits[0]).toBeLessThanOrEqual(2000);
  });

  it("retries 5xx, resets, truncated bodies and timeouts, then succeeds; seeded jitter repeats", async () => {
    const run = async () => {
      const { client, waits } = recordingClient({ timeoutMs: 600, maxRetries: 6 });
      hub.fail(`readme:${plainCard.id}`, { status: 500 }, { status: 503 }, { reset: true }, { truncate: true }, { delayMs: 1500 });
      const result = await client.get(readme(plainCard.id));
      return { result, waits, stats: client.stats };
    };
    const first = await run();
    expect(first.result.status).toBe(200);
    expect(new TextDecoder().decode(first.result.body)).toBe(plainCard.readme);
    expect(first.stats).toMatchObject({ requests: 6, retries: 5, givenUp: 0 });
    expect(first.waits).toHaveLength(5);
    first.waits.forEach((wait, i) => {
      expect(wait).toBeGreaterThanOrEqual((100 * 2 ** i) / 2);
      expect(wait).toBeLessThanOrEqual(100 * 2 ** i);
    });
    const second = await run();
    expect(second.waits).toEqual(first.waits);
  });

  it("retries a listing page whose JSON does not parse", async () => {
    const reasons: string[] = [];
    const { client } = recordingClient({ onRetry: (event) => reasons.push(event.reason) });
    hub.fail("list:0", { badJson: true });
    const result = await client.get(`${hub.url}/api/models?limit=5`);
    expect(result.status).toBe(200);
    expect(JSON.parse(new TextDecoder().decode(result.body))).toHaveLength(5);
    expect(reasons).toEqual([expect.stringContaining("unparseable JSON")]);
  });

  it("detects a body shorter than its Content-Length", async () => {
    const reasons: string[] = [];
    const { client } = recordingClient({ onRetry: (event) => reasons.push(event.reason) });
    hub.fail(`readme:${plainCard.id}`, { truncate: true });
    await client.get(readme(plainCard.id));
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(/terminated|truncated|closed|socket/i);
  });

  it("retries a body that ends cleanly but short of its Content-Length (e.g. behind a proxy)", async () => {
    let calls = 0;
    const shortThenWhole: typeof fetch = async () =>
      ++calls === 1 ? new Response("half", { headers: { "content-length": "8" } }) : new Response("complete", { headers: { "content-length": "8" } });
    const reasons: string[] = [];
    const { client } = recordingClient({ fetchImpl: shortThenWhole, onRetry: (event) => reasons.push(event.reason) });
    const result = await client.get("http://127.0.0.1:9/never-contacted");
    expect(new TextDecoder().decode(result.body)).toBe("complete");
    expect(reasons).toEqual(["truncated body: 4 of 8 bytes"]);
  });

  it("gives up after maxRetries with the last reason", async () => {
    const { client } = recordingClient({ maxRetries: 3 });
    hub.fail(`readme:${plainCard.id}`, { status: 500 }, { status: 502 }, { status: 500 });
    const error = await client.get(readme(plainCard.id)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpGiveUpError);
    expect((error as HttpGiveUpError).attempts).toBe(3);
    expect((error as HttpGiveUpError).reason).toBe("HTTP 500");
    expect(client.stats.givenUp).toBe(1);
  });

  it("fails at once when the host was never reachable, but retries once it has answered", async () => {
    const closed = await import("node:net").then(
      ({ createServer }) =>
        new Promise<number>((resolve) => {
          const server = createServer().listen(0, "127.0.0.1", () => {
            const port = (server.address() as { port: number }).port;
            server.close(() => resolve(port));
          });
        }),
    );
    const { client, waits } = recordingClient();
    await expect(client.get(`http://127.0.0.1:${closed}/x`)).rejects.toThrow(/^cannot reach 127\.0\.0\.1:\d+: .*ECONNREFUSED.*no network\?$/);
    expect(waits).toEqual([]);
    await client.get(readme(plainCard.id));
    const later = await client.get(`http://127.0.0.1:${closed}/x`).catch((e: unknown) => e);
    expect(later).toBeInstanceOf(HttpGiveUpError);
    expect(waits).toHaveLength(4);
  });

  it("returns 4xx answers without retrying them", async () => {
    const { client, waits } = recordingClient();
    const missing = models.find((m) => m.readme === null)!;
    expect((await client.get(readme(missing.id))).status).toBe(404);
    expect(waits).toEqual([]);
  });

  it("keeps at most `concurrency` requests in flight", async () => {
    let inFlight = 0;
    let peak = 0;
    const countingFetch: typeof fetch = async (input, init) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, 15));
        return await fetch(input, init);
      } finally {
        inFlight--;
      }
    };
    const client = createHttpClient({ concurrency: 3, fetchImpl: countingFetch });
    const results = await Promise.all(models.map((m) => client.get(readme(m.id))));
    expect(results).toHaveLength(models.length);
    expect(peak).toBe(3);
  });

  it("spaces requests by minIntervalMs", async () => {
    const client = createHttpClient({ concurrency: 1, minIntervalMs: 120 });
    const before = hub.requests.length;
    await Promise.all([0, 1, 2].map(() => client.get(readme(plainCard.id))));
    const times = hub.requests.slice(before).map((r) => r.at);
    expect(times).toHaveLength(3);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(110);
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(110);
  });

  it("sends the token as Bearer to its own origin only, and keeps it out of errors", async () => {
    const token = "hf_testSECRETtoken123";
    const client = createHttpClient({ token, tokenOrigin: hub.url, maxRetries: 1 });
    const before = hub.requests.length;
    await client.get(readme(plainCard.id));
    expect(hub.requests[before]!.authorization).toBe(`Bearer ${token}`);
    const other = hub.url.replace("127.0.0.1", "localhost");
    await client.get(`${other}/${plainCard.id}/resolve/main/README.md`);
    expect(hub.requests[before + 1]!.authorization).toBeNull();
    hub.fail(`readme:${plainCard.id}`, { status: 500 });
    const error = (await client.get(readme(plainCard.id)).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain(token);
    expect(JSON.stringify(error)).not.toContain(token);
  });
});
