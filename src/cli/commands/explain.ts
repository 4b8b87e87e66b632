/**
 * `hf-se-atlas explain`: run the task search and the Table III rules on one model of a corpus, or on a
 * piece of text, and print every occurrence with its raw context and verdict.
 */
import type { Command } from "commander";
import { emptyRecord } from "../../corpus/record";
import { findRecord } from "../../corpus/store";
import { isLemmaPolicy, LEMMA_POLICIES, DEFAULT_LEMMA_POLICY } from "../../prepare/lemmatize";
import { createPreparer, type HyphenPolicy } from "../../prepare/preparer";
import { explainRecord, formatExplanation } from "../../pipeline/explain";
import { compileTaxonomy } from "../../search/phrases";
import { loadTaxonomy } from "../../taxonomy/taxonomy";

interface ExplainOptions {
  corpus?: string;
  text?: string;
  taxonomy?: string;
  aliases?: boolean;
  lemmaPolicy: string;
  hyphens: string;
  json?: boolean;
  judge: boolean;
}

export function register(program: Command): void {
  program
    .command("explain")
    .description("show which SE tasks the search finds in one model (or a text), where (provenance), the outlier-rule verdicts and the offline judge's reasons")
    .argument("[modelId]", "model id to look up in --corpus")
    .option("--corpus <dir>", "corpus directory holding the model", "data/demo")
    .option("--text <text>", "search this text as a card body instead of a corpus model")
    .option("--taxonomy <path>", "SE-task taxonomy file (default: the shipped one)")
    .option("--aliases", "also search the tasks' aliases")
    .option("--lemma-policy <policy>", `lemmatizer policy: ${LEMMA_POLICIES.join(", ")}`, DEFAULT_LEMMA_POLICY)
    .option("--hyphens <policy>", "join (a hyphen inside a word joins a compound) or split", "join")
    .option("--json", "print the explanation as JSON")
    .option("--no-judge", "leave out the offline relevance judge's verdicts")
    .action(async (modelId: string | undefined, options: ExplainOptions) => {
      if (!isLemmaPolicy(options.lemmaPolicy)) throw new Error(`--lemma-policy must be one of ${LEMMA_POLICIES.join(", ")} (got "${options.lemmaPolicy}")`);
      if (options.hyphens !== "join" && options.hyphens !== "split") throw new Error(`--hyphens must be join or split (got "${options.hyphens}")`);
      if ((modelId === undefined) === (options.text === undefined)) throw new Error("give either a model id (with --corpus) or --text");

      let record;
      if (options.text !== undefined) {
        record = { ...emptyRecord("(text)"), cardStatus: "present" as const, cardText: options.text, cardBody: options.text };
      } else {
        record = await findRecord(options.corpus!, modelId!);
        if (!record) throw new Error(`model ${modelId} is not in the corpus ${options.corpus}`);
      }
      const preparer = createPreparer({ policy: options.lemmaPolicy, hyphens: options.hyphens as HyphenPolicy });
      const compiled = compileTaxonomy(loadTaxonomy(options.taxonomy), preparer, { includeAliases: options.aliases ?? false });
      const explanation = explainRecord(record, compiled, preparer, { judge: options.judge ? undefined : null });
      process.stdout.write(options.json ? `${JSON.stringify(explanation, null, 2)}\n` : formatExplanation(explanation));
    });
}
