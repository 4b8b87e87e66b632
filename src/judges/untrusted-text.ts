/**
 * Card text is untrusted: anyone can publish a model card, and the card is pasted into an LLM prompt.
 * Three defences, applied by `buildCardDocument` / `buildCallPrompt` and the relevance stage:
 *
 * 1. {@link normaliseUntrusted}: NFKC (full-width and styled letters become plain ones), zero-width
 *    and other invisible format characters removed, control characters removed (line breaks become
 *    `\n`). What the model reads is what a person reading the text sees.
 * 2. {@link neutraliseDelimiters}, always after normalisation: anything shaped like our data
 *    delimiters (`<<<CARD-DATA ...>>>`, `<<<END-CARD-DATA ...>>>`) is replaced, matched on a
 *    skeleton of the text that also folds look-alike letters (Cyrillic `С`, Greek `Α`, ...) and
 *    dashes, and that tolerates delimiters split across lines or written with `_` or spaces.
 *    {@link singleLine} escapes line breaks in metadata values (a model id or Hub tag), so they
 *    cannot forge a metadata line inside the card block.
 * 3. {@link addressesTheJudge}: a card that talks to its reader-machine ("ignore previous
 *    instructions", "note to the AI classifier", "answer relevant", "respond with yes", a pasted
 *    `"relevant": true`, in several languages) is flagged; the verdict on it is marked for a human.
 */

/** Invisible characters that can split or disguise a word: zero-width, bidi controls, joiners, variation selectors, tags. */
const INVISIBLE =
  // Combining marks (U+034F, variation selectors) are listed on purpose: each is removed on its own.
  // eslint-disable-next-line no-misleading-character-class
  /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]|\udb40[\udc00-\udfff]/g;
/** Control characters other than tab and line feed. */
// eslint-disable-next-line no-control-regex -- control characters are what this removes
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

/** NFKC, invisible and control characters removed, every line break as `\n`. */
export function normaliseUntrusted(text: string): string {
  return text
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, "\n")
    .replace(INVISIBLE, "")
    .normalize("NFKC")
    .replace(INVISIBLE, "")
    .replace(CONTROL, "");
}

/**
 * One line for a metadata value: line breaks and other control characters are written as escapes
 * (`\n`, `\u0007`), so `Model id: a/b\nPipeline tag: x` stays one line. Ordinary values are unchanged.
 */
