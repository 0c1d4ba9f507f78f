/**
 * The JSON report: everything stored about the runs (and sweep) of a report, versioned
 * (`"schema": "ridgeline-report", "version": 1`), for analysis elsewhere and for import into another
 * database. The document is a pure function of the stored data (no export time, no host), so export →
 * import → export gives the same bytes. Numbers are exact: JSON's shortest round-trip form, and the
 * values JSON has no spelling for as strings: "NaN", "Infinity", "-Infinity", and "-0" (JSON.stringify
 * would print negative zero as 0). Metric columns are arrays, one value per step.
 */
import { z } from 'zod';
import { METRIC_NAMES, type MetricName } from '../domain/metrics.ts';
import { HyperparamsSchema, RUN_STATUSES, type RunDetail, type RunMetrics } from '../domain/runs.ts';
import { SWEEP_STATUSES, type SweepDetail, type SweepSpec } from '../domain/sweeps.ts';
import type { DatasetSummary } from '../domain/datasets.ts';
import type { ReportData, ReportDataset, ReportRun, ReportTarget, StoredSweep, StoredSweepCell } from './types.ts';

export const REPORT_SCHEMA = 'ridgeline-report';
export const REPORT_VERSION = 1;

/** Serializes the report data to the version-1 document (one line, then a newline). */
export function reportJson(data: ReportData): string {
  const document = {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    target: data.target,
    appVersion: data.appVersion,
    datasets: data.datasets.map((d) => ({ ...d.summary, values: d.values })),
    runs: data.runs.map((r) => ({ ...r.detail, metrics: { firstStep: r.metrics.firstStep, count: r.metrics.count, columns: r.metrics.columns } })),
    sweep: data.sweep ? { detail: data.sweep.detail, stored: data.sweep.stored } : null,
  };
  return `${JSON.stringify(document, exactReplacer)}\n`;
}

function exactReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Float64Array || value instanceof Int32Array) return Array.from(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    if (Object.is(value, -0)) return '-0';
  }
  return value;
}

const SPECIAL: Record<string, number> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };
/** A number, or one of the spellings above for the values JSON cannot hold. */
const num = z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity', '-0']).transform((s) => SPECIAL[s])]);
const nnum = num.nullable();
const f64 = z.array(num).transform((a) => Float64Array.from(a));
const i32 = z.array(z.number().int()).transform((a) => Int32Array.from(a));
const iso = z.string().min(1).max(64);
const id = z.string().min(1).max(200);

/**
 * Parts stored as JSON text (column statistics, import details, hyperparameters, the sweep spec) are
 * checked but passed through as written: zod would rebuild objects in schema key order, and the
 * stored text must come back byte for byte.
 */
const jsonObject = z.record(z.string(), z.unknown());
const StoredColumnSchema = jsonObject.refine((c) => typeof c.name === 'string' && typeof c.source === 'object', 'a column needs a name and a source');

const DatasetSchema = z.object({
  id,
  name: z.string().max(1000),
  source: z.string().max(20_000),
  rows: z.number().int().min(0),
  features: z.array(z.string()),
  target: z.string(),
  hash: z.string().regex(/^[0-9a-f]{64}$/, 'a data set hash is 64 hex digits'),
  builtin: z.boolean(),
  createdAt: iso,
  columns: z.array(StoredColumnSchema),
  importDetails: jsonObject.nullable(),
  values: z.object({ x: f64, y: f64 }).nullable(),
});

const metricColumns = z.object(Object.fromEntries(METRIC_NAMES.map((n) => [n, f64.optional()])) as Record<MetricName, z.ZodOptional<typeof f64>>);

