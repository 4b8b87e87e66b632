/**
 * Text helpers every layer shares: the two string orders the project uses, and the message of a
 * caught value. Sorting is never left to the process locale, so every machine writes the same bytes.
 */

/** Code-unit order (what `<` does), independent of locale: ids, hashes, keys of machine tables. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Human text order (case-insensitive first) for names shown in tables and figures, pinned to en-US:
 * a bare `localeCompare` follows the user's locale (under LANG=da_DK "aa" sorts after "z").
 */
const TEXT_ORDER = new Intl.Collator("en-US");
export function compareText(a: string, b: string): number {
  return TEXT_ORDER.compare(a, b);
}

/** The message of anything thrown (an Error's message, else its string form). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The first line of `errorMessage`, for one-line reasons in tables and logs. */
export function firstLineOf(error: unknown): string {
  return errorMessage(error).split("\n")[0]!;
}
