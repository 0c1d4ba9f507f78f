/**
 * Full-batch workloads of issue 12, each against its anchor measured in the same run:
 *   1. gd: 50 full-batch gradient-descent iterations of least squares on 100,000 × 100 (ρ = 0.5, seed 1,
 *      λ = 0, η = 1/L as bench/index.ts workload 1): Ridgeline's fit session (validation, the 2/L estimate,
 *      per-step metrics) and the bare iteration loop, vs numpy/OpenBLAS (bench/anchors.ts numpyGd);
 *   2. MLP: 20 Adam epochs of a 100-64-1 ReLU network, batch 64, η = 1e-3, L2 on the weights (λ = 1e-4,
 *      α = 0: the penalty λ/2·‖W‖² on weights only, never biases, as a term of the objective), on
 *      10,000 × 100 (ρ = 0.5, seed 7), the full objective evaluated after every epoch, vs PyTorch (CPU,
 *      default thread count; float64 like Ridgeline, and float32, its default). PyTorch starts from Ridgeline's initial weights
 *      and visits the same shuffled batches, so both run the same optimization; the final objectives are
 *      compared as a check that the work is the same.
 * Each Ridgeline row is also timed with the TypeScript fallback kernels (setKernelMode('reference')),
 * the path taken where WebAssembly is unavailable. Times are medians after a warm-up; data generation
 * and file I/O are excluded. A missing anchor is skipped with a note.
 *
 * Use: `node bin/bench.js fullBatch` (prints the table, writes bench-results/full-batch.md), or from
 * another bench module: `const { rows, notes } = await runFullBatchBench()` (Markdown table rows with
 * the columns | workload | Ridgeline | ms | anchor | anchor ms | ratio |, and notes as lines).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureWorkerBundle } from '../electron/core/training/workerBundle.ts';
import { startPassLane, type StartedPassLane } from '../electron/worker/passLane.ts';
import { startFit } from '../shared/engine/fit.ts';
import { setKernelMode, wasmKernelsAvailable } from '../shared/engine/kernels/heap.ts';
import { installPassLane } from '../shared/engine/kernels/passLane.ts';
import { squaredLossAndGradient } from '../shared/engine/linear/squaredLoss.ts';
import { MlpNetwork } from '../shared/engine/mlp/network.ts';
import { Pcg64 } from '../shared/engine/random/pcg64.ts';
import { DEFAULT_FIT_OPTIONS, type Design, type FitOptions } from '../shared/engine/types.ts';
import { numpyGd, type AnchorResult } from './anchors.ts';
import { fmt, log, machine, timeMedian, writeRaw } from './common.ts';
import { glmnetDesign } from './data.ts';

export const FULL_BATCH_HEADER = ['workload', 'Ridgeline', 'ms', 'anchor', 'anchor ms', 'ratio'] as const;




/** Ridgeline with the TypeScript kernels for the duration of `run`. */
function withReferenceKernels<T>(run: () => T): T {
  setKernelMode('reference');
  try {
    return run();
  } finally {
    setKernelMode('auto');
  }
}

/** As bench/anchors.ts: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE slow a current OpenBLAS, so the subprocess runs without them. */
/**
 * The second lane a trainer process starts for a large fit (electron/worker/passLane.ts), on the trainer
 * bundle, installed here; null (and a note in the log) when its thread cannot start.
 */
async function twoLanes(): Promise<StartedPassLane | null> {
  const bundle = await ensureWorkerBundle();
  if (!bundle) return null;
  const lane = startPassLane(pathToFileURL(bundle));
  try {
    await lane.ready;
  } catch (error) {
    log(`the second lane did not start: ${(error as Error).message}`);
    return null;
  }
  installPassLane(lane);
  return lane;
}

function pythonEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

export const MLP_WORKLOAD = { m: 10_000, p: 100, hidden: 64, batch: 64, epochs: 20, learningRate: 1e-3, lambda: 1e-4, seed: 0, dataSeed: 7 } as const;