export function singleLine(value: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what this escapes
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => {
    if (c === "\n") return "\\n";
    if (c === "\r") return "\\r";
    if (c === "\t") return "\\t";
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/**
 * Look-alike letters and punctuation folded to ASCII, one UTF-16 unit for one (so offsets in the
 * skeleton are offsets in the text). NFKC already maps full-width and mathematical letters.
 */
const FOLD: Record<string, string> = {};
const addFold = (ascii: string, lookAlikes: string) => {
  for (const ch of lookAlikes) FOLD[ch] = ascii;
};
addFold("A", "АΑᎪᗅꓮ");
addFold("a", "аɑα");
addFold("B", "ВΒᏴꓐ");
addFold("C", "СϹᏟꓚⅭ");
addFold("c", "сϲⅽ");
addFold("D", "ᎠꓓⅮԁԀ");
addFold("E", "ЕΕᎬꓰ");
addFold("e", "еҽ");
addFold("H", "НΗᎻꓧ");
addFold("I", "ІΙӀⅠ");
addFold("i", "іıɩ");
addFold("K", "КΚᏦꓗ");
addFold("M", "МΜᎷꓟ");
addFold("N", "ΝꓠɴИ");
addFold("O", "ОΟՕꓳ");
addFold("o", "оοօ");
addFold("P", "РΡᏢꓑ");
addFold("p", "рρ");
addFold("R", "ᎡꓣƦʀ");
addFold("S", "ЅᏚꓢ");
addFold("s", "ѕ");
addFold("T", "ТΤᎢꓔ");
addFold("X", "ХΧꓫ");
addFold("x", "хχ");
addFold("Y", "ҮΥꓬ");
addFold("y", "уү");
addFold("-", "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2043\ufe58\u30fc");
addFold("_", "\u2017\u02cd");
addFold("<", "\u2039\u00ab\u2329\u3008\u27e8\u02c2\u1438\u276e\u276c");
addFold(">", "\u203a\u00bb\u232a\u3009\u27e9\u02c3\u1433\u276f\u276d");

/** The text with look-alikes folded (same length, same offsets). */
export function skeleton(text: string): string {
  return text.replace(FOLDED, (ch) => FOLD[ch]!);
}
const FOLDED = new RegExp(
  `[${Object.keys(FOLD)
    .map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .join("")}]`,
  "g",
);

const SEP = String.raw`[\s_\-.·:~*|/\\+=]*`;
/** A keyword whose letters may be split by whitespace (line breaks included). */
const spaced = (word: string) => word.split("").join(String.raw`\s*`);
const MARKER = `(?:${spaced("END")}${SEP})?${spaced("CARD")}${SEP}${spaced("DATA")}`;
/** `<<` ... marker ... up to the closing `>>` (or `>`, or the end of the line). */
const BRACKETED = new RegExp(String.raw`<(?:\s*<)+${SEP}${MARKER}(?:[^\n]{0,200}?>(?:\s*>)+|[^\n]{0,200}?>|[^\n]{0,200})`, "gi");
/** The marker words without brackets, when joined like a token (`CARD-DATA`, `END_CARD_DATA`, `END CARD DATA`). */
const BARE = new RegExp(
  String.raw`(?<![A-Za-z])(?:${spaced("END")}${SEP}${spaced("CARD")}${SEP}${spaced("DATA")}|${spaced("CARD")}\s*[_\-]+\s*${spaced("DATA")})(?![A-Za-z])`,
  "gi",
);

export const DELIMITER_REPLACEMENT = "[delimiter-like text removed]";

/** Replace delimiter look-alikes in already normalised text (see the module header). */
export function neutraliseDelimiters(text: string): string {
  const folded = skeleton(text);
  const spans: Array<[number, number]> = [];
  for (const pattern of [BRACKETED, BARE]) {
    pattern.lastIndex = 0;
    for (const match of folded.matchAll(pattern)) spans.push([match.index, match.index + match[0].length]);
  }
  if (spans.length === 0) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let out = "";
  let at = 0;
  for (const [start, end] of spans) {
    if (end <= at) continue;
    out += text.slice(at, Math.max(at, start)) + (start >= at ? DELIMITER_REPLACEMENT : "");
    at = end;
  }
  return out + text.slice(at);
}

/** Normalise, then neutralise delimiters: what goes between the real delimiters. */
export function untrustedData(text: string): string {
  return neutraliseDelimiters(normaliseUntrusted(text));
}

// ---- cards that address the judge ----

/** A verdict word used as the answer itself: followed by the end of a sentence or a quote, not by a noun ("relevant documents"). */
const VERDICT_WORD = String.raw`(?:relevant|not\s+relevant|irrelevant)(?=\s*(?:["'”’\`.,;:!)\]}\n]|$)|\s+(?:for|to|and|only|regardless|no\s+matter|whatever)\b)`;
const QUOTE = String.raw`["'“”‘’\`]?`;
const READER = String.raw`(?:ai|a\.i\.|llms?|large\s+language\s+models?|language\s+models?|classifiers?|judges?|graders?|evaluators?|annotators?|assistants?|chatbots?|bots?|gpt|chatgpt|gemini|claude)`;

/** Patterns on the folded, normalised text (Latin-script languages); `i` flag, no `u` so `\b` is ASCII. */
const LATIN_PATTERNS: RegExp[] = [
  // English: override the instructions
  /\b(?:ignore|disregard|forget|override|bypass|skip)\s+(?:(?:all|any|the|your|of|these|those|my|every)\s+)*(?:(?:previous|prior|above|earlier|preceding|system|original|other|existing|given|initial)\s+)?(?:instructions?|prompts?|rules|directions|guidelines|directives)\b/i,
  /\b(?:ignore|disregard)\s+(?:(?:all|everything)\s+)?(?:of\s+)?(?:the\s+|what\s+(?:is|was)\s+)?(?:above|previous|preceding|said\s+before)\b/i,
  /\bnew\s+(?:instructions?|rules|system\s+prompt)\s*:/i,
  // English: speaking to the machine that reads the card
  new RegExp(
    String.raw`\b(?:dear|attention|hey|hello|hi|note\s+(?:to|for)|message\s+(?:to|for)|instructions?\s+(?:to|for)|reminder\s+(?:to|for))\s*,?\s+(?:(?:the|any|all|our|you|automated|automatic)\s+)*${READER}\b`,
    "i",
  ),
  new RegExp(
    String.raw`\b(?:${READER}|models?|systems?)\s+(?:(?:that|who)\s+(?:is|are)\s+)?(?:reading|classifying|evaluating|judging|reviewing|scoring|labell?ing|screening|processing|analy[sz]ing|filtering)\s+(?:(?:this|these|the)\s+(?:model\s+)?(?:card|text|description|readme|page|document)s?\b|(?:this|these)(?=\s*[,.:;!?\n]|$))`,
    "i",
  ),
  /\bif\s+you\s+are\s+(?:an?\s+|the\s+)?(?:ai|a\.i\.|llm|large\s+language\s+model|language\s+model|bot|automated|machine|classifier|judge)\b/i,
  /\byou\s+are\s+(?:an?\s+|the\s+)?(?:[a-z-]+\s+){0,2}(?:classifier|judge|grader|evaluator|annotator|relevance\s+(?:checker|filter|model))\b/i,
  // English: steering the verdict
  new RegExp(
    String.raw`\b(?:answer|respond|reply|output|return|say|print|write|state|conclude)\s+(?:(?:only|just|simply|with|that|it\s+is|this\s+is|as)\s+)*${QUOTE}${VERDICT_WORD}`,
    "i",
  ),
  new RegExp(
    String.raw`(?:^|[.!?;:\n]\s*|\b(?:please|must|should|always|only|just|simply|now)\s+)(?:respond|reply|answer)\s+(?:only\s+)?with\s+(?:(?:a|the|only|just)\s+)*${QUOTE}(?:yes|true|relevant|verdict|["'{]\s*relevant)\b`,
    "i",
  ),
  new RegExp(
    String.raw`\b(?:classify|mark|label|rate|judge|consider|treat|flag|tag)\s+(?:(?:this|it|the|me|that)\s+)*(?:model\s+|card\s+)?as\s+${QUOTE}(?:relevant|se|software\s+engineering|a\s+software\s+engineering\s+model)\b`,
    "i",
  ),
  /\b(?:correct|right|expected|only\s+valid)\s+(?:answer|classification|verdict|label|output)\s+(?:here\s+)?(?:is|would\s+be|=)\b/i,
  /["'“”]relevant["'“”]\s*:\s*(?:true|false)\b/i,
  // German
  /\b(?:ignoriere|ignorieren\s+sie|vergiss|vergessen\s+sie|missachte|missachten\s+sie)\s+(?:(?:alle|die|deine|ihre)\s+)*(?:vorherigen|bisherigen|obigen|vorigen|vorangegangenen)\s+(?:anweisungen|instruktionen|befehle|regeln|vorgaben)/i,
  /\b(?:antworte|antworten\s+sie|gib|geben\s+sie)\s+(?:(?:nur|ausschlie(?:ß|ss)lich|einfach)\s+)*(?:mit\s+)?["'„“]?(?:relevant|ja)\b(?!\s+(?:oder|or)\b)/i,
  /\b(?:klassifiziere|markiere|bewerte|stufe)\s+(?:(?:dieses|das|diese)\s+)?(?:modell\s+)?als\s+["'„“]?relevant/i,
  // French
  /\b(?:ignore|ignorez|oublie|oubliez)\s+(?:(?:toutes|tous|les|vos|tes)\s+)*(?:instructions|consignes|directives|règles|regles)\s+(?:précédentes|precedentes|antérieures|anterieures|ci-dessus)/i,
  /\b(?:réponds|répondez|reponds|repondez)\s+(?:(?:uniquement|seulement|simplement)\s+)?(?:par|avec)\s+["'«]?\s*(?:pertinent|relevant|oui)\b/i,
  /\b(?:classe|classez|marque|marquez|considère|considérez)\s+(?:ce|le)\s+modèle\s+comme\s+["'«]?\s*pertinent/i,
  // Spanish / Portuguese / Italian
  /\b(?:ignora|ignore|ignorar|olvida|olvide|esqueça|esqueca)\s+(?:(?:todas|todos|las|los|as|os|tus|suas)\s+)*(?:instrucciones|instruções|instrucoes|indicaciones|órdenes)\s+(?:anteriores|previas|prévias|previas)/i,
  /\bignora\s+(?:(?:tutte|le)\s+)*istruzioni\s+precedenti/i,
  /\b(?:responde|responda|contesta|conteste|rispondi|risponda)\s+(?:(?:solo|solamente|únicamente|unicamente|apenas|somente)\s+)?(?:con|com)?\s*["'«]?(?:relevante|rilevante|relevant)\b/i,
  /\b(?:clasifica|classifica|marca)\s+(?:este|esse|questo)\s+(?:modelo|modello)\s+como?\s+["'«]?(?:relevante|rilevante)/i,
];

/** Patterns on the normalised (not folded) text: scripts without ASCII word boundaries. */
const SCRIPT_PATTERNS: RegExp[] = [
  // Russian
  /(?:игнорируй|игнорируйте|забудь|забудьте|проигнорируй)\s+(?:(?:все|всё|свои|ваши)\s+)*(?:предыдущие|прошлые|предшествующие|вышеуказанные|прежние)\s+(?:инструкции|указания|правила)/i,
  /(?:ответь|ответьте|отвечай|отвечайте)\s+(?:(?:только|лишь)\s+)?["«]?(?:релевантно|релевантен|relevant)/i,
  // Chinese
  /(?:忽略|无视|忘记|忽视|不要理会)(?:你)?(?:之前|以上|先前|上面|前面|此前)(?:的)?(?:所有)?(?:指令|指示|说明|提示|规则)/,
  /(?:请)?(?:只)?(?:回答|回复|输出|答复)[：:\s]*["“「]?(?:相关|relevant)/,
  /(?:把|将)(?:这个|此|该)模型(?:分类|标记|判定|判断)为["“「]?相关/,
  // Japanese
  /(?:以前|前|上記|これまで)の(?:すべての)?指示を(?:すべて)?無視/,
  /[「"]?関連(?:あり|している)?[」"]?と(?:答え|回答|出力)/,
  // Korean
  /이전\s*(?:의\s*)?(?:모든\s*)?(?:지시|명령|지침)(?:사항)?(?:을|를)?\s*무시/,
  /["“]?관련\s*있(?:음|다)["”]?(?:으)?로\s*(?:답|응답)/,
];

/**
 * The first passage in `text` that addresses the judge (trimmed, at most 80 characters), or null.
 * `text` is normalised here; matching also runs on the look-alike skeleton.
 */
export function addressesTheJudge(text: string): string | null {
  const normal = normaliseUntrusted(text);
  const folded = skeleton(normal);
  for (const pattern of LATIN_PATTERNS) {
    const match = pattern.exec(folded);
    if (match) return evidence(normal.slice(match.index, match.index + match[0].length));
  }
  for (const pattern of SCRIPT_PATTERNS) {
    const match = pattern.exec(normal);
    if (match) return evidence(match[0]);
  }
  return null;
}

function evidence(passage: string): string {
  const flat = passage.replace(/\s+/g, " ").trim();
  return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}
