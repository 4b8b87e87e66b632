/**
 * The taxonomy as a phrase index: each task name (and, on request, each alias) prepared by the same
 * preparer as the model text, indexed by its first lemma so the matcher does one map lookup per token.
 */
import type { ActivityCode, SeTask, Taxonomy } from "../taxonomy/taxonomy";
import type { Preparer } from "../prepare/preparer";

export interface CompiledPhrase {
  taskId: string;
  task: string;
  activity: ActivityCode;
  /** The phrase as written in the taxonomy (the task name or an alias). */
  phrase: string;
  isAlias: boolean;
  lemmas: readonly string[];
}

export interface CompiledTaxonomy {
  /** First lemma -> phrases starting with it, longest first (so a task keeps its longest match at a position). */
  byFirstLemma: ReadonlyMap<string, readonly CompiledPhrase[]>;
  phrases: readonly CompiledPhrase[];
  tasks: readonly SeTask[];
  includeAliases: boolean;
  lemmaPolicy: string;
}

export interface CompileOptions {
  includeAliases?: boolean;
}

export function compileTaxonomy(taxonomy: Taxonomy, preparer: Preparer, options: CompileOptions = {}): CompiledTaxonomy {
  const includeAliases = options.includeAliases ?? false;
  const phrases: CompiledPhrase[] = [];
  for (const task of taxonomy.tasks) {
    const wordings = [{ phrase: task.name, isAlias: false }, ...(includeAliases ? task.aliases.map((phrase) => ({ phrase, isAlias: true })) : [])];
    for (const { phrase, isAlias } of wordings) {
      const lemmas = preparer.prepare(phrase).lemmas;
      if (lemmas.length === 0) throw new Error(`task ${task.id}: ${isAlias ? "alias" : "name"} ${JSON.stringify(phrase)} has no tokens to search for`);
      phrases.push({ taskId: task.id, task: task.name, activity: task.activity, phrase, isAlias, lemmas });
    }
  }
  // Two tasks whose wordings prepare to the same lemmas would both match every occurrence: refuse.
  const ownerOfLemmas = new Map<string, CompiledPhrase>();
  for (const phrase of phrases) {
    const key = phrase.lemmas.join(" ");
    const owner = ownerOfLemmas.get(key);
    if (owner && owner.taskId !== phrase.taskId) {
      throw new Error(
        `tasks ${owner.taskId} ("${owner.phrase}") and ${phrase.taskId} ("${phrase.phrase}") both prepare to "${key}" under the ${preparer.policy} lemma policy`,
      );
    }
    ownerOfLemmas.set(key, phrase);
  }
  const byFirstLemma = new Map<string, CompiledPhrase[]>();
  for (const phrase of phrases) {
    const list = byFirstLemma.get(phrase.lemmas[0]!) ?? [];
    list.push(phrase);
    byFirstLemma.set(phrase.lemmas[0]!, list);
  }
  for (const list of byFirstLemma.values()) list.sort((a, b) => b.lemmas.length - a.lemmas.length);
  return { byFirstLemma, phrases, tasks: taxonomy.tasks, includeAliases, lemmaPolicy: preparer.policy };
}
