/**
 * How the offline judge weighs discovery evidence (`funnel --discover`) beyond the SE signals it reads
 * from the record itself (src/signals, weighed in offline-rules.ts):
 *
 * - lineage: the model's base-model chain reaches a model this run judged relevant for the activity.
 *   A chain of quantisations only (a re-upload: the same weights in another format) weighs like the
 *   author's own tag; a chain through a fine-tune, adapter or merge weighs less, since a fine-tune can
 *   retarget its base (a code model fine-tuned to write commit messages is not a code generator). When
 *   the model reached was judged not relevant or uncertain, or not judged for this activity, the chain
 *   says nothing.
 * - a base model that only its name shows to be an SE model (a `coder` in its id; not judged in this run):
 *   a re-upload, adapter or fine-tune of it weighs nearly like the author's tag, a merge less.
 * - a pipeline tag that names SE work (a card's `pipeline_tag: text-to-sql`): the author's word for the
 *   model, like a task tag.
 *
 * For a pair only discovery offers (no task phrase), the verdicts on the model's other activities count:
 * one judged relevant is the model's purpose, which explains general code evidence (a vulnerability
 * classifier works on code without writing it: no SI), and a fine-tune with a purpose of its own inherits
 * its base's activity at half weight.
 *
 * Discovery signals of the kinds the judge already reads from the record are not counted twice. A
 * verdict on a pair with discovery evidence names the rule set with these weights in its prompt hash.
 */
import type { ActivityCode } from "../../taxonomy/taxonomy";
import type { Candidate, DiscoveryEvidence } from "../candidate";
import { sha256Hex } from "../card-text";
import type { EvidenceItem } from "../offline-rules";

/** [weight for the activity, software weight] of a lineage chain to a model judged relevant. */
const LINEAGE_WEIGHT = { reupload: [1, 1], derived: [1, 1], retargeted: [0.5, 1] } as const;
/**
 * The same for a base model that only its name shows to be an SE model (not judged in this run): a
 * re-upload, adapter or fine-tune of a coder model serves what it serves (the labelling criteria of
 * test/fixtures/real-cards say so), a merge or an unnamed relation mixes it with other models.
 */
const BASE_NAME_WEIGHT = { made: [0.8, 0.6], mixed: [0.5, 0.6] } as const;
const MADE_FROM = new Set(["quantized", "adapter", "finetune"]);
const PIPELINE_TAG_WEIGHT = [1, 1] as const;

/** The rule set's identity with these weights, from the offline rules' own hash. */
export function discoveryRulesHash(baseHash: string): string {
  return sha256Hex(JSON.stringify([baseHash, LINEAGE_WEIGHT, BASE_NAME_WEIGHT, PIPELINE_TAG_WEIGHT])).slice(0, 16);
}

/**
 * The activities a pair only discovery offers has beside it that this run judged relevant: its purpose.
 * General code evidence (a `code` tag, programming languages, code words of names) shows the model works
 * on code, which such a purpose explains, so it is no evidence for SI there; and a fine-tune with a purpose
 * of its own may have been retargeted away from what its base does.
 */
export function purposeElsewhere(candidate: Pick<Candidate, "evidence" | "discovery" | "siblings">): ActivityCode[] {
  if (!candidate.discovery || candidate.discovery.length === 0 || candidate.evidence.length > 0) return [];
  return (candidate.siblings ?? []).filter((s) => s.outcome === "relevant").map((s) => s.activity);
}

