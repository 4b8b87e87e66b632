/**
 * A model card's body read as Markdown (CommonMark, with GitHub tables, by markdown-it), cut into the
 * units the search reads: one unit per heading, paragraph, table cell, code block, HTML block, link
 * target and link reference definition. Each unit says what kind of place it is (its provenance) and
 * under which headings it stands.
 *
 * The text of a unit is what a reader of the rendered card sees, not the Markdown source: emphasis
 * markers, backticks and link brackets are gone, entities and backslash escapes are decoded, and the
 * text of a link reads as part of its sentence, so "[code](https://...) generation" is the phrase
 * "code generation". The link target becomes a unit of its own (a URL).
 *
 * Offsets: every character of a unit's text carries the offset of the character of the card body it
 * came from (`offsets[i]`), so a match at [s, e) of the unit text covers the body characters
 * [offsets[s], offsets[e - 1] + 1). A character markdown-it produced without a source character of its
 * own (a decoded entity, a line break inside a paragraph whose continuation lines lost their indent)
 * is mapped to the nearest source character at or after the previous one, so offsets never go back.
 *
 * A unit's characters may come from different kinds of places (a paragraph holding a link, inline
 * code or an inline HTML tag): `kinds` then records the kind of each character, and a match that lies
 * wholly inside one kind takes that kind (a task phrase that is all link text is "card.link"; one
 * that spans link text and prose is prose).
 *
 * Raw HTML is not Markdown: an HTML block is split into comments, tags (with their attributes) and
 * the text between tags, which is read like prose. Fenced and indented code blocks are "card.code".
 */
import MarkdownIt from "markdown-it";

/** Where in a card a piece of text stands. */
export const CARD_PROVENANCES = ["card.heading", "card.prose", "card.table", "card.code", "card.link", "card.url", "card.html", "card.html-comment"] as const;
export type CardProvenance = (typeof CARD_PROVENANCES)[number];

export interface CardSection {
  /** 1-6 for Markdown headings. */
  level: number;
  /** The heading as rendered text, whitespace collapsed. */
  heading: string;
  /** The headings from the top down to this one, joined by " > ". */
  path: string;
  /** Body offsets: from the heading's first line to the line before the next heading of the same or a higher level. */
  start: number;
  end: number;
}

export interface CardUnit {
  /** The kind of the unit as a whole (a paragraph is prose, a table cell is table, ...). */
  provenance: CardProvenance;
  /** Index into {@link CardLayout.sections} of the innermost heading above the unit (a heading's own), -1 before any. */
  sectionIndex: number;
  /** The rendered text searched. */
  text: string;
  /** Per character of `text`: its offset in the card body. */
  offsets: Int32Array;
  /** Per character of `text`: an index into CARD_PROVENANCES; null when every character is of `provenance`. */
  kinds: Uint8Array | null;
}

export interface CardLayout {
  units: CardUnit[];
  sections: CardSection[];
}

const KIND = Object.fromEntries(CARD_PROVENANCES.map((k, i) => [k, i])) as Record<CardProvenance, number>;

/** How far the character-by-character alignment looks ahead for a character it cannot find in place. */
const LOOKAHEAD = 24;

/** The longest heading text kept in a section path. */
const MAX_HEADING_CHARS = 80;

/** Inline HTML elements that sit inside a word or a sentence; others (p, div, br, img, td, ...) separate text. */
const INLINE_ELEMENTS = new Set([
  "a",
  "abbr",
  "b",
  "bdi",
  "bdo",
  "cite",
  "code",
  "del",
  "dfn",
  "em",
  "font",
  "i",
  "ins",
  "kbd",
  "mark",
  "q",
  "s",
  "samp",
  "small",
  "span",
  "strike",
  "strong",
  "sub",
  "sup",
  "tt",
  "u",
  "var",
]);

const markdown = new MarkdownIt({ html: true, linkify: true });

