/**
 * Checks of single values from a Hub dump or listing, so impossible values become recorded problems
 * instead of silently stored data: calendar dates that do not exist, counts that are not whole
 * numbers, ids and tags with control characters (a newline in an id or tag could forge a line in the
 * text a judge reads), and JSON nested deeper than the converters should recurse.
 */

/** C0/C1 control characters and the Unicode line/paragraph separators. */
// eslint-disable-next-line no-control-regex -- control characters are what this finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** The first control character in `text` as `U+000A`, or null. */
export function controlCharacterIn(text: string): string | null {
  const match = CONTROL.exec(text);
  return match ? `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}` : null;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Why `text` is not a real ISO 8601 date or timestamp (`2023-02-30`, `2023-13-01T00:00:00Z`,
 * `yesterday`), or null when it is one. Stricter than `Date.parse`, which rolls Feb 30 over to March.
 */
export function impossibleDate(text: string): string | null {
  const match = ISO_DATE.exec(text);
  if (!match) return "not an ISO 8601 date";
  const [, y, mo, d, h, mi, s, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) return `month ${mo} does not exist`;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day < 1 || day > days) return `day ${d} does not exist in ${y}-${mo}`;
  if (h !== undefined && Number(h) > 23) return `hour ${h} does not exist`;
  if (mi !== undefined && Number(mi) > 59) return `minute ${mi} does not exist`;
  if (s !== undefined && Number(s) > 59) return `second ${s} does not exist`;
  if (zone !== undefined && zone !== "Z") {
    const [zh, zm] = [Number(zone.slice(1, 3)), Number(zone.slice(-2))];
    if (zh > 23 || zm > 59) return `time zone ${zone} does not exist`;
  }
  return null;
}

/** True when a JSON-like value nests deeper than `limit` lists/objects (iterative: safe on any depth). */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (depth + 1 > limit) return true;
    const children = Array.isArray(node) ? node : Object.values(node as Record<string, unknown>);
    for (const child of children) if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}
