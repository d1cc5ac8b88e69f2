export { readCodeCommit } from './commit';
export type { DatasetSummaryLike, ReportContext } from './context';
export {
  formatAucWithCi,
  formatFixed,
  formatMeanStd,
  formatPercent,
  formatPValue,
  formatSeconds,
} from './format';
export { formatHyperparameters, type MarkdownFacts, renderReportMarkdown } from './markdown';
export { modelName, scenarioFileStem, scenarioTitle } from './names';
export { buildReportJson, type ReportJson, type ReportResultRow } from './report-json';
export { svgToPng } from './roc-png';
export { escapeXml, type RocFigureOptions, type RocSeries, rocFigureSvg, type SvgFigure } from './roc-svg';
export { makeRunId, RUN_ID_PATTERN } from './run-id';
export { summaryToMarkdown } from './summary-markdown';
export { type WrittenReport, writeReport } from './write-report';
