import { describe, expect, test } from "vitest";
import { SeededRandom } from "../src/util/random";
import {
  RetriesExhausted,
  RetryableFailure,
  SharedPause,
  backoffDelay,
  parseRetryAfter,
  retryInfoDelayMs,
  withRetries,
  type RetryPolicy,
} from "../src/util/retry";

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    maxAttempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 1000,
    maxServerWaitMs: 5000,
    tooLongServerWait: "fail",
    sleep: async (ms) => void sleeps.push(ms),
    sleeps,
    ...overrides,
  };
}

describe("the shared retry utility", () => {
  test("Retry-After in seconds (decimals too) or as an HTTP date; RetryInfo from a Google error body", () => {
    const now = Date.parse("Mon, 30 Nov 2026 12:00:00 GMT");
    expect(parseRetryAfter("7", now)).toBe(7000);
    expect(parseRetryAfter(" 1.5 ", now)).toBe(1500);
    expect(parseRetryAfter("Mon, 30 Nov 2026 12:00:20 GMT", now)).toBe(20_000);
    expect(parseRetryAfter("-3", now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(retryInfoDelayMs(JSON.stringify({ error: { details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "12s" }] } }))).toBe(12_000);
    expect(retryInfoDelayMs("not json")).toBeNull();
  });

  test("backoff doubles up to the cap, with seeded jitter when a random source is given", () => {
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, 100, 1000))).toEqual([100, 200, 400, 800, 1000]);
    const a = new SeededRandom("x");
    const b = new SeededRandom("x");
    const jittered = backoffDelay(3, 100, 1000, a);
    expect(jittered).toBeGreaterThanOrEqual(200);
    expect(jittered).toBeLessThanOrEqual(400);
    expect(backoffDelay(3, 100, 1000, b)).toBe(jittered);
  });

  test("retries retryable failures with backoff or the server's delay; other errors pass straight through", async () => {
    const p = policy();
    let n = 0;
    const value = await withRetries(async () => {
      n++;
      if (n === 1) throw new RetryableFailure("HTTP 503", 503);
      if (n === 2) throw new RetryableFailure("HTTP 429", 429, 2500);
      return "ok";
    }, p);
    expect(value).toBe("ok");
    expect(p.sleeps).toEqual([100, 2500]);
    const plain = new Error("HTTP 400: bad request");
    await expect(
      withRetries(async () => {
        throw plain;
      }, policy()),
    ).rejects.toBe(plain);
  });

  test("gives up after the attempts, or at once on a server wait beyond the limit ('fail'), or caps it ('cap')", async () => {
    const exhausted = await withRetries(
      async () => {
        throw new RetryableFailure("HTTP 500", 500);
      },
      policy({ maxAttempts: 3 }),
    ).catch((e: unknown) => e);
    expect(exhausted).toBeInstanceOf(RetriesExhausted);
    expect(exhausted).toMatchObject({ kind: "exhausted", attempts: 3, status: 500, reason: "HTTP 500" });

    const quota = policy();
    const tooLong = await withRetries(async () => {
      throw new RetryableFailure("HTTP 429", 429, 3_600_000);
    }, quota).catch((e: unknown) => e);
    expect(tooLong).toMatchObject({ kind: "wait-too-long", waitMs: 3_600_000, attempts: 1 });
    expect(quota.sleeps).toEqual([]);

    const capped = policy({ tooLongServerWait: "cap" });
    let n = 0;
    await withRetries(async () => {
      if (n++ === 0) throw new RetryableFailure("HTTP 429", 429, 3_600_000);
      return 1;
    }, capped);
    expect(capped.sleeps).toEqual([5000]);
  });

  test("a server-requested pause holds the other requests sharing it, not the one that already slept it", async () => {
    const pause = new SharedPause();
    const first = policy({ pause });
    let n = 0;
    await withRetries(async () => {
      if (n++ === 0) throw new RetryableFailure("HTTP 429", 429, 3000);
      return 1;
    }, first);
    expect(first.sleeps).toEqual([3000]);
    // Another request starting now waits for (most of) the pause before its first attempt.
    const second = policy({ pause });
    await withRetries(async () => 2, second);
    expect(second.sleeps).toHaveLength(1);
    expect(second.sleeps[0]).toBeGreaterThan(2000);
    expect(second.sleeps[0]).toBeLessThanOrEqual(3000);
  });
});
