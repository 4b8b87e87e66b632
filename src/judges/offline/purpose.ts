/**
 * What a card says the model is for: the card read as Markdown, each section classed by its heading,
 * and the texts that carry purpose (the title and opening description, model-description and
 * intended-use sections). The offline judge weighs every occurrence by the class of the section it
 * stands in.
 *
 * Section classes follow the sections of the Hugging Face model-card template and of Mitchell et al.,
 * "Model Cards for Model Reporting" (FAT* 2019):
 * - purpose: model description / details / overview / summary / introduction, intended use(s), uses,
 *   direct and downstream use, capabilities, features, applications; and the opening (text before the
 *   first heading, or under the title before its first subsection).
 * - noise: sections about something other than what the model does: limitations, out-of-scope use,
 *   risks, bias, ethics, safety, citations and references, acknowledgements, licence, contact,
 *   changelog, hardware, software, system requirements, installation, environment, hyperparameters and
 *   framework versions, disclaimers and access terms, carbon footprint, glossary.
 * - neutral: everything else (training data, evaluation, results, usage, prompt format, files, ...).
 * A subsection without a class of its own takes its parent's; under the title it is neutral.
 */
import type { ModelRecord } from "../../corpus/record";
import { parseCardLayout, type CardLayout, type CardUnit } from "../../search/markdown";

export type SectionClass = "opening" | "purpose" | "neutral" | "noise";

const OUT_OF_SCOPE = /\bout[- ]of[- ]scope\b|\bmisuse\b|\bmalicious use\b|\bnot intended\b|\bprohibited\b/;
const PURPOSE =
  /\b(model (description|details|summary|overview|card|information|introduction)|description|overview|introduction|about( the model| this model)?|summary|intended (use|uses|usage|purpose)|uses|use cases?|usage scenarios?|direct use|downstream use|capabilit(y|ies)|features|key features|highlights|applications?|what (it|this model) (does|is for)|purpose|model type|tasks?)\b/;
const NOISE =
  /\b(limitations?|risks?|bias(es)?|ethic(s|al)|safety|harms?|citations?|cite|bibtex|references?|acknowledge?ments?|licen[cs]e|licensing|contact|authors?|maintainers?|changelog|change log|release notes|updates?|news|version history|hardware|software|system requirements?|requirements|installation|install|setup|environment|dependencies|prerequisites|compute infrastructure|framework versions?|hyper-?parameters|training (arguments|config(uration)?|logs?|loss)|disclaimers?|terms( of use)?|access|carbon|emissions|environmental impact|glossary|more information|recommendations)\b/;

export function classifyHeading(heading: string): SectionClass | null {
  const h = heading.toLowerCase();
  if (OUT_OF_SCOPE.test(h)) return "noise";
  if (PURPOSE.test(h)) return "purpose";
  if (NOISE.test(h)) return "noise";
  return null;
}

export interface CardPurpose {
  layout: CardLayout;
  /** Class of each section (index as in layout.sections). */
  sectionClasses: SectionClass[];
  /** The first heading when it opens the card (level 1 or 2, nothing but blank text before it). */
  title: string | null;
  /** The title merely repeats the model's name. */
  titleIsName: boolean;
  /** Words of prose in the card (paragraphs, lists, HTML text), placeholders excluded. */
  proseWords: number;
  /** Rendered text of the purpose-bearing units (title, opening, purpose sections), lowercased. */
  purposeText: string;
}

/** The class of a unit's place: opening, purpose, neutral or noise. */
export function classOfSection(purpose: CardPurpose, sectionIndex: number): SectionClass {
  return sectionIndex < 0 ? "opening" : purpose.sectionClasses[sectionIndex]!;
}

const PLACEHOLDER = /^\s*(more information needed|\[more information needed\]|\[needs more information\]|information needed|todo|tbd|n\/a)\s*\.?\s*$/i;

const purposeCache = new WeakMap<ModelRecord, CardPurpose>();

export function cardPurposeOf(record: ModelRecord): CardPurpose {
  const hit = purposeCache.get(record);
  if (hit) return hit;
  const body = record.cardStatus === "present" ? (record.cardBody ?? "") : "";
  const layout = parseCardLayout(body);
  const sections = layout.sections;

  // The title: a first heading of level 1 or 2 with no prose before it.
  const firstUnit = layout.units[0];
  const title = sections.length > 0 && sections[0]!.level <= 2 && (!firstUnit || firstUnit.sectionIndex >= 0) ? sections[0]!.heading : null;
  const classes: SectionClass[] = [];
  sections.forEach((section, i) => {
    const own = classifyHeading(section.heading);
    if (i === 0 && title !== null) {
      // The title section holds the opening description (until its first subsection).
      classes.push(own === "noise" ? "noise" : "opening");
      return;
    }
    if (own) {
      classes.push(own);
      return;
    }
    // Inherit from the nearest enclosing section; under the title a section without a class is neutral.
    let parent: SectionClass = "neutral";
    for (let j = i - 1; j >= 0; j--) {
      if (sections[j]!.level < section.level) {
        parent = classes[j] === "opening" ? "neutral" : classes[j]!;
        break;
      }
    }
    classes.push(parent);
  });

  let proseWords = 0;
  const purposeParts: string[] = [];
  for (const unit of layout.units) {
    const cls = unit.sectionIndex < 0 ? "opening" : classes[unit.sectionIndex]!;
    if (isProse(unit) && !PLACEHOLDER.test(unit.text)) proseWords += unit.text.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length;
    if ((cls === "opening" || cls === "purpose") && (isProse(unit) || unit.provenance === "card.heading" || unit.provenance === "card.table"))
      purposeParts.push(unit.text);
  }
  const result: CardPurpose = {
    layout,
    sectionClasses: classes,
    title,
    titleIsName: title !== null && repeatsName(title, record.id),
    proseWords,
    purposeText: purposeParts.join("\n").toLowerCase(),
  };
  purposeCache.set(record, result);
  return result;
}

function isProse(unit: CardUnit): boolean {
  return unit.provenance === "card.prose";
}

/** The heading is the model's name, perhaps with its owner or a few words such as "model card for". */
export function repeatsName(heading: string, id: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]/gu, "");
  const name = norm(id.slice(id.lastIndexOf("/") + 1));
  const h = norm(heading.replace(/^\s*(model card (for|of)|about)\s+/i, ""));
  if (name === "" || h === "") return false;
  return h === name || h.endsWith(name) || (name.includes(h) && h.length >= 4) || h === norm(id);
}

/** The innermost section holding body offset `at`, or -1 before the first heading. */
export function sectionIndexAt(layout: CardLayout, at: number): number {
  let index = -1;
  layout.sections.forEach((s, i) => {
    if (s.start <= at && at < Math.max(s.end, s.start + 1)) index = i;
  });
  return index;
}
