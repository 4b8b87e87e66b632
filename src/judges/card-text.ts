/**
 * The text a judge reads for one model: metadata lines, the card body (deterministically truncated
 * when long, keeping the passages around the matched evidence), and linked arXiv abstracts.
 */
import { createHash } from "node:crypto";
import type { ModelRecord } from "../corpus/record";
import type { TaskEvidence } from "./candidate";
import { singleLine } from "./untrusted-text";

export interface CardDocument {
  text: string;
  /** True when part of the card body was left out. */
  truncated: boolean;
  /** Length of the full card body in characters. */
  bodyChars: number;
  /** sha256 (hex, 16 chars) of the full untruncated input: the card part of every cache key. */
  contentHash: string;
}

export interface ExcerptOptions {
  /** Most characters of the card body kept (default 12,000). */
  maxBodyChars?: number;
  /** Characters kept either side of each evidence occurrence (default 600). */
  windowChars?: number;
}

export const DEFAULT_MAX_BODY_CHARS = 12_000;
export const TRUNCATION_MARK = "[... part of the card left out ...]";

/**
 * Keep the first half of the budget from the top of the body, then windows around each evidence
 * phrase (in the order of the evidence list) until the budget is spent; pieces stay in document order.
 */
export function excerptBody(body: string, evidence: readonly TaskEvidence[], options: ExcerptOptions = {}): { text: string; truncated: boolean } {
  const max = options.maxBodyChars ?? DEFAULT_MAX_BODY_CHARS;
  const window = options.windowChars ?? 600;
  if (body.length <= max) return { text: body, truncated: false };

  const headEnd = lineBoundaryBefore(body, Math.floor(max / 2));
  const spans: Array<[number, number]> = [[0, headEnd]];
  let budget = max - headEnd;
  const lower = body.toLowerCase();
  const phrases = [...new Set(evidence.map((e) => e.raw.toLowerCase().trim()).filter((p) => p.length > 0))];
  outer: for (const phrase of phrases) {
    for (let at = lower.indexOf(phrase, headEnd); at >= 0; at = lower.indexOf(phrase, at + phrase.length)) {
      if (spans.some(([s, e]) => at >= s && at + phrase.length <= e)) continue;
      const start = Math.max(0, at - window);
      const end = Math.min(body.length, at + phrase.length + window);
      const fresh = end - start;
      if (fresh > budget) break outer;
      spans.push([start, end]);
      budget -= fresh;
      // One window per phrase is enough context; the rest of the budget goes to other tasks.
      break;
    }
  }
  const merged = mergeSpans(spans);
  const pieces = merged.map(([s, e]) => body.slice(s, e));
  const tail = merged[merged.length - 1]![1] < body.length ? `\n${TRUNCATION_MARK}` : "";
  return { text: pieces.join(`\n${TRUNCATION_MARK}\n`) + tail, truncated: true };
}

export function buildCardDocument(record: ModelRecord, evidence: readonly TaskEvidence[], options: ExcerptOptions = {}): CardDocument {
  const meta = record.cardMeta;
  // Metadata values are single-line-escaped: a newline in an id or tag cannot forge a metadata line.
  const lines: string[] = [`Model id: ${singleLine(record.id)}`];
  const list = (label: string, values: readonly string[] | undefined) => {
    if (values && values.length > 0) lines.push(`${label}: ${values.map(singleLine).join(", ")}`);
  };
  if (record.pipelineTag ?? meta?.pipelineTag) lines.push(`Pipeline tag: ${singleLine((record.pipelineTag ?? meta?.pipelineTag)!)}`);
  if (record.libraryName) lines.push(`Library: ${singleLine(record.libraryName)}`);
  list("Tags", record.tags.length > 0 ? record.tags : meta?.tags);
  list("Datasets", meta?.datasets);
  list("Languages", meta?.language);
  list("Base model", meta?.baseModel);
  const benchmarks = (meta?.modelIndex ?? []).map((r) => [r.datasetName ?? r.datasetType, r.metricName ?? r.metricType, r.value].filter(Boolean).join(" "));
  list("Reported results", [...new Set(benchmarks)]);

  const body = record.cardBody ?? "";
  const excerpt = excerptBody(body, evidence, options);
  const parts = [lines.join("\n"), "", "Card text:", body.trim() === "" ? "(no card text)" : excerpt.text];
  for (const paper of record.papers) {
    if (paper.abstract) parts.push("", `Abstract of arXiv:${singleLine(paper.id)}${paper.title ? ` (${singleLine(paper.title)})` : ""}:`, paper.abstract);
  }
  const full = [lines.join("\n"), body, ...record.papers.map((p) => `${p.id}\n${p.title ?? ""}\n${p.abstract ?? ""}`)].join("\n\u0000\n");
  return {
    text: parts.join("\n"),
    truncated: excerpt.truncated,
    bodyChars: body.length,
    contentHash: sha256Hex(full).slice(0, 16),
  };
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

function lineBoundaryBefore(text: string, at: number): number {
  const nl = text.lastIndexOf("\n", at);
  return nl > at / 2 ? nl : at;
}

function mergeSpans(spans: Array<[number, number]>): Array<[number, number]> {
  const sorted = spans.slice().sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [s, e] of sorted) {
    const last = out[out.length - 1];
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}