export function mlpOptions(): FitOptions {
  const w = MLP_WORKLOAD;
  return {
    ...DEFAULT_FIT_OPTIONS,
    model: 'mlp',
    solver: 'adam',
    hidden: [w.hidden],
    activation: 'relu',
    task: 'regression',
    batchSize: w.batch,
    learningRate: w.learningRate,
    lambda: w.lambda,
    alpha: 0,
    maxIter: w.epochs,
    tol: 0,
    seed: w.seed,
    standardize: false,
    fitIntercept: true,
  };
}

/**
 * What the Ridgeline session draws from its seeded PCG64 (mlp/sessions.ts, stochastic/stochasticSession.ts):
 * the initial θ (MlpNetwork.initialize), then one in-place shuffle of the row order per epoch.
 */
function mlpStart(design: Design): { theta: Float64Array; network: MlpNetwork; permutations: Int32Array } {
  const w = MLP_WORKLOAD;
  const network = new MlpNetwork(design, { hidden: [w.hidden], activation: 'relu', task: 'regression', fitBiases: true }, w.batch);
  const rng = Pcg64.fromSeed(w.seed);
  const theta = new Float64Array(network.size);
  network.initialize(rng, theta);
  const order = new Uint32Array(design.m);
  for (let i = 0; i < design.m; i++) order[i] = i;
  const permutations = new Int32Array(w.epochs * design.m);
  for (let e = 0; e < w.epochs; e++) {
    rng.shuffle(order);
    permutations.set(order, e * design.m);
  }
  return { theta, network, permutations };
}

/**
 * PyTorch: the same network, start, batches, Adam and objective; only the 20 epochs are timed. float64 is
 * the like-for-like anchor (Ridgeline computes in float64); float32, PyTorch's default, is timed as well.
 */
