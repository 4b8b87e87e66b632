/**
 * The verdict format: `{relevant: boolean, rationale: string}`, sent to every backend as a JSON schema
 * and checked again here, because a schema in the request is a request, not a guarantee.
 */

export interface ParsedVerdict {
  relevant: boolean;
  rationale: string;
}

export const MAX_RATIONALE_CHARS = 2_000;

/**
 * The one JSON Schema every backend is asked to follow: Gemini as `responseJsonSchema`, OpenAI-compatible
 * servers as `response_format: {type: "json_schema", json_schema: {name, schema, strict: true}}`, Ollama
 * as `format`. Strict mode wants every property required and no others allowed, which is the format anyway.
 */
export const VERDICT_JSON_SCHEMA = {
  type: "object",
  properties: {
    relevant: { type: "boolean", description: "true when the model supports the activity" },
    rationale: { type: "string", description: "one or two sentences naming the evidence" },
  },
  required: ["relevant", "rationale"],
  additionalProperties: false,
} as const;

/** The name the schema goes by where an API wants one (OpenAI's `json_schema.name`). */
export const VERDICT_SCHEMA_NAME = "relevance_verdict";

/**
 * The same schema in Gemini's older OpenAPI subset (`responseSchema`: upper-case type names, no
 * `additionalProperties`), for Gemini 2.0 models, which predate `responseJsonSchema`.
 */
export const VERDICT_RESPONSE_SCHEMA = {
  type: "OBJECT",
  properties: {
    relevant: { type: "BOOLEAN", description: VERDICT_JSON_SCHEMA.properties.relevant.description },
    rationale: { type: "STRING", description: VERDICT_JSON_SCHEMA.properties.rationale.description },
  },
  required: [...VERDICT_JSON_SCHEMA.required],
  propertyOrdering: [...VERDICT_JSON_SCHEMA.required],
} as const;

export type VerdictParse = { ok: true; verdict: ParsedVerdict } | { ok: false; problem: string };

/** Parse and check one answer text; `forbidden` strings (e.g. the call's boundary) must not be echoed back. */
export function parseVerdictText(text: string | undefined, forbidden: readonly string[] = []): VerdictParse {
  if (text === undefined || text.trim() === "") return { ok: false, problem: "empty answer" };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: `answer is not JSON: ${preview(text)}` };
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) return { ok: false, problem: `answer is not a JSON object: ${preview(text)}` };
  const record = json as Record<string, unknown>;
  const extra = Object.keys(record).filter((k) => k !== "relevant" && k !== "rationale");
  if (extra.length > 0) return { ok: false, problem: `answer has unexpected keys ${extra.join(", ")}` };
  if (typeof record.relevant !== "boolean") return { ok: false, problem: `'relevant' must be a boolean, got ${JSON.stringify(record.relevant) ?? "nothing"}` };
  if (typeof record.rationale !== "string" || record.rationale.trim() === "") return { ok: false, problem: "'rationale' must be a non-empty string" };
  if (record.rationale.length > MAX_RATIONALE_CHARS) return { ok: false, problem: `'rationale' is longer than ${MAX_RATIONALE_CHARS} characters` };
  for (const secret of forbidden) {
    if (secret && record.rationale.includes(secret)) return { ok: false, problem: "the rationale echoes the card delimiter" };
  }
  return { ok: true, verdict: { relevant: record.relevant, rationale: record.rationale.trim() } };
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(flat.length > 80 ? `${flat.slice(0, 80)}...` : flat);
}
