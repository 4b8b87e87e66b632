/** Every research-question analysis of one run, in the paper's order. */
import { RUN_FILES } from "../run/layout";
import { ACTIVITY_CODES, type ActivityCode, type Taxonomy } from "../taxonomy/taxonomy";
import type { RunInfo } from "../run/run-info";
import type { DocumentationSummaryRow } from "../run/tables";
import { topBaseModels, type BaseModelAnalysis } from "./base-models";
import { benchmarkReporting, type BenchmarkAnalysis } from "./benchmarks";
import { activityCooccurrence, type CooccurrenceRow } from "./cooccurrence";
import { topDatasetsPerActivity, type DatasetRow } from "./datasets";
import { documentationTable } from "./documentation";
import { discoveryAnalysis, type DiscoveryAnalysis } from "./discovery";
import type { SelectionCandidate } from "./selection";
import { readFunnel, funnelTable, type FunnelReportRow } from "./funnel";
import { activityTotals, quarterlyGrowth, type ActivityTotalRow, type QuarterlyRow } from "./growth";
import { headlineTable, type HeadlineRow } from "./headline";
import { inclusionCriteriaTable, outlierRulesTable, removedByRule, type CriterionRow, type OutlierRuleRow } from "./method-tables";
import { loadPromptTemplates, type PromptTemplate } from "../judges/prompt";
import { licensesByActivity, type LicenseRow } from "./licenses";
import { outlierShareTable, type OutlierMeasureRow } from "./outlier-share";
import { activityToMlTask, type ActivityMlTaskRow } from "./ml-tasks";
import { pilotSizes, type PilotSizeRow } from "./pilots";
import { judgeAgreement, type JudgeAgreementRow } from "./judge-agreement";
import { misreadingAnalysis, type MisreadingAnalysis } from "./misreadings";
import { validationAnalysis, type ValidationAnalysis } from "./validation";
import type { RunData } from "./run-data";
import { runSelection, type SelectionResult } from "./selection";
import type { AnalysisTable, AnyAnalysisTable } from "./table";
import { modelsPerTask, type TaskCountRow } from "./tasks";

export interface RunAnalyses {
  synthetic: boolean;
  seModels: number;
  /** The paper's findings beside this run's (filled last, from the other tables). */
  headline: AnalysisTable<HeadlineRow>;
  /** Table II (our wording): the inclusion criteria, step by step and per activity. */
  criteria: AnalysisTable<CriterionRow>;
  /** Table III: the outlier rules with this run's removals. */
  outlierRules: AnalysisTable<OutlierRuleRow>;
  activityTotals: AnalysisTable<ActivityTotalRow>;
  documentation: AnalysisTable<DocumentationSummaryRow> | null;
  funnel: AnalysisTable<FunnelReportRow> | null;
  outliers: AnalysisTable<OutlierMeasureRow> | null;
  pilots: AnalysisTable<PilotSizeRow>;
  /** Which judge decided the run's pairs and how well it is known to agree (null without verdicts). */
  judgeAgreement: AnalysisTable<JudgeAgreementRow> | null;
  /**
   * How well the judge agrees with people, per activity as the paper measured it (Table V from human labels,
   * the held-out test), or why that is not measured; and, for a synthetic corpus, its agreement with the
   * synthetic ground truth per activity (named so).
   */
  validation: ValidationAnalysis;
  /** RQ1.2: the contextual misreadings the relevance check rejected, per activity, read from the judges' reasons. */
  misreadings: MisreadingAnalysis;
  growth: AnalysisTable<QuarterlyRow>;
  tasks: AnalysisTable<TaskCountRow>;
  mlTasks: AnalysisTable<ActivityMlTaskRow>;
  cooccurrence: AnalysisTable<CooccurrenceRow>;
  baseModels: BaseModelAnalysis;
  datasets: AnalysisTable<DatasetRow>;
  licenses: AnalysisTable<LicenseRow>;
  benchmarks: BenchmarkAnalysis;
  selection: SelectionResult;
  /** `funnel --discover` runs: what discovery found beyond the keyword search; null for the paper's method alone. */
  discovery?: DiscoveryAnalysis | null;
  /** Rows that could not be used while loading, each naming the model. */
  problems: string[];
}