function torchMlp(files: { x: string; y: string; theta: string; perm: string }, repeats: number, dtype: 'float64' | 'float32'): AnchorResult & { objective?: number } {
  const w = MLP_WORKLOAD;
  const p1 = w.p * w.hidden;
  const script = `
import json, time, statistics
import numpy as np
import torch
torch.set_default_dtype(torch.${dtype})
m, p, hdim, batch, epochs = ${w.m}, ${w.p}, ${w.hidden}, ${w.batch}, ${w.epochs}
lam, lr = ${w.lambda}, ${w.learningRate}
X = torch.from_numpy(np.fromfile(${JSON.stringify(files.x)}, dtype='<f8').reshape(m, p)).to(torch.${dtype})
y = torch.from_numpy(np.fromfile(${JSON.stringify(files.y)}, dtype='<f8')).reshape(m, 1).to(torch.${dtype})
theta = np.fromfile(${JSON.stringify(files.theta)}, dtype='<f8').astype(np.${dtype})
perm = torch.from_numpy(np.fromfile(${JSON.stringify(files.perm)}, dtype='<i4').astype(np.int64).reshape(epochs, m))
def build():
    model = torch.nn.Sequential(torch.nn.Linear(p, hdim), torch.nn.ReLU(), torch.nn.Linear(hdim, 1))
    with torch.no_grad():
        model[0].weight.copy_(torch.from_numpy(theta[0:${p1}].reshape(hdim, p)))
        model[2].weight.copy_(torch.from_numpy(theta[${p1}:${p1 + w.hidden}].reshape(1, hdim)))
        model[0].bias.copy_(torch.from_numpy(theta[${p1 + w.hidden}:${p1 + 2 * w.hidden}]))
        model[2].bias.copy_(torch.from_numpy(theta[${p1 + 2 * w.hidden}:${p1 + 2 * w.hidden + 1}]))
    return model
def objective(model):
    with torch.no_grad():
        r = model(X) - y
        return (0.5 * (r * r).mean() + 0.5 * lam * (model[0].weight.pow(2).sum() + model[2].weight.pow(2).sum())).item()
def train():
    model = build()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = [objective(model)]
    for e in range(epochs):
        order = perm[e]
        for s in range(0, m, batch):
            idx = order[s:s + batch]
            opt.zero_grad()
            r = model(X[idx]) - y[idx]
            loss = 0.5 * (r * r).mean() + 0.5 * lam * (model[0].weight.pow(2).sum() + model[2].weight.pow(2).sum())
            loss.backward()
            opt.step()
        history.append(objective(model))
    return history
history = train()
times = []
for _ in range(${repeats}):
    t = time.perf_counter(); train(); times.append((time.perf_counter() - t) * 1e3)
print(json.dumps({'ms': statistics.median(times), 'objective': history[-1], 'torch': torch.__version__, 'threads': torch.get_num_threads()}))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', env: pythonEnv(), maxBuffer: 16 << 20, timeout: 900_000 });
  if (r.error) return { ms: null, note: `PyTorch skipped: /usr/bin/python3 not runnable (${r.error.message})` };
  if (r.status !== 0) return { ms: null, note: `PyTorch skipped: ${((r.stderr || r.stdout).trim().split('\n').pop() ?? '').slice(0, 200)}` };
  try {
    const v = JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { ms: number; objective: number; torch: string; threads: number };
    return {
      ms: v.ms,
      objective: v.objective,
      note: `PyTorch ${v.torch} CPU, ${dtype}, ${v.threads} thread(s) (its default here), Adam with weight_decay 0 and the L2 term in the loss; same initial weights and batches as Ridgeline`,
    };
  } catch {
    return { ms: null, note: `PyTorch skipped: unexpected output ${r.stdout.slice(0, 120)}` };
  }
}

export interface FullBatchReport {
  /** Markdown table rows (no header), columns as FULL_BATCH_HEADER. */
  rows: string[];
  notes: string[];
}

export async function runFullBatchBench(options: { repeats?: number } = {}): Promise<FullBatchReport> {
  const repeats = options.repeats ?? 5;
  const table: string[][] = [];
  const notes: string[] = [];
  const row = (workload: string, contender: string, ms: number, anchor: string, anchorMs: number | null): void => {
    table.push([workload, contender, fmt(ms), anchor, fmt(anchorMs), anchorMs === null ? 'skipped' : (ms / anchorMs).toFixed(2)]);
  };
  notes.push(wasmKernelsAvailable() ? 'kernels: WebAssembly SIMD (fast path)' : 'kernels: WebAssembly unavailable, TypeScript fallback only');
  const dir = mkdtempSync(join(tmpdir(), 'ridgeline-fullbatch-'));
  try {
    // ---- 1. gd, 100,000 × 100 ------------------------------------------------------------------
    {
      const m = 100_000;
      const p = 100;
      const iterations = 50;
      log(`generating ${m} × ${p} (ρ = 0.5, seed 1)…`);
      const design = glmnetDesign(m, p, 0.5, 1);
      const xFile = writeRaw(dir, 'gd_x.f64', design.x);
      const yFile = writeRaw(dir, 'gd_y.f64', design.y);
      const options: FitOptions = { ...DEFAULT_FIT_OPTIONS, solver: 'gd', lambda: 0, alpha: 0, maxIter: iterations, tol: 0 };
      const probe = startFit(design, { ...options, maxIter: 1 });
      while (!probe.advance(1));
      const eta = probe.result().maxStableStep! / 2;
      const session = (): void => {
        const s = startFit(design, { ...options, learningRate: eta });
        while (!s.advance(1 << 20));
      };
      const gradW = new Float64Array(p);
      const out = new Float64Array(2);
      const w = new Float64Array(p);
      const loop = (): void => {
        w.fill(0);
        let b = 0;
        for (let k = 0; k < iterations; k++) {
          squaredLossAndGradient(design, b, w, gradW, out);
          b -= eta * out[1];
          for (let j = 0; j < p; j++) w[j] -= eta * gradW[j];
        }
      };
      log('timing Ridgeline gd (one thread)…');
      const sessionOneMs = timeMedian(session, repeats);
      // As a trainer process runs a fit this large: with its second lane (a thread summing half the rows).
      const lane = await twoLanes();
      log(`timing Ridgeline gd (${lane ? 'two lanes' : 'one thread: the lane did not start'})…`);
      const sessionMs = timeMedian(session, repeats);
      const loopMs = timeMedian(loop, repeats);
      const sessionRefMs = withReferenceKernels(() => timeMedian(session, Math.min(3, repeats)));
      installPassLane(null);
      await lane?.close();
      const lanes = lane ? 'two lanes' : 'one thread';
      log('timing numpy gd…');
      const np = numpyGd(xFile, yFile, m, p, iterations, eta, repeats);
      if (np.note) notes.push(np.note);
      const label = 'gd: 50 iterations, 100,000 × 100';
      row(label, `fit session (validation, 2/L estimate, metrics), ${lanes} as in a trainer`, sessionMs, 'numpy (2 passes)', np.ms);
      row(label, 'fit session, one thread', sessionOneMs, 'numpy (2 passes)', np.ms);
      row(label, `iterations alone (fused pass + update), ${lanes}`, loopMs, 'numpy (2 passes)', np.ms);
      row(label, `fit session, TypeScript fallback kernels, ${lanes}`, sessionRefMs, 'numpy (2 passes)', np.ms);
    }

    // ---- 2. MLP, 20 Adam epochs ----------------------------------------------------------------
    {
      const w = MLP_WORKLOAD;
      log(`generating ${w.m} × ${w.p} (ρ = 0.5, seed ${w.dataSeed})…`);
      const design = glmnetDesign(w.m, w.p, 0.5, w.dataSeed);
      const { theta, permutations } = mlpStart(design);
      const files = {
        x: writeRaw(dir, 'mlp_x.f64', design.x),
        y: writeRaw(dir, 'mlp_y.f64', design.y),
        theta: writeRaw(dir, 'mlp_theta.f64', theta),
        perm: writeRaw(dir, 'mlp_perm.i32', permutations),
      };
      let objective = Number.NaN;
      const session = (): void => {
        const s = startFit(design, mlpOptions());
        while (!s.advance(1 << 20));
        objective = s.result().objective;
      };
      log('timing Ridgeline MLP…');
      const mlpMs = timeMedian(session, Math.min(repeats, 5));
      const mlpRefMs = withReferenceKernels(() => timeMedian(session, Math.min(repeats, 3)));
      log('timing PyTorch MLP (float64, float32)…');
      const torch = torchMlp(files, Math.min(repeats, 5), 'float64');
      const torch32 = torchMlp(files, Math.min(repeats, 5), 'float32');
      if (torch.note) notes.push(torch.note);
      if (torch32.note) notes.push(torch32.note);
      if (torch.objective !== undefined) {
        const rel = Math.abs(objective - torch.objective) / Math.abs(torch.objective);
        notes.push(`MLP final objective: Ridgeline ${objective}, PyTorch ${torch.objective} (relative difference ${rel.toExponential(1)}: the same optimization, summed in different orders)`);
      }
      const label = `MLP 100-64-1 ReLU: 20 Adam epochs, batch 64, ${w.m.toLocaleString('en')} × ${w.p}`;
      row(label, 'fit session (full objective and gradient norm each epoch)', mlpMs, 'PyTorch float64 (objective each epoch)', torch.ms);
      row(label, 'fit session (full objective and gradient norm each epoch)', mlpMs, 'PyTorch float32 (objective each epoch)', torch32.ms);
      row(label, 'fit session, TypeScript fallback kernels', mlpRefMs, 'PyTorch float64 (objective each epoch)', torch.ms);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows: table.map((t) => `| ${t.join(' | ')} |`), notes };
}

/** Runs the bench alone: prints the table and writes bench-results/full-batch.md. */
export async function main(): Promise<void> {
  const { rows, notes } = await runFullBatchBench();
  const md = [
    '# Ridgeline full-batch benchmark (issue 12)',
    '',
    `${new Date().toISOString()} · ${machine} · ratio = Ridgeline time / anchor time (< 1: Ridgeline is faster) · medians after warm-up`,
    '',
    `| ${FULL_BATCH_HEADER.join(' | ')} |`,
    `| ${FULL_BATCH_HEADER.map(() => '---').join(' | ')} |`,
    ...rows,
    '',
    ...notes.map((n) => `- ${n}`),
    '',
  ].join('\n');
  console.log(md);
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(join('bench-results', 'full-batch.md'), md);
  console.log('written: bench-results/full-batch.md');
}