const RunSchema = z.object({
  id,
  name: z.string(),
  status: z.enum(RUN_STATUSES),
  datasetId: id,
  datasetName: z.string(),
  // Validated as hyperparameters, kept as written: the stored JSON is written back unchanged.
  hyperparams: jsonObject.superRefine((h, ctx) => {
    const parsed = HyperparamsSchema.safeParse(h);
    if (!parsed.success) ctx.addIssue({ code: 'custom', message: `bad hyperparameters: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
  }),
  createdAt: iso,
  finishedAt: iso.nullable(),
  iterations: z.number().int().min(0),
  final: z.object({ objective: nnum, dataLoss: nnum, penalty: nnum, optimumObjective: nnum, suboptimality: nnum, nonzero: nnum, testLoss: nnum.optional(), validationLoss: nnum.optional() }),
  sweepId: id.nullable(),
  role: z.enum(['run', 'cell', 'refit']),
  tags: z.array(z.string()),
  notes: z.string(),
  archived: z.boolean(),
  fitMs: nnum,
  statusReason: z.string().nullable(),
  resolvedSolver: z.string().nullable(),
  seed: z.number().int(),
  appVersion: z.string(),
  datasetHash: z.string(),
  startedAt: iso.nullable(),
  timings: z.object({ loadMs: nnum, fitMs: nnum }),
  converged: z.boolean().nullable(),
  maxStableStep: nnum,
  parameters: z.array(z.object({ name: z.string(), value: num })),
  metrics: z.object({ firstStep: z.number().int().min(0), count: z.number().int().min(0), columns: metricColumns }),
});

const CellSchema = z.object({
  index: z.number().int().min(0),
  kind: z.enum(['fold', 'full']),
  repeat: z.number().int().min(0),
  fold: z.number().int(),
  configIndex: z.number().int().min(0),
  status: z.enum(['pending', 'running', 'completed', 'failed']),
  attempts: z.number().int().min(0),
  error: z.string().nullable(),
  runId: id,
  size: z.number().nullable(),
  errors: f64.nullable(),
  nonzero: f64.nullable(),
  intercepts: f64.nullable(),
  coefs: f64.nullable(),
  fitMs: nnum,
});

const StoredSweepSchema = z.object({
  id,
  name: z.string(),
  datasetId: id,
  status: z.enum(SWEEP_STATUSES),
  statusReason: z.string().nullable(),
  spec: jsonObject.refine((spec) => ['linear', 'logistic', 'mlp'].includes(spec.model as string) && Array.isArray(spec.alphas), 'a sweep spec needs a model and its α values'),
  measure: z.string(),
  lambdas: f64,
  nLambda: z.number().int().min(1),
  folds: i32,
  cellsTotal: z.number().int().min(0),
  cellsDone: z.number().int().min(0),
  appVersion: z.string(),
  createdAt: iso,
  startedAt: iso.nullable(),
  finishedAt: iso.nullable(),
  elapsedMs: num,
  result: z.unknown(),
  cells: z.array(CellSchema),
});

const TargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('run'), id }),
  z.object({ kind: z.literal('runs'), ids: z.array(id).min(1) }),
  z.object({ kind: z.literal('sweep'), id }),
]);

export const ReportDocumentSchema = z.object({
  schema: z.literal(REPORT_SCHEMA, { error: `not a Ridgeline report (expected "schema": "${REPORT_SCHEMA}")` }),
  version: z.literal(REPORT_VERSION, { error: `this Ridgeline reads report version ${REPORT_VERSION}` }),
  target: TargetSchema,
  appVersion: z.string(),
  datasets: z.array(DatasetSchema),
  runs: z.array(RunSchema),
  // The detail is derived from the stored sweep (and re-derived after an import); it is not re-validated.
  sweep: z.object({ detail: jsonObject, stored: StoredSweepSchema }).nullable(),
});

export type DecodeResult = { ok: true; data: ReportData } | { ok: false; message: string };

/** Parses and validates a report document back into report data (numbers exactly as exported). */
export function decodeReportJson(text: string): DecodeResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    return { ok: false, message: `not valid JSON: ${(error as Error).message}` };
  }
  const parsed = ReportDocumentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}` };
  }
  const doc = parsed.data;
  const datasets: ReportDataset[] = doc.datasets.map(({ values, ...summary }) => ({ summary: summary as unknown as DatasetSummary, values }));
  const runs: ReportRun[] = doc.runs.map(({ metrics, ...detail }) => ({
    detail: detail as unknown as RunDetail,
    metrics: { runId: detail.id, firstStep: metrics.firstStep, count: metrics.count, columns: metrics.columns } as RunMetrics,
  }));
  const sweep = doc.sweep
    ? { detail: doc.sweep.detail as unknown as SweepDetail, stored: { ...doc.sweep.stored, spec: doc.sweep.stored.spec as unknown as SweepSpec, cells: doc.sweep.stored.cells as StoredSweepCell[] } as StoredSweep }
    : null;
  return { ok: true, data: { target: doc.target as ReportTarget, appVersion: doc.appVersion, datasets, runs, sweep } };
}