export function analyseRun(data: RunData, taxonomy: Taxonomy): RunAnalyses {
  const { seModels, facts } = data;
  const benchmarks = benchmarkReporting(seModels, facts);
  const candidates: SelectionCandidate[] = seModels.flatMap((model) => {
    const f = facts.get(model.id);
    return f ? [{ model, facts: f, benchmarks: benchmarks.perModel.get(model.id) ?? [] }] : [];
  });
  const funnelRows = readFunnel(data.runDir);
  const analyses: Omit<RunAnalyses, "headline"> = {
    synthetic: data.manifest.synthetic,
    seModels: seModels.length,
    criteria: inclusionCriteriaTable({ taxonomyTasks: taxonomy.tasks.length, templates: promptTemplatesOrNull() }),
    outlierRules: outlierRulesTable(removedByRule(data.runDir)),
    activityTotals: activityTotals(seModels),
    documentation: data.documentation ? documentationTable(data.documentation) : null,
    funnel: funnelRows ? funnelTable(funnelRows, seModels) : null,
    outliers: outlierShareTable(data.runInfo),
    pilots: pilotSizes(data.unique),
    judgeAgreement: data.verdicts
      ? judgeAgreement(data.verdicts, data.humanLabels, data.groundTruth ? new Map(data.groundTruth.map((g) => [g.id, g.isSe ? g.seActivities : []])) : null)
      : null,
    validation: validationAnalysis({ runDir: data.runDir, verdicts: data.verdicts, pilot: data.pilot, groundTruth: data.groundTruth }),
    misreadings: misreadingAnalysis(data.verdicts ?? [], data.rejectedOccurrences, { synthetic: data.manifest.synthetic }),
    growth: quarterlyGrowth(seModels, facts),
    tasks: modelsPerTask(seModels, taxonomy),
    mlTasks: activityToMlTask(seModels, facts),
    cooccurrence: activityCooccurrence(seModels),
    baseModels: topBaseModels(seModels, facts),
    datasets: topDatasetsPerActivity(seModels, facts),
    licenses: licensesByActivity(seModels, facts),
    benchmarks,
    selection: runSelection(candidates),
    ...discoveryOf(data),
    problems: [...data.problems, ...taxonomyMismatch(data.runInfo, taxonomy)],
  };
  // The models the run searched (fewer than the corpus under a snapshot cut-off).
  const searched = (data.runInfo?.counts as { models?: unknown } | undefined)?.models;
  return { ...analyses, headline: headlineTable(analyses, typeof searched === "number" ? searched : data.manifest.records) };
}

/** The discovery tables, only for a run with discovery (a run without it has no such key). */
function discoveryOf(data: RunData): { discovery?: DiscoveryAnalysis } {
  const discovery = discoveryAnalysis(data.runDir, data.verdicts);
  return discovery ? { discovery } : {};
}

/** The judge prompts, whose criteria Table II quotes; null when they cannot be read (Table II says so). */
function promptTemplatesOrNull(): Map<ActivityCode, PromptTemplate> | null {
  try {
    return loadPromptTemplates();
  } catch {
    return null;
  }
}

/** The analyses should name tasks with the taxonomy the run searched for; say so when they differ. */
export function taxonomyMismatch(runInfo: { taxonomy?: Pick<RunInfo["taxonomy"], "name" | "version" | "tasks"> } | null, taxonomy: Taxonomy): string[] {
  const used = runInfo?.taxonomy;
  if (!used) return [];
  const same = used.name === taxonomy.name && used.version === taxonomy.version && used.tasks === taxonomy.tasks.length;
  return same
    ? []
    : [
        `${RUN_FILES.runInfo}: the run searched taxonomy ${used.name} ${used.version} (${used.tasks} tasks) but the analyses use ${taxonomy.name} ${taxonomy.version} (${taxonomy.tasks.length} tasks); pass the run's taxonomy`,
      ];
}

/** Every table of an analysis, in report order (for writing CSV/Arrow and the index). */
export function tablesOf(analyses: RunAnalyses): AnyAnalysisTable[] {
  const tables: Array<AnyAnalysisTable | null> = [
    analyses.headline,
    analyses.criteria,
    analyses.outlierRules,
    analyses.documentation,
    analyses.funnel,
    analyses.outliers,
    analyses.pilots,
    analyses.judgeAgreement,
    analyses.validation.tableV,
    analyses.validation.heldOut,
    analyses.validation.syntheticAgreement,
    analyses.misreadings.table,
    analyses.activityTotals,
    analyses.growth,
    analyses.tasks,
    analyses.mlTasks,
    analyses.cooccurrence,
    analyses.baseModels.top,
    analyses.baseModels.overTime,
    analyses.datasets,
    analyses.licenses,
    analyses.benchmarks.top,
    analyses.benchmarks.shares,
    analyses.selection.steps,
    analyses.selection.ranked,
    analyses.discovery?.counts ?? null,
    analyses.discovery?.examples ?? null,
  ];
  return tables.filter((t): t is AnyAnalysisTable => t !== null);
}

export function activityTotalsRecord(analyses: RunAnalyses): Record<ActivityCode, number> {
  return Object.fromEntries(ACTIVITY_CODES.map((a) => [a, analyses.activityTotals.rows.find((r) => r.activity === a)?.models ?? 0])) as Record<
    ActivityCode,
    number
  >;
}
