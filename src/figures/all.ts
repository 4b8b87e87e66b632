/** The figures of one run, in the paper's order. */
import { activityTotalsRecord, type RunAnalyses } from "../analyse/all";
import {
  baseModelsFigure,
  benchmarksFigure,
  cooccurrenceHeatmap,
  cooccurrenceNetwork,
  datasetsFigure,
  documentationFigure,
  growthFigure,
  licensesHeatmap,
  mlTaskSankey,
  pipelineFunnel,
  selectionFunnel,
  tasksFigure,
} from "./builders";
import { pipelineDiagram } from "./pipeline-diagram";
import type { FigureSpec } from "./spec";

export function figuresOf(analyses: RunAnalyses): FigureSpec[] {
  const figures: FigureSpec[] = [];
  if (analyses.funnel) figures.push(pipelineDiagram(analyses.funnel.rows));
  if (analyses.documentation) figures.push(documentationFigure(analyses.documentation.rows));
  if (analyses.funnel) figures.push(pipelineFunnel(analyses.funnel.rows));
  figures.push(
    growthFigure(analyses.growth.rows),
    tasksFigure(analyses.tasks.rows),
    mlTaskSankey(analyses.mlTasks.rows),
    cooccurrenceNetwork(analyses.cooccurrence.rows, activityTotalsRecord(analyses)),
    cooccurrenceHeatmap(analyses.cooccurrence.rows),
    baseModelsFigure(analyses.baseModels.overTime.rows, analyses.baseModels.top.rows),
    datasetsFigure(analyses.datasets.rows),
    licensesHeatmap(analyses.licenses.rows),
    benchmarksFigure(analyses.benchmarks.top.rows),
    selectionFunnel(analyses.selection.steps.rows, analyses.selection.ranked.rows[0]?.id ?? null),
  );
  return figures;
}
