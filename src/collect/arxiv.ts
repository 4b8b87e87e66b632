/**
 * arXiv abstracts for `arxiv:` ids, through the arXiv query API (`/api/query?id_list=...`, Atom XML).
 *
 * arXiv asks API clients for one connection at a time and about three seconds between calls, so
 * ids are looked up in batches (one request per batch) through an HTTP client configured with
 * concurrency 1 and that spacing (see `arxivHttpOptions`). Each id is asked for once per run.
 */
import { XMLParser } from "fast-xml-parser";
import type { ArxivPaper, Problem } from "../corpus/record";
import type { HttpClient, HttpOptions, HttpResult } from "./http";
import { HttpGiveUpError } from "./http";
import { errorMessage } from "../util/text";

export const ARXIV_API_URL = "https://export.arxiv.org";
/** arXiv's documented politeness: one request every 3 seconds, a single connection. */
export const ARXIV_DELAY_MS = 3000;
export const ARXIV_BATCH_SIZE = 100;

/** New-style (2101.00001, 2101.00001v2) and old-style (hep-th/9901001) identifiers. */
const ARXIV_ID = /^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?\/\d{7})(?:v\d+)?$/;

export function isArxivId(id: string): boolean {
  return ARXIV_ID.test(id);
}

/** `2101.00001v3` -> `2101.00001`: versions of a paper share its abstract page. */
export function baseArxivId(id: string): string {
  return id.replace(/v\d+$/, "");
}

/** HTTP settings arXiv expects; callers may shorten the delay in tests. */
export function arxivHttpOptions(delayMs: number = ARXIV_DELAY_MS): Pick<HttpOptions, "concurrency" | "minIntervalMs"> {
  return { concurrency: 1, minIntervalMs: delayMs };
}

export interface ParsedFeed {
  papers: ArxivPaper[];
  /** Messages of arXiv's error entries (e.g. "incorrect id format for 1309.119"). */
  errors: string[];
}

const parser = new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false, trimValues: true, isArray: (name) => name === "entry" });

/** Papers in an arXiv Atom feed. Titles and abstracts arrive hard-wrapped; whitespace runs become one space. */
export function parseArxivFeed(xml: string): ParsedFeed {
  let document: { feed?: { entry?: Array<Record<string, unknown>> } };
  try {
    document = parser.parse(xml, true) as typeof document;
  } catch (error) {
    throw new Error(`arXiv response is not XML: ${errorMessage(error)}`, { cause: error });
  }
  if (!document.feed) throw new Error("arXiv response has no Atom <feed>");
  const papers: ArxivPaper[] = [];
  const errors: string[] = [];
  for (const entry of document.feed.entry ?? []) {
    const id = text(entry.id);
    if (!id) continue;
    if (id.includes("/api/errors")) {
      errors.push(text(entry.summary) ?? id);
      continue;
    }
    const match = /arxiv\.org\/abs\/(.+)$/.exec(id);
    if (!match) continue;
    papers.push({ id: match[1]!, title: text(entry.title), abstract: text(entry.summary) });
  }
  return { papers, errors };
}

function text(value: unknown): string | null {
  if (typeof value !== "string") return null;
  const collapsed = value.replace(/\s+/g, " ").trim();
  return collapsed === "" ? null : collapsed;
}

export interface ArxivResolution {
  paper: ArxivPaper | null;
  problem: Problem | null;
}

/** Resolves arXiv ids in batches and remembers every answer for the rest of the run. */
export class ArxivResolver {
  private readonly known = new Map<string, ArxivResolution>();
  /** Ids whose batch failed, with the reason; asked again if they come up later. */
  private readonly failures = new Map<string, string>();
  readonly stats = { requests: 0, resolved: 0, missing: 0, failed: 0 };

  constructor(
    private readonly http: HttpClient,
    private readonly baseUrl: string = ARXIV_API_URL,
    private readonly batchSize: number = ARXIV_BATCH_SIZE,
  ) {}

  /** Look up every id not seen yet; afterwards `resolution(id)` answers for each of them. */
  async resolve(ids: Iterable<string>): Promise<void> {
    const wanted: string[] = [];
    for (const id of new Set(ids)) {
      if (this.known.has(id)) continue;
      if (!isArxivId(id)) {
        this.known.set(id, { paper: null, problem: problem("arxiv-bad-id", `"${id}" is not an arXiv identifier`) });
        continue;
      }
      wanted.push(id);
    }
    for (let start = 0; start < wanted.length; start += this.batchSize) {
      await this.resolveBatch(wanted.slice(start, start + this.batchSize));
    }
  }

  resolution(id: string): ArxivResolution {
    const known = this.known.get(id);
    if (known) return known;
    const failure = this.failures.get(id);
    if (failure !== undefined) return { paper: null, problem: problem("arxiv-failed", `arXiv lookup of ${id} failed: ${failure}`) };
    return { paper: null, problem: problem("arxiv-unresolved", `arXiv id ${id} was not looked up`) };
  }

  private async resolveBatch(ids: string[]): Promise<void> {
    const url = `${this.baseUrl.replace(/\/+$/, "")}/api/query?id_list=${ids.map(encodeURIComponent).join(",")}&max_results=${ids.length}`;
    let feed: ParsedFeed;
    try {
      this.stats.requests++;
      const response = await this.http.get(url, { validate: atomOnly });
      if (response.status !== 200) throw new Error(`HTTP ${response.status}`);
      feed = parseArxivFeed(new TextDecoder().decode(response.body));
    } catch (error) {
      const reason = error instanceof HttpGiveUpError ? `${error.reason} (after ${error.attempts} attempts)` : errorMessage(error);
      // Not remembered as an answer: a later batch may ask again.
      for (const id of ids) this.failures.set(id, reason);
      this.stats.failed += ids.length;
      return;
    }
    if (feed.errors.length > 0 && feed.papers.length === 0) {
      // arXiv rejects the whole query for one malformed id; name the culprits, then ask for the rest.
      const rejected = ids.filter((id) => feed.errors.some((message) => message.endsWith(` ${id}`)));
      if (rejected.length > 0 && rejected.length < ids.length) {
        for (const id of rejected) this.known.set(id, { paper: null, problem: problem("arxiv-bad-id", `arXiv rejected ${id}: ${feed.errors.join("; ")}`) });
        await this.resolveBatch(ids.filter((id) => !rejected.includes(id)));
        return;
      }
      for (const id of ids)
        this.known.set(id, { paper: null, problem: problem("arxiv-error", `arXiv answered with an error for ${id}: ${feed.errors.join("; ")}`) });
      return;
    }
    const byBase = new Map(feed.papers.map((paper) => [baseArxivId(paper.id), paper]));
    for (const id of ids) {
      const found = byBase.get(baseArxivId(id));
      if (found) {
        this.known.set(id, { paper: { id, title: found.title, abstract: found.abstract }, problem: null });
        this.failures.delete(id);
        this.stats.resolved++;
      } else {
        this.known.set(id, { paper: null, problem: problem("arxiv-not-found", `arXiv has no paper ${id}`) });
        this.stats.missing++;
      }
    }
  }
}

/** arXiv throttles with a 200 and a plain-text body ("Rate exceeded."); that is a retry, not a feed. */
function atomOnly(result: HttpResult): string | null {
  const head = new TextDecoder().decode(result.body.subarray(0, 512)).trimStart();
  if (head.startsWith("<?xml") || head.startsWith("<feed")) return null;
  return `not an Atom feed: ${JSON.stringify(head.slice(0, 60))}`;
}

function problem(code: string, message: string): Problem {
  return { stage: "arxiv", code, message };
}
