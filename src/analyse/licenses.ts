/** RQ2.5 (Fig. 8): licences of SE models per activity, and the licence families the selection uses. */
import { ACTIVITY_CODES, type ActivityCode } from "../taxonomy/taxonomy";
import type { ModelFacts, SeModel } from "./facts";
import { PAPER_LICENSES } from "../paper/reported";
import { type AnalysisTable } from "./table";
import { compareText } from "../util/text";
import { col, defineTable, type RowOf } from "../util/arrow-table";

export const NO_LICENSE = "(none declared)";

export type LicenseFamily = "permissive" | "copyleft" | "creative-commons" | "non-commercial" | "model-specific" | "other" | "none";

const PERMISSIVE = new Set([
  "apache-2.0",
  "mit",
  "bsd",
  "bsd-2-clause",
  "bsd-3-clause",
  "bsd-3-clause-clear",
  "isc",
  "unlicense",
  "cc0-1.0",
  "zlib",
  "bsl-1.0",
  "artistic-2.0",
  "ecl-2.0",
  "postgresql",
  "wtfpl",
  "pddl",
  "ms-pl",
]);
const COPYLEFT = /^(a?gpl|lgpl|gfdl|mpl|epl|eupl|osl|cc-by-sa|odbl)/;
const NON_COMMERCIAL = /(^cc-by-nc|-nc-|noncommercial|non-commercial)/;
const MODEL_SPECIFIC =
  /^(llama|gemma|openrail|creativeml-openrail|bigscience|bigcode-openrail|deepfloyd|apple-ascl|intel-research|qwen|deepseek|mistral|falcon|h-research)/;

export function licenseFamily(license: string): LicenseFamily {
  const id = license.toLowerCase();
  if (id === NO_LICENSE || id === "") return "none";
  if (PERMISSIVE.has(id)) return "permissive";
  if (NON_COMMERCIAL.test(id)) return "non-commercial";
  if (COPYLEFT.test(id)) return "copyleft";
  if (id.startsWith("cc-")) return "creative-commons";
  if (MODEL_SPECIFIC.test(id)) return "model-specific";
  return "other";
}

const LICENSES = defineTable({
  activity: col.string<ActivityCode>(),
  license: col.string(),
  family: col.string<LicenseFamily>(),
  models: col.int(),
  paper: col.int({ nullable: true }),
});
export type LicenseRow = RowOf<typeof LICENSES>;

export function licensesByActivity(seModels: readonly SeModel[], facts: ReadonlyMap<string, ModelFacts>): AnalysisTable<LicenseRow> {
  const counts = new Map<string, number>();
  let undeclared = 0;
  for (const model of seModels) {
    const declared = facts.get(model.id)?.licenses ?? [];
    if (declared.length === 0) undeclared++;
    for (const license of declared.length > 0 ? declared : [NO_LICENSE]) {
      for (const activity of model.activities) counts.set(`${activity}|${license}`, (counts.get(`${activity}|${license}`) ?? 0) + 1);
    }
  }
  const rows = [...counts].map(([key, models]) => {
    const [activity, license] = [key.slice(0, 2) as ActivityCode, key.slice(3)];
    return { activity, license, family: licenseFamily(license), models, paper: PAPER_LICENSES[activity]?.[license] ?? null };
  });
  rows.sort((a, b) => ACTIVITY_CODES.indexOf(a.activity) - ACTIVITY_CODES.indexOf(b.activity) || b.models - a.models || compareText(a.license, b.license));
  return {
    name: "fig8-licenses",
    title: "Licences of SE models per activity",
    rows,
    spec: LICENSES,
    notes: [`${undeclared} of ${seModels.length} SE models declare no licence; they are counted under "${NO_LICENSE}".`],
  };
}