/** Read a card body (the README after its front matter) into search units and sections. */
export function parseCardLayout(body: string): CardLayout {
  const reader = new LayoutReader(body);
  reader.read();
  return { units: reader.units, sections: reader.sections };
}

/** The provenance of the characters [start, end) of a unit: their common kind, else the unit's own. */
export function provenanceOfSpan(unit: CardUnit, start: number, end: number): CardProvenance {
  if (unit.kinds === null) return unit.provenance;
  const first = unit.kinds[start]!;
  for (let i = start + 1; i < end; i++) if (unit.kinds[i] !== first) return unit.provenance;
  return CARD_PROVENANCES[first]!;
}

/** Collects one unit's rendered text with the body offset and kind of each character. */
class UnitBuilder {
  private readonly chars: string[] = [];
  private readonly offsets: number[] = [];
  private readonly kinds: number[] = [];

  constructor(
    readonly provenance: CardProvenance,
    readonly sectionIndex: number,
  ) {}

  get length(): number {
    return this.offsets.length;
  }

  /**
   * Append `text`, which stands in `source` at or after `cursor` (before `limit`), and return the
   * offset just after it. Found verbatim, its characters map one to one; otherwise (decoded entities,
   * escapes, stripped indentation) character by character, each to the next equal source character
   * within a short distance, or to the current position when there is none.
   */
  append(text: string, source: string, cursor: number, limit: number, kind: CardProvenance): number {
    if (text.length === 0) return cursor;
    const code = KIND[kind];
    const at = findWithin(source, text, cursor, limit);
    if (at >= 0) {
      for (let i = 0; i < text.length; i++) this.push(text[i]!, at + i, code);
      return at + text.length;
    }
    // Not verbatim (a decoded entity or escape): start where its first characters stand, if near.
    const head = text.slice(0, Math.min(8, text.length));
    const anchor = head.length < text.length ? findNear(source, head, cursor, limit) : -1;
    if (anchor >= 0) cursor = anchor;
    // Character by character (UTF-16 units: both halves of a surrogate pair map to their own
    // positions), each looked for at most LOOKAHEAD characters ahead, so the cost stays linear.
    let position = cursor;
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      const stop = Math.min(limit, position + LOOKAHEAD);
      let found = -1;
      for (let j = position; j < stop; j++) {
        if (source.charCodeAt(j) === unit) {
          found = j;
          break;
        }
      }
      if (found >= 0) {
        this.push(text[i]!, found, code);
        position = found + 1;
      } else {
        this.push(text[i]!, Math.min(position, Math.max(0, limit - 1)), code);
      }
    }
    return position;
  }

  /** A separator character (line break, space) standing for markup at `at`. */
  separator(ch: string, at: number, kind: CardProvenance): void {
    this.push(ch, at, KIND[kind]);
  }

  private push(ch: string, offset: number, kind: number): void {
    this.chars.push(ch);
    this.offsets.push(offset);
    this.kinds.push(kind);
  }

  build(): CardUnit | null {
    const text = this.chars.join("");
    if (text.trim() === "") return null;
    const own = KIND[this.provenance];
    const uniform = this.kinds.every((k) => k === own);
    return {
      provenance: this.provenance,
      sectionIndex: this.sectionIndex,
      text,
      offsets: Int32Array.from(this.offsets),
      kinds: uniform ? null : Uint8Array.from(this.kinds),
    };
  }
}

type Token = MarkdownIt.Token;

class LayoutReader {
  readonly units: CardUnit[] = [];
  readonly sections: CardSection[] = [];
  private readonly lineStarts: number[] = [0];
  private readonly covered: boolean[];
  private sectionIndex = -1;
  private readonly stack: number[] = [];

  constructor(private readonly body: string) {
    for (let i = body.indexOf("\n"); i >= 0; i = body.indexOf("\n", i + 1)) this.lineStarts.push(i + 1);
    this.covered = new Array<boolean>(this.lineStarts.length).fill(false);
  }

