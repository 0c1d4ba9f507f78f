import { availableParallelism, loadavg } from 'node:os';
import type { SweepConfig, SweepSpec } from '../../../shared/domain/sweeps.ts';
import { sweepConfigs } from '../../../shared/domain/sweeps.ts';
import type { CvMeasure } from '../../../shared/engine/cv.ts';
import type { Design, FitOptions } from '../../../shared/engine/types.ts';
import { addSample, cellUnits, costFamily, makespanMs, median, msPerUnit, overheadMs, type CostSample } from '../../../shared/sweeps/timeEstimate.ts';
import type { SweepsStore } from '../db/sweepsStore.ts';
import { probeCellCost, type ProbeResult } from './costProbe.ts';

/**
 * How much slower than its CPU time a pool's process runs now: the runnable processes (the load average,
 * plus the pool's own) per core, at least 1. Cells measured in earlier sweeps carry the load of their
 * time in their wall time; a probe's CPU time does not.
 */
export function machineContention(poolSize: number): number {
  return Math.max(1, (loadavg()[0] + poolSize) / availableParallelism());
}

/** Earlier sweeps read for a calibration: the latest ones, and at most a few thousand of their cells. */
const HISTORY_SWEEPS = 50;
const HISTORY_CELLS = 5000;

/** A sweep about to be created, as the estimate needs it. */
export interface SweepPlan {
  datasetId: string;
  design: Design;
  spec: SweepSpec;
  configs: SweepConfig[];
  /** Each configuration's λ grid, nLambda values per configuration. */
  lambdas: Float64Array;
  nLambda: number;
  folds: number;
  measure: CvMeasure;
  /** The processes that will run it, and the default for sweeps that did not say. */
  poolSize: number;
  defaultPoolSize: number;
}

/**
 * The launcher's time estimate, from measured costs only: the cells of earlier sweeps on the same data
 * (their stored times), and where a kind of cell was never measured on these data, a probe that times
 * that cell's code on a sample of the rows. The sweep's fixed cost (starting processes, compiling their
 * kernels, writing its data, the summary and refits) is the median of what the latest completed sweeps
 * spent beyond their cells, or before there is one, the compiling time the probe measured.
 */
export class SweepTimeEstimator {
  /** Probed costs, per data set, cost family and cell size (data sets are immutable). */
  private readonly probes = new Map<string, ProbeResult>();

  constructor(
    private readonly sweeps: SweepsStore,
    private readonly optionsOf: (spec: SweepSpec, config: SweepConfig) => FitOptions,
    private readonly contention: (poolSize: number) => number = machineContention,
  ) {}

  estimateMs(plan: SweepPlan): number {
    const { m, p } = plan.design;
    const history = this.history(plan.datasetId, plan.defaultPoolSize);
    const cellMs: number[] = [];
    let probedWarmUpMs = 0;
    plan.configs.forEach((config, c) => {
      const options = this.optionsOf(plan.spec, config);
      const family = costFamily(options, p);
      let rate = msPerUnit(history.samples.get(family) ?? []);
      if (rate === null) {
        // A probe measures CPU time; the pool's processes will share the machine with what runs now.
        const probed = this.probe(plan, c, options, family);
        const share = this.contention(plan.poolSize);
        rate = probed.msPerUnit * share;
        probedWarmUpMs = Math.max(probedWarmUpMs, probed.warmUpMs * share);
      }
      const shape = { m, p, folds: plan.folds, lambdas: plan.nLambda };
      // The order the service queues them in: every fold of every repeat, then the full-data cell.
      for (let r = 0; r < plan.spec.repeats * plan.folds; r++) cellMs.push(cellUnits({ ...shape, kind: 'fold' }, options) * rate);
      cellMs.push(cellUnits({ ...shape, kind: 'full' }, options) * rate);
    });
    // Without an earlier sweep to measure the fixed cost on, the processes' compiling is its measured part.
    return (history.overheadMs ?? probedWarmUpMs) + makespanMs(cellMs, plan.poolSize);
  }

  /**
   * Cost samples per family from earlier sweeps on the same data, and the median fixed cost of the
   * latest completed sweeps on the same data, or on any data before there is one (starting processes
   * and compiling kernels depend little on them).
   */
  private history(datasetId: string, defaultPoolSize: number): { samples: Map<string, CostSample[]>; overheadMs: number | null } {
    const samples = new Map<string, CostSample[]>();
    interface PastSweep {
      configs: SweepConfig[];
      cells: { family: string; sample: CostSample }[];
      elapsedMs: number;
      pool: number;
      /** Completed, with every cell within the history read: its fixed cost can be measured. */
      complete: boolean;
      cellsTotal: number;
      sameData: boolean;
    }
    const sweeps = new Map<string, PastSweep>();
    for (const row of this.sweeps.costHistory(HISTORY_SWEEPS, HISTORY_CELLS)) {
      let sweep = sweeps.get(row.sweepId);
      if (!sweep) {
        sweep = {
          configs: sweepConfigs(row.spec),
          cells: [],
          elapsedMs: row.sweepElapsedMs,
          pool: row.spec.poolSize ?? defaultPoolSize,
          complete: row.sweepStatus === 'completed',
          cellsTotal: row.sweepCellsTotal,
          sameData: row.datasetId === datasetId,
        };
        sweeps.set(row.sweepId, sweep);
      }
      const config = sweep.configs[row.configIndex];
      if (!config) continue;
      const options = this.optionsOf(row.spec, config);
      const family = costFamily(options, row.cols);
      const sample = { units: cellUnits({ kind: row.kind, m: row.rows, p: row.cols, folds: row.spec.folds, lambdas: row.nLambda }, options), ms: row.fitMs };
      sweep.cells.push({ family, sample });
      if (row.datasetId === datasetId) addSample(samples, family, sample);
    }
    const measured = [...sweeps.values()].filter((sweep) => sweep.complete && sweep.cells.length === sweep.cellsTotal);
    // Sweeps on the same data first: their cells vary like the coming sweep's.
    const sameData = measured.filter((sweep) => sweep.sameData);
    const overheads = (sameData.length > 0 ? sameData : measured).map((sweep) => {
      const byFamily = new Map<string, CostSample[]>();
      for (const cell of sweep.cells) addSample(byFamily, cell.family, cell.sample);
      const typical = sweep.cells.map((cell) => cell.sample.units * (msPerUnit(byFamily.get(cell.family)!) ?? 0));
      return overheadMs(sweep.elapsedMs, typical, sweep.pool);
    });
    return { samples, overheadMs: median(overheads) };
  }

  private probe(plan: SweepPlan, configIndex: number, options: FitOptions, family: string): ProbeResult {
    // The per-unit cost depends a little on the cell's size (a path's per-λ work weighs more in small cells).
    const key = `${plan.datasetId}|${family}|${plan.nLambda}|${plan.folds}`;
    let probed = this.probes.get(key);
    if (probed === undefined) {
      const lambdas = plan.lambdas.subarray(configIndex * plan.nLambda, (configIndex + 1) * plan.nLambda);
      probed = probeCellCost(plan.design, options, lambdas, plan.measure, plan.folds);
      this.probes.set(key, probed);
    }
    return probed;
  }
}
