/**
 * A snapshot cut-off (`--until DATE`): keep the models created up to a date, as the paper's snapshot
 * of 2025-03-24 did. A bare date includes that whole day (UTC); a timestamp is inclusive to the
 * millisecond. A model whose creation date is missing or unreadable cannot be placed: it is kept and
 * counted (callers report how many), never silently dropped.
 */

export interface SnapshotCutoff {
  /** As given, normalised: `YYYY-MM-DD` for a date, else the ISO timestamp. Recorded in manifests and run.json. */
  iso: string;
  /** Models created strictly before this instant are kept (ms since the epoch). */
  beforeMs: number;
}

/** Parse `--until`: `YYYY-MM-DD` (the whole day, UTC) or an ISO timestamp. */
export function parseUntil(value: string): SnapshotCutoff {
  const text = value.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
    const start = Date.parse(`${text}T00:00:00Z`);
    if (Number.isNaN(start) || new Date(start).toISOString().slice(0, 10) !== text)
      throw new Error(`--until: "${value}" is not a date (use YYYY-MM-DD or an ISO timestamp)`);
    return { iso: text, beforeMs: start + 86_400_000 };
  }
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) throw new Error(`--until: "${value}" is not a date (use YYYY-MM-DD or an ISO timestamp)`);
  return { iso: new Date(at).toISOString(), beforeMs: at + 1 };
}

/** True when created up to the cut-off, false when after it, null when the date is unknown (kept by callers). */
export function createdUpTo(createdAt: string | null, cutoff: SnapshotCutoff): boolean | null {
  if (createdAt === null) return null;
  const at = Date.parse(createdAt);
  if (Number.isNaN(at)) return null;
  return at < cutoff.beforeMs;
}