  read(): void {
    const tokens = markdown.parse(this.body, {});
    let cellCursor = 0;
    let rowEnd = 0;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.map) for (let line = token.map[0]; line < token.map[1] && line < this.covered.length; line++) this.covered[line] = true;
      switch (token.type) {
        case "heading_open": {
          const inline = tokens[i + 1]!;
          const [start, end] = this.region(token);
          this.openSection(Number(token.tag.slice(1)), inline, start);
          this.inline(inline, "card.heading", start, end);
          i += 2;
          break;
        }
        case "paragraph_open": {
          const inline = tokens[i + 1]!;
          const [start, end] = this.region(token);
          this.inline(inline, "card.prose", start, end);
          i += 2;
          break;
        }
        case "tr_open": {
          [cellCursor, rowEnd] = this.region(token);
          break;
        }
        case "inline": {
          // Table cells (th / td): no line map of their own; they follow each other along the row.
          const at = findWithin(this.body, token.content, cellCursor, rowEnd);
          const start = at >= 0 ? at : cellCursor;
          cellCursor = this.inline(token, "card.table", start, rowEnd);
          break;
        }
        case "fence":
        case "code_block": {
          const [start, end] = this.region(token);
          const from = token.type === "fence" ? this.lineStart((token.map?.[0] ?? 0) + 1, end) : start;
          const unit = new UnitBuilder("card.code", this.sectionIndex);
          unit.append(token.content, this.body, from, end, "card.code");
          this.add(unit);
          break;
        }
        case "html_block": {
          const [start, end] = this.region(token);
          this.html(token.content, start, end);
          break;
        }
        default:
          break;
      }
    }
    this.closeSections(0, this.body.length);
    this.uncoveredLines();
  }

  /** Body offsets [start, end) of a block token's lines. */
  private region(token: Token): [number, number] {
    const [first, last] = token.map ?? [0, this.lineStarts.length];
    return [this.lineStart(first, this.body.length), this.lineStart(last, this.body.length)];
  }

  private lineStart(line: number, fallback: number): number {
    return line < this.lineStarts.length ? this.lineStarts[line]! : fallback;
  }

  private openSection(level: number, inline: Token, start: number): void {
    this.closeSections(level, start);
    const heading = plainText(inline).replace(/\s+/g, " ").trim().slice(0, MAX_HEADING_CHARS);
    const parent = this.stack.length > 0 ? this.sections[this.stack[this.stack.length - 1]!]!.path : "";
    this.sections.push({ level, heading, path: parent === "" ? heading : `${parent} > ${heading}`, start, end: this.body.length });
    this.sectionIndex = this.sections.length - 1;
    this.stack.push(this.sectionIndex);
  }

  /** Close the open sections of `level` or deeper at `at`. */
  private closeSections(level: number, at: number): void {
    while (this.stack.length > 0 && this.sections[this.stack[this.stack.length - 1]!]!.level >= level) {
      this.sections[this.stack.pop()!]!.end = at;
    }
  }

  /** One inline run (a paragraph, a heading, a cell): its text unit plus URL, HTML and comment units. Returns the cursor after it. */
  private inline(token: Token, provenance: CardProvenance, start: number, end: number): number {
    const text = new UnitBuilder(provenance, this.sectionIndex);
    const extras: UnitBuilder[] = [];
    const children = token.children ?? [];
    let cursor = start;
    let linkKind: CardProvenance | null = null;
    for (const child of children) {
      switch (child.type) {
        case "text":
          cursor = text.append(child.content, this.body, cursor, end, linkKind ?? provenance);
          break;
        case "code_inline":
          cursor = text.append(child.content, this.body, cursor, end, "card.code");
          break;
        case "softbreak":
        case "hardbreak": {
          const nl = this.body.indexOf("\n", cursor);
          const at = nl >= 0 && nl < end ? nl : Math.max(start, Math.min(cursor, end - 1));
          text.separator("\n", at, provenance);
          cursor = nl >= 0 && nl < end ? nl + 1 : cursor;
          break;
        }
        case "link_open":
          linkKind = child.markup === "autolink" || child.markup === "linkify" ? "card.url" : "card.link";
          break;
        case "link_close":
          linkKind = null;
          cursor = this.linkTarget(cursor, end, extras);
          break;
        case "image":
          cursor = text.append(child.content, this.body, cursor, end, "card.link");
          cursor = this.linkTarget(cursor, end, extras);
          break;
        case "html_inline": {
          const at = findWithin(this.body, child.content, cursor, end);
          const from = at >= 0 ? at : cursor;
          const comment = /^<!--/.test(child.content);
          const unit = new UnitBuilder(comment ? "card.html-comment" : "card.html", this.sectionIndex);
          if (comment) appendComment(unit, child.content, this.body, from);
          else unit.append(child.content, this.body, from, end, "card.html");
          extras.push(unit);
          if (!comment && !INLINE_ELEMENTS.has(tagName(child.content))) text.separator(" ", from, provenance);
          cursor = at >= 0 ? at + child.content.length : cursor;
          break;
        }
        default:
          break;
      }
    }
    this.add(text);
    for (const unit of extras) this.add(unit);
    return cursor;
  }

  /**
   * After a link's text (at `cursor`, on its closing bracket): the inline target "(url "title")" becomes
   * a URL unit; a reference "[label]" is skipped. Returns the offset after the link.
   */
  private linkTarget(cursor: number, end: number, extras: UnitBuilder[]): number {
    const body = this.body;
    let at = cursor;
    while (at < end && body[at] !== "]" && body[at] !== ">" && at - cursor < 4) at++;
    if (body[at] === ">") return at + 1; // autolink <https://...>
    if (body[at] !== "]") return cursor;
    if (body[at + 1] === "(") {
      let depth = 0;
      let quote: string | null = null;
      for (let k = at + 1; k < end; k++) {
        const c = body[k]!;
        if (quote !== null) {
          if (c === quote) quote = null;
        } else if (c === "\\") k++;
        else if ((c === '"' || c === "'") && depth === 1 && /\s/.test(body[k - 1]!)) quote = c;
        else if (c === "(") depth++;
        else if (c === ")" && --depth === 0) {
          const url = new UnitBuilder("card.url", this.sectionIndex);
          url.append(body.slice(at + 2, k), body, at + 2, k, "card.url");
          extras.push(url);
          return k + 1;
        }
      }
      return at + 1;
    }
    if (body[at + 1] === "[") {
      const close = body.indexOf("]", at + 2);
      return close >= 0 && close < end ? close + 1 : at + 1;
    }
    return at + 1;
  }

  /** An HTML block: comments, tags and the text between tags. */
  private html(content: string, start: number, end: number): void {
    const at = findWithin(this.body, content, start, end);
    const base = at >= 0 ? at : start;
    const text = new UnitBuilder("card.prose", this.sectionIndex);
    const markup = new UnitBuilder("card.html", this.sectionIndex);
    const comments: UnitBuilder[] = [];
    const pattern = /<!--[\s\S]*?(?:-->|$)|<\/?([A-Za-z][A-Za-z0-9-]*)(?:[^>"']|"[^"]*"|'[^']*')*>?/g;
    let last = 0;
    let raw: string | null = null;
    for (const match of content.matchAll(pattern)) {
      const from = match.index!;
      if (raw === null) this.htmlText(text, content.slice(last, from), base + last, base + from);
      const tag = match[0];
      if (tag.startsWith("<!--")) {
        const comment = new UnitBuilder("card.html-comment", this.sectionIndex);
        appendComment(comment, tag, this.body, base + from);
        comments.push(comment);
      } else {
        if (markup.length > 0) markup.separator("\n", base + from, "card.html");
        markup.append(tag, this.body, base + from, base + from + tag.length, "card.html");
        const name = (match[1] ?? "").toLowerCase();
        // Script and style bodies are markup too.
        if (raw === null && (name === "script" || name === "style") && !tag.startsWith("</")) raw = name;
        else if (raw !== null && tag.toLowerCase().startsWith(`</${raw}`)) raw = null;
        if (!INLINE_ELEMENTS.has(name)) text.separator("\n", base + from, "card.prose");
      }
      last = from + tag.length;
    }
    if (raw === null) this.htmlText(text, content.slice(last), base + last, base + content.length);
    this.add(text);
    this.add(markup);
    for (const comment of comments) this.add(comment);
  }

  private htmlText(unit: UnitBuilder, piece: string, from: number, to: number): void {
    if (piece.length === 0) return;
    unit.append(markdown.utils.unescapeAll(piece), this.body, from, to, "card.prose");
  }

  /** Lines no block covers: link reference definitions ("[label]: https://..."), read as URLs. */
  private uncoveredLines(): void {
    for (let line = 0; line < this.covered.length; line++) {
      if (this.covered[line]) continue;
      const start = this.lineStarts[line]!;
      const end = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1]! - 1 : this.body.length;
      const text = this.body.slice(start, end);
      if (text.trim() === "") continue;
      const unit = new UnitBuilder("card.url", this.sectionAt(start));
      unit.append(text, this.body, start, end, "card.url");
      this.add(unit);
    }
  }

  private sectionAt(offset: number): number {
    let index = -1;
    for (let i = 0; i < this.sections.length; i++) if (this.sections[i]!.start <= offset) index = i;
    return index;
  }

  private add(builder: UnitBuilder): void {
    const unit = builder.build();
    if (unit) this.units.push(unit);
  }
}

