/**
 * Bounds on card front matter, checked BEFORE the YAML parser builds anything.
 *
 * The parser's composer recurses once per nesting level, and so do `toJS` and our own converters. A
 * front matter that nests thousands of levels on one line (`- - - ... x`, `? ? ? ... x`, `[[[[...`,
 * `{a: {a: ...`) overflows the stack; when the overflow lands inside V8's regular-expression compiler
 * the process aborts (exit 134) instead of throwing, so a catch around the parser is not enough.
 *
 * The scan runs the YAML library's lexer, a flat state machine without recursion, so quotes,
 * comments and block scalars are split exactly as the parser will split them (a hand-written quote
 * tracker can be fooled into skipping brackets the parser does see). It stops at the first limit
 * crossed, so a 100,000-level line costs a few hundred tokens. From the tokens it measures, per line:
 *
 * - block depth: the line's indentation plus the block indicators (`-`, `?`, `:`) that open it, an
 *   upper bound on how many block collections the line's content sits in;
 * - flow depth: open `[` / `{`, added to the block depth of the line the flow collection started on.
 *
 * After parsing (safe once depth is bounded), {@link keyNestingDepth} bounds how deeply collections
 * are used as mapping keys (`? ? x`, `{{a: 1}: 2}: 3`): printing such keys grows exponentially.
 */
import { CST, Lexer } from "yaml";
import { isAlias, isCollection, isPair, type Document, type Node } from "yaml";

/** Largest front matter parsed, in characters (real card metadata is a few KB; big model-index blocks a few hundred). */
export const MAX_FRONT_MATTER_CHARS = 1_000_000;
/** Most nesting levels (block indentation + block indicators + flow brackets) anywhere in the front matter. */
export const MAX_YAML_NESTING = 256;
/** Most levels of collections used as mapping keys inside each other. */
export const MAX_YAML_KEY_DEPTH = 4;

/** Why the front matter must not be parsed, or null when it is within the limits. */
export function frontMatterTooComplex(yamlText: string): string | null {
  if (yamlText.length > MAX_FRONT_MATTER_CHARS) {
    return `front matter has ${yamlText.length} characters, more than the ${MAX_FRONT_MATTER_CHARS} parsed`;
  }
  let atLineStart = true;
  let indent = 0;
  let indicators = 0;
  /** Block depth of the current line, frozen while inside a flow collection. */
  let blockDepth = 0;
  let flowDepth = 0;
  /** The next token is the text of a scalar (the lexer marks scalars with a SCALAR token first). */
  let scalarText = false;
  for (const token of new Lexer().lex(yamlText)) {
    if (scalarText) {
      scalarText = false;
      atLineStart = false;
      continue;
    }
    switch (CST.tokenType(token)) {
      case "scalar":
        scalarText = true;
        break;
      case "newline":
        atLineStart = true;
        indent = 0;
        indicators = 0;
        break;
      case "space":
        // Indentation is the run of spaces before the line's first indicator (not the gaps after them).
        if (atLineStart && indicators === 0 && flowDepth === 0) {
          indent += token.length;
          if (indent > MAX_YAML_NESTING) return `a line is indented more than ${MAX_YAML_NESTING} columns`;
        }
        break;
      case "seq-item-ind":
      case "explicit-key-ind":
      case "map-value-ind":
        if (atLineStart && flowDepth === 0) {
          indicators++;
          if (indent + indicators > MAX_YAML_NESTING) {
            return `block collections nest deeper than ${MAX_YAML_NESTING} levels (a line indented ${indent} columns opens with ${indicators} "-", "?" or ":" indicators)`;
          }
        }
        break;
      case "flow-map-start":
      case "flow-seq-start":
        if (flowDepth === 0) blockDepth = indent + indicators;
        flowDepth++;
        if (flowDepth > MAX_YAML_NESTING) return `flow collections nest deeper than ${MAX_YAML_NESTING} levels`;
        if (blockDepth + flowDepth > MAX_YAML_NESTING) return `collections nest deeper than ${MAX_YAML_NESTING} levels`;
        atLineStart = false;
        break;
      case "flow-map-end":
      case "flow-seq-end":
        if (flowDepth > 0) flowDepth--;
        atLineStart = false;
        break;
      case "anchor":
      case "tag":
      case "byte-order-mark":
      case "doc-mode":
      case "flow-error-end":
        // Properties may sit between indicators (`- &a - !t - x`); they open nothing by themselves.
        break;
      default:
        atLineStart = false;
    }
  }
  return null;
}

/**
 * How deeply collections are nested inside mapping keys (0 when every key is a scalar), and whether
 * an alias refers to a node that contains it (a cycle: `&a [*a]`). Iterative, and linear in the
 * document's size (aliases are not followed, except to check for a cycle).
 */
export function keyNestingDepth(document: Document.Parsed): { keyDepth: number; cyclicAlias: string | null } {
  let keyDepth = 0;
  let cyclicAlias: string | null = null;
  // Each entry: a node, how many collection keys lead to it, and its ancestors' anchors.
  const stack: Array<{ node: unknown; keys: number; anchors: ReadonlySet<string> }> = [{ node: document.contents, keys: 0, anchors: new Set() }];
  while (stack.length > 0) {
    const { node, keys, anchors } = stack.pop()!;
    if (node === null || node === undefined) continue;
    if (isAlias(node)) {
      if (anchors.has(node.source)) cyclicAlias ??= node.source;
      continue;
    }
    if (!isCollection(node)) continue;
    const anchor = (node as Node).anchor;
    const inside = anchor ? new Set([...anchors, anchor]) : anchors;
    for (const item of node.items as unknown[]) {
      if (isPair(item)) {
        const keyIsCollection = isCollection(item.key);
        const keyLevel = keys + (keyIsCollection ? 1 : 0);
        if (keyLevel > keyDepth) keyDepth = keyLevel;
        stack.push({ node: item.key, keys: keyLevel, anchors: inside });
        stack.push({ node: item.value, keys, anchors: inside });
      } else {
        stack.push({ node: item, keys, anchors: inside });
      }
    }
  }
  return { keyDepth, cyclicAlias };
}
