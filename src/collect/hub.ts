/**
 * The Hugging Face Hub side of collection: the model listing (through @huggingface/hub's
 * `listModels`, paged by the Hub's `Link` header) and model-card downloads.
 *
 * `listModels` hides page boundaries, but a resumable crawl needs them: the `fetch` we hand it
 * records each page (its URL, its `next` link and its raw JSON items) and can start the listing
 * at a saved page URL. Records are built from the raw items, so timestamps keep the Hub's exact text.
 */
import { listModels } from "@huggingface/hub";
import type { HttpClient, HttpResult } from "./http";
import { HttpGiveUpError } from "./http";
import { errorMessage } from "../util/text";

/** The fields the corpus needs beyond listModels' defaults (pipeline_tag, downloads, likes, lastModified...). */
export const LISTING_FIELDS = ["createdAt", "tags", "library_name", "cardData", "author"] as const;

/** One listing page as the Hub returned it. */
export interface ListingPage {
  url: string;
  /** The `rel="next"` link, or null on the last page. */
  next: string | null;
  /** Raw Hub API objects (`id`, `createdAt`, `tags`, ...), in listing order. */
  items: HubModelJson[];
}

export type HubModelJson = Record<string, unknown> & { id: string };

export interface ListingOptions {
  hubUrl: string;
  http: HttpClient;
  /** Start at this page URL (a checkpointed `next` link) instead of the first page. */
  startUrl?: string | null;
}

/**
 * Every listing page, newest model first (`sort=createdAt&direction=-1`): new models appear at the
 * front while a crawl runs, so cursors behind them stay valid, and `--since` can stop early.
 */
export async function* listModelPages(options: ListingOptions): AsyncGenerator<ListingPage> {
  const fetched: ListingPage[] = [];
  let first = true;
  const pageFetch = (async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    let url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (first && options.startUrl) url = options.startUrl;
    first = false;
    url = withDescendingOrder(url);
    const response = await options.http.fetch(url, init);
    if (response.ok) {
      const items = JSON.parse(await response.clone().text()) as unknown;
      if (!Array.isArray(items)) throw new Error(`${url}: listing is not a JSON array`);
      for (const [index, item] of items.entries()) {
        const id = typeof item === "object" && item !== null ? (item as { id?: unknown }).id : undefined;
        if (typeof id !== "string" || id.trim() === "") {
          throw new Error(`${url}: listing item ${index} has no model id (${JSON.stringify(item)?.slice(0, 80)})`);
        }
      }
      fetched.push({ url, next: nextLink(response.headers.get("link")), items: items as HubModelJson[] });
    }
    return response;
  }) as typeof fetch;

  let current: ListingPage | undefined;
  let seen = 0;
  const listing = listModels({
    hubUrl: options.hubUrl,
    fetch: pageFetch,
    sort: "createdAt",
    additionalFields: [...LISTING_FIELDS],
  });
  try {
    for await (const _entry of listing) {
      if (!current) {
        current = fetched.shift();
        seen = 0;
        // Empty pages yield nothing; skip to the page this entry came from.
        while (current && current.items.length === 0) current = fetched.shift();
        if (!current) throw new Error("listing: an entry arrived without its page");
      }
      seen++;
      if (seen === current.items.length) {
        yield current;
        current = undefined;
      }
    }
  } catch (error) {
    throw listingError(error, options.hubUrl);
  }
}

function listingError(error: unknown, hubUrl: string): Error {
  if (error instanceof HttpGiveUpError) return new Error(`model listing at ${hubUrl} failed: ${error.reason} (after ${error.attempts} attempts)`);
  if (error instanceof Error) return new Error(`model listing at ${hubUrl} failed: ${error.message}`);
  return new Error(`model listing at ${hubUrl} failed: ${String(error)}`);
}

/** Make the sort direction explicit (newest first) unless the URL already names one. */
function withDescendingOrder(url: string): string {
  const parsed = new URL(url);
  if (parsed.searchParams.get("sort") && !parsed.searchParams.has("direction")) parsed.searchParams.set("direction", "-1");
  return parsed.href;
}

/** `<https://...>; rel="next"` out of an RFC 8288 Link header. */
export function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /<([^>]+)>\s*;(.*)$/.exec(part.trim());
    if (match && /\brel="?next"?/.test(match[2]!)) return match[1]!;
  }
  return null;
}

export type ReadmeOutcome =
  { kind: "present"; text: string } | { kind: "none" } | { kind: "gated"; status: number; errorCode: string | null } | { kind: "failed"; reason: string };

export function readmeUrl(hubUrl: string, modelId: string): string {
  const path = modelId.split("/").map(encodeURIComponent).join("/");
  return `${hubUrl.replace(/\/+$/, "")}/${path}/resolve/main/README.md`;
}

/**
 * Download one model card. 404 means the repository has no README; 401/403 mean we may not read
 * it (gated, private, or deleted since listing: the Hub does not tell them apart without a token).
 * Anything else that survives the retries is a failure with its reason.
 */
export async function fetchReadme(http: HttpClient, hubUrl: string, modelId: string): Promise<ReadmeOutcome> {
  let result: HttpResult;
  try {
    result = await http.get(readmeUrl(hubUrl, modelId));
  } catch (error) {
    if (error instanceof HttpGiveUpError) return { kind: "failed", reason: `${error.reason} (after ${error.attempts} attempts)` };
    return { kind: "failed", reason: errorMessage(error) };
  }
  const errorCode = result.headers.get("x-error-code");
  if (result.status === 200) return { kind: "present", text: decodeUtf8(result.body) };
  if (result.status === 404 || errorCode === "EntryNotFound") return { kind: "none" };
  if (result.status === 401 || result.status === 403) return { kind: "gated", status: result.status, errorCode };
  return { kind: "failed", reason: `HTTP ${result.status}${errorCode ? ` (${errorCode})` : ""}` };
}

/** UTF-8 text exactly as stored: a leading BOM is kept (the record keeps raw card text). */
function decodeUtf8(bytes: Uint8Array): string {
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
}
