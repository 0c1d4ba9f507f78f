import { z } from 'zod';
import { RidgelineError } from '../../shared/errors.ts';
import type { CellJob, CellOutput } from '../../shared/protocol/trainer.ts';
import { describeIssues } from '../../shared/validate.ts';
import type { CellProvenance } from '../core/sweeps/cellRunner.ts';
import type { DataRef } from './dataTransport.ts';
import type { EngineIdentity } from './engineIdentity.ts';
import { decodeWire, encodeWire, type Wire } from './wireCodec.ts';

/**
 * What a queued cell carries (BullMQ job data) and what a worker returns (the job's return value),
 * both through the exact wire codec; each side validates what it receives.
 */
export const MESSAGE_VERSION = 1;

export interface CellJobMessage {
  v: number;
  sweepId: string;
  cellIndex: number;
  /**
   * The sweep's data by content: SHA-256 (hex) and size of the sweepData.ts bytes, and where the
   * coordinator serves them when they do not travel through Redis (its URL and the sweep's token).
   */
  data: DataRef;
  /** The coordinator's engine: a worker running another refuses the cell. */
  engine: EngineIdentity;
  job: CellJob;
}

export interface CellResultMessage {
  v: number;
  output: CellOutput;
  computedBy: CellProvenance;
}

const f64 = z.instanceof(Float64Array);
const count = z.number().int().min(0);
const finite = z.number().refine(Number.isFinite, 'must be finite');

const EngineSchema = z.object({ hash: z.string().regex(/^[0-9a-f]{64}$/), v8: z.string().min(1).max(100) });

// Unknown option fields pass through (a newer FitOptions field must reach the trainer, not vanish):
// both ends run the same engine build, which the engine check makes sure of.
const PathOptionsSchema = z.looseObject({
  model: z.enum(['linear', 'logistic', 'mlp']),
  alpha: finite,
  standardize: z.boolean(),
  fitIntercept: z.boolean(),
  tol: finite.optional(),
  maxIter: count.optional(),
});

const FitOptionsSchema = PathOptionsSchema.extend({
  lambda: finite,
  solver: z.string().min(1),
  batchSize: count,
  init: z.string().min(1),
  seed: z.number().int(),
  hidden: z.array(count),
  activation: z.string().min(1),
  momentum: finite,
  lrDecay: finite,
});

const CellJobSchema = z.object({
  kind: z.enum(['fold', 'full']),
  repeat: count,
  fold: z.number().int().min(-1),
  lambdas: f64.refine((a) => a.length > 0 && a.every((l) => Number.isFinite(l) && l >= 0), 'must be finite λ ≥ 0'),
  options: PathOptionsSchema,
  fit: FitOptionsSchema.optional(),
  measure: z.enum(['mse', 'deviance', 'misclass', 'auc']),
});

const CellJobMessageSchema = z.object({
  v: z.literal(MESSAGE_VERSION),
  sweepId: z.string().regex(/^sweep_[0-9a-z]{1,64}$/),
  cellIndex: count,
  data: z.object({
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    bytes: count,
    endpoint: z.object({ url: z.string().regex(/^http:\/\/\S{1,2000}$/, 'must be an http:// URL'), token: z.string().regex(/^[A-Za-z0-9_-]{16,200}$/, 'must be a data token') }).optional(),
  }),
  engine: EngineSchema,
  job: CellJobSchema,
});

const CellResultMessageSchema = z.object({
  v: z.literal(MESSAGE_VERSION),
  output: z.object({
    size: count.nullable(),
    errors: f64.nullable(),
    nonzero: f64,
    intercepts: f64.nullable(),
    coefs: f64.nullable(),
    iterations: count,
    statusReason: z.string().nullable(),
    fitMs: z.number().min(0),
  }),
  computedBy: z.object({ worker: z.string().min(1).max(300), engineHash: z.string().regex(/^[0-9a-f]{64}$/), v8: z.string().min(1).max(100) }),
});

function parse<T>(schema: z.ZodType<T>, wire: unknown, what: string): T {
  const decoded = decodeWire(wire);
  const parsed = schema.safeParse(decoded);
  if (!parsed.success) throw new RidgelineError('BAD_DATA', `${what}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

export function encodeCellJob(message: CellJobMessage): Wire {
  return encodeWire(message);
}

export function decodeCellJob(wire: unknown): CellJobMessage {
  return parse(CellJobMessageSchema, wire, 'queued cell') as CellJobMessage;
}

export function encodeCellResult(message: CellResultMessage): Wire {
  return encodeWire(message);
}

/**
 * A worker's result, checked against the cell it answers: one value per λ, and for the cell on all
 * the data an intercept per λ and p coefficients per λ.
 */
export function decodeCellResult(wire: unknown, expected: { kind: 'fold' | 'full'; nLambda: number; p: number }): CellResultMessage {
  const message = parse(CellResultMessageSchema, wire, 'cell result') as CellResultMessage;
  const { output } = message;
  const { nLambda, p } = expected;
  const wrong = (what: string): never => {
    throw new RidgelineError('BAD_DATA', `cell result from ${message.computedBy.worker}: ${what}`);
  };
  if (output.nonzero.length !== nLambda) wrong(`nonzero has ${output.nonzero.length} values for ${nLambda} λ`);
  if (expected.kind === 'fold') {
    if (output.errors?.length !== nLambda) wrong(`errors has ${output.errors?.length ?? 0} values for ${nLambda} λ`);
    if (output.size === null) wrong('a fold cell needs the size of its fold');
  } else {
    if (output.intercepts?.length !== nLambda) wrong(`intercepts has ${output.intercepts?.length ?? 0} values for ${nLambda} λ`);
    // An MLP's full cell keeps no coefficient path (coefs empty), as the local trainer returns it.
    if (output.coefs !== null && output.coefs.length !== 0 && output.coefs.length !== nLambda * p) wrong(`coefs has ${output.coefs.length} values for ${nLambda} λ × ${p} columns`);
  }
  return message;
}
