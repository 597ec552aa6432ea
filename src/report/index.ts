export type { ConfusionCounts, LabelReport, QualityWindowReport, ReliabilityBin, RunReportData, StageReport, ThroughputSample, VersionReport } from './types.js';
export { renderReportHtml } from './render-html.js';
export { renderTerminalSummary, type TerminalSummaryOptions } from './render-terminal.js';
export { writeReport } from './write-report.js';
export { stageIdentity, type StageIdentity } from './identity.js';
export { buildSvgLineChart, type LineChartOptions, type LineSeries, type LinePoint } from './svg-line-chart.js';
export { buildSvgBarChart, type BarChartOptions, type Bar } from './svg-bar-chart.js';