/** Evidence items for the discovery evidence the record alone does not show. */
export function discoveryItems(candidate: Pick<Candidate, "evidence" | "discovery" | "siblings">, activity: ActivityCode): EvidenceItem[] {
  const discovery = candidate.discovery ?? [];
  const elsewhere = purposeElsewhere(candidate);
  const judgedSeeds = new Set(
    discovery
      .filter((d) => d.kind === "lineage" && d.seedVerdict && d.seedVerdict.outcome !== "uncertain" && d.seedVerdict.outcome !== "error")
      .map((d) => d.seedJudgedAs ?? d.seed),
  );
  const items: EvidenceItem[] = [];
  for (const d of discovery) {
    if (d.kind === "lineage") items.push(lineageItem(d, activity, elsewhere));
    else if (d.kind === "base-model-name") items.push(baseNameItem(d, activity, elsewhere, judgedSeeds));
    else if (d.kind === "pipeline-tag") {
      const forActivity = d.speaksFor === activity || (d.speaksFor === "software" && activity === "SI" && elsewhere.length === 0);
      items.push({
        kind: "pipeline-tag",
        activity: d.speaksFor === "software" ? null : (d.speaksFor as ActivityCode),
        weight: forActivity ? PIPELINE_TAG_WEIGHT[0] : 0,
        software: PIPELINE_TAG_WEIGHT[1],
        provenance: d.provenance,
        field: d.field,
        section: "",
        sectionClass: null,
        raw: d.raw,
        label: d.label,
        note: forActivity
          ? `pipeline tag for ${d.speaksFor === "software" ? "software (counts for SI)" : d.speaksFor}`
          : `pipeline tag: not evidence for ${activity}`,
      });
    }
  }
  return items;
}

const isReupload = (relations: readonly string[]) => relations.length > 0 && relations.every((r) => r === "quantized");

function lineageItem(d: DiscoveryEvidence, activity: ActivityCode, elsewhere: readonly ActivityCode[]): EvidenceItem {
  const reupload = isReupload(d.relations);
  const seed = d.seedJudgedAs ?? d.seed ?? "?";
  const verdict = d.seedVerdict ?? null;
  const relevant = verdict?.outcome === "relevant";
  const retargeted = !reupload && elsewhere.length > 0;
  const [weight, software] = relevant ? LINEAGE_WEIGHT[reupload ? "reupload" : retargeted ? "retargeted" : "derived"] : [0, 0];
  const how = reupload ? "re-upload" : `derived (${d.relations.join(" > ")})`;
  return {
    kind: "lineage",
    activity,
    weight,
    software,
    provenance: d.provenance,
    field: d.field,
    section: "",
    sectionClass: null,
    raw: d.chain.join(" -> "),
    label: d.label,
    note: relevant
      ? `${how} of ${seed}, judged relevant for ${activity} in this run${retargeted ? `; its own purpose (${elsewhere.join(", ")}) may retarget it: half weight` : ""}`
      : verdict
        ? `${how} of ${seed}, judged ${verdict.outcome} for ${activity}: says nothing`
        : `${how} of ${seed}, not judged for ${activity} in this run: says nothing`,
  };
}

function baseNameItem(d: DiscoveryEvidence, activity: ActivityCode, elsewhere: readonly ActivityCode[], judgedSeeds: ReadonlySet<string | null>): EvidenceItem {
  const reupload = isReupload(d.relations);
  const general = d.speaksFor === "software";
  const judged = judgedSeeds.has(d.seed);
  const explained = general && activity === "SI" && elsewhere.length > 0;
  const made = d.relations.length > 0 && d.relations.every((r) => MADE_FROM.has(r));
  const [weight, software] = judged ? [0, 0] : BASE_NAME_WEIGHT[made ? "made" : "mixed"];
  return {
    kind: "base-model-name",
    activity: general ? null : activity,
    weight: explained ? 0 : weight,
    software,
    provenance: d.provenance,
    field: d.field,
    section: "",
    sectionClass: null,
    raw: d.raw,
    label: d.label,
    note: judged
      ? `${d.seed} was judged in this run: its verdict speaks, not its name`
      : explained
        ? `${reupload ? "re-upload" : "derived"} of a model named as a code model; its own purpose (${elsewhere.join(", ")}) explains the code: not evidence for SI`
        : `${reupload ? "re-upload" : `derived (${d.relations.join(" > ")})`} of a model named as an SE model`,
  };
}
