/**
 * Rendering of synthetic README files: YAML front matter from a typed spec, the markdown body,
 * line endings, and the deliberately malformed front matters the card parser must report.
 */
export interface ModelIndexSpec {
  benchmark: string;
  datasetType: string;
  metric: string;
  value: number;
}

/** The front-matter fields a synthetic card may carry, rendered in this order. */
export interface FrontMatterSpec {
  license: string | null;
  language: string[];
  libraryName: string | null;
  pipelineTag: string | null;
  baseModel: string[];
  datasets: string[];
  tags: string[];
  modelIndex: { name: string; results: ModelIndexSpec[] } | null;
  co2: { emissions: number; source: string; hardware: string } | null;
}

export interface CardSpec {
  /** null: a README without front matter. */
  frontMatter: FrontMatterSpec | null;
  body: string;
  lineEnding: "\n" | "\r\n";
  /** Index into MALFORMED_FRONT_MATTER, or null for valid YAML. */
  malformed: number | null;
}

const RESERVED = /^(?:y|n|yes|no|true|false|on|off|null|~)$/i;

/** A YAML scalar: plain when unambiguous, else double-quoted (JSON strings are valid YAML). */
export function yamlScalar(value: string): string {
  const plain = /^[A-Za-z0-9][A-Za-z0-9._\-/+ ]*$/.test(value) && !RESERVED.test(value) && !/^[0-9.+\-e]+$/i.test(value) && !value.endsWith(" ");
  return plain ? value : JSON.stringify(value);
}

function list(key: string, values: readonly string[]): string[] {
  if (values.length === 0) return [];
  return [`${key}:`, ...values.map((v) => `- ${yamlScalar(v)}`)];
}

export function renderFrontMatter(fm: FrontMatterSpec): string {
  const lines: string[] = [];
  if (fm.license) lines.push(`license: ${yamlScalar(fm.license)}`);
  lines.push(...list("language", fm.language));
  if (fm.libraryName) lines.push(`library_name: ${yamlScalar(fm.libraryName)}`);
  if (fm.pipelineTag) lines.push(`pipeline_tag: ${yamlScalar(fm.pipelineTag)}`);
  if (fm.baseModel.length === 1) lines.push(`base_model: ${yamlScalar(fm.baseModel[0]!)}`);
  else lines.push(...list("base_model", fm.baseModel));
  lines.push(...list("datasets", fm.datasets));
  lines.push(...list("tags", fm.tags));
  if (fm.modelIndex) {
    lines.push("model-index:", `- name: ${yamlScalar(fm.modelIndex.name)}`, "  results:");
    for (const r of fm.modelIndex.results) {
      lines.push(
        "  - task:",
        "      type: text-generation",
        "    dataset:",
        `      name: ${yamlScalar(r.benchmark)}`,
        `      type: ${yamlScalar(r.datasetType)}`,
        "    metrics:",
        `    - type: ${yamlScalar(r.metric)}`,
        `      value: ${r.value}`,
        `      name: ${yamlScalar(r.metric)}`,
      );
    }
  }
  if (fm.co2) {
    lines.push(
      "co2_eq_emissions:",
      `  emissions: ${fm.co2.emissions}`,
      `  source: ${yamlScalar(fm.co2.source)}`,
      "  training_type: fine-tuning",
      `  hardware_used: ${yamlScalar(fm.co2.hardware)}`,
    );
  }
  return lines.join("\n");
}

/**
 * Broken front matters seen on the Hub: an unclosed flow list, a tab-indented key, a stray mapping
 * value, an unterminated quote. Each must be reported by the card parser (yaml-invalid).
 */
export const MALFORMED_FRONT_MATTER: readonly string[] = [
  "license: mit\ntags: [text-classification, bert\nlanguage: en",
  "license: apache-2.0\ndatasets:\n  - imdb\n - sst2",
  "pipeline_tag: text-classification: extra\nlicense: mit",
  'license: "apache-2.0\nlanguage: en',
];

export function renderCard(spec: CardSpec): string {
  let text: string;
  if (spec.malformed !== null) {
    text = `---\n${MALFORMED_FRONT_MATTER[spec.malformed]}\n---\n\n${spec.body}`;
  } else if (spec.frontMatter) {
    const fm = renderFrontMatter(spec.frontMatter);
    text = fm.length > 0 ? `---\n${fm}\n---\n\n${spec.body}` : `---\n---\n\n${spec.body}`;
  } else {
    text = spec.body;
  }
  return spec.lineEnding === "\n" ? text : text.replace(/\n/g, "\r\n");
}

/** Fill `{slot}` placeholders; unknown slots are a programming error. */
export function fill(template: string, slots: Readonly<Record<string, string>>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (_, key: string) => {
    const value = slots[key];
    if (value === undefined) throw new Error(`template slot {${key}} has no value in: ${template}`);
    return value;
  });
}