/** How far ahead a piece is first looked for: pieces usually follow a few markup characters. */
const NEAR = 256;
/** A region this short is searched whole for a piece not found near. */
const SHORT_REGION = 4096;

/** Where `text` starts in `source` within the next NEAR characters (and before `to`), or -1. */
function findNear(source: string, text: string, from: number, to: number): number {
  const near = Math.min(to - text.length + 1, from + NEAR);
  for (let p = from; p < near; p++) if (source.startsWith(text, p)) return p;
  return -1;
}

/**
 * Where `text` starts in `source` within [from, to), or -1: looked for just ahead (pieces follow a few
 * markup characters), and anywhere in a short region. A long region (a huge paragraph) is not searched
 * further: a piece not found near is not in the source verbatim (a decoded entity), and searching the
 * rest of the card for every such piece would cost quadratic time.
 */
function findWithin(source: string, text: string, from: number, to: number): number {
  if (text.length === 0 || to - from < text.length) return -1;
  const near = findNear(source, text, from, to);
  if (near >= 0 || to - from > SHORT_REGION) return near;
  const at = source.slice(from, to).indexOf(text);
  return at < 0 ? -1 : from + at;
}

/** The rendered text of an inline token: text, code and image alt text, line breaks as spaces. */
function plainText(inline: Token): string {
  return (inline.children ?? [])
    .map((c) => (c.type === "text" || c.type === "code_inline" || c.type === "image" ? c.content : c.type === "softbreak" || c.type === "hardbreak" ? " " : ""))
    .join("");
}

/** The text inside an HTML comment standing at `at` in `source` (without "<!--" and "-->"). */
function appendComment(unit: UnitBuilder, comment: string, source: string, at: number): void {
  const inner = comment.slice(4, comment.endsWith("-->") ? -3 : undefined);
  unit.append(inner, source, at + 4, at + 4 + inner.length, "card.html-comment");
}

function tagName(tag: string): string {
  return (/^<\/?([A-Za-z][A-Za-z0-9-]*)/.exec(tag)?.[1] ?? "").toLowerCase();
}
