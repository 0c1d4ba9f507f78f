/**
 * The report as one self-contained HTML file: inline CSS (with a print stylesheet), plots as inline
 * SVG, no scripts and no reference to anything outside the file, so it opens offline, years later,
 * in any browser, and prints (the PDF is this page printed by Chromium).
 */
import { categoricalColor } from '../palette.ts';
import { hyperparamApplies, type ConditionalHyperparam } from '../domain/hyperparamUse.ts';
import { METRIC_LABELS, type MetricName } from '../domain/metrics.ts';
import type { RunDetail } from '../domain/runs.ts';
import type { AlphaResult } from '../domain/sweeps.ts';
import { escapeHtml as e, formatNumber as fmt } from './format.ts';
import { cvCommand, dataArguments, fitCommand } from './reproduce.ts';
import { barChart, lineChart } from './svg.ts';
import type { ReportData, ReportRun } from './types.ts';

export interface HtmlOptions {
  /** When the report was made (ISO time); shown, not part of the data. */
  generatedAt: string;
  /** The database the report was read from: reproduce commands name it for data sets stored there. */
  databasePath?: string | null;
}

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1b1f24; background: #fff; margin: 0 auto; max-width: 980px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; } h3 { font-size: 15px; margin: 16px 0 6px; }
.meta, .muted { color: #57606a; } .tick { font-size: 10px; fill: #57606a; } .axis-label { font-size: 11px; fill: #1b1f24; } .chart-title { font-size: 12px; font-weight: 600; fill: #1b1f24; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 12.5px; } th, td { border: 1px solid #d0d7de; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f3f5f7; font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
tr.differs td, tr.differs th { background: #fff4d6; } tr.best td { background: #e6f4ea; }
.formula { font-family: "DejaVu Serif", Georgia, serif; font-size: 15px; background: #f6f8fa; border: 1px solid #d0d7de; padding: 8px 12px; display: inline-block; }
pre.cmd { background: #f6f8fa; border: 1px solid #d0d7de; padding: 8px 12px; white-space: pre-wrap; word-break: break-all; font-size: 12px; }
svg.chart { max-width: 100%; height: auto; display: block; margin: 8px 0; }
.notes { white-space: pre-wrap; border-left: 3px solid #d0d7de; padding-left: 8px; }
.badge { display: inline-block; border: 1px solid #d0d7de; border-radius: 8px; padding: 0 6px; font-size: 12px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  h2.big { break-before: page; }
  svg.chart, table, pre.cmd { break-inside: avoid; }
  th, tr.differs td, tr.differs th, tr.best td, pre.cmd, .formula { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
@page { size: A4; margin: 14mm; }
`;

const MODEL_LOSS: Record<string, string> = {
  linear: 'squared loss ½(ŷ − y)²',
  logistic: 'log-loss −y·log p − (1 − y)·log(1 − p)',
  mlp: 'squared loss (regression) or log-loss (classification) of the network output',
};

/** A table; `head` null for a table of label–value rows (each starting with its <th>), which has no header row. */
function table(head: string[] | null, rows: string[][], rowClass: (i: number) => string = () => ''): string {
  const thead = head === null ? '' : `<thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead>`;
  return `<table>${thead}<tbody>${rows
    .map((r, i) => `<tr${rowClass(i) ? ` class="${rowClass(i)}"` : ''}>${r.join('')}</tr>`)
    .join('')}</tbody></table>`;
}
const td = (text: string): string => `<td>${e(text)}</td>`;
const tdn = (v: number | null | undefined): string => `<td class="num">${e(fmt(v))}</td>`;

function hyperparamRows(run: RunDetail): [string, string][] {
  const h = run.hyperparams;
  // What the run's solver does not read is n/a (as in the app's Compare view), not a value that did nothing.
  const where = (key: ConditionalHyperparam, text: string): string => (hyperparamApplies(key, h, run.resolvedSolver) ? text : 'n/a');
  const rows: [string, string][] = [
    ['model', h.model],
    ['λ (lambda)', fmt(h.lambda)],
    ['α (alpha)', fmt(h.alpha)],
    ['solver', run.resolvedSolver && run.resolvedSolver !== h.solver ? `${h.solver} → ${run.resolvedSolver}` : h.solver],
    ['learning rate', where('learningRate', h.learningRate === undefined ? "solver's own" : fmt(h.learningRate))],
    ['max iterations', where('maxIter', h.maxIter === undefined ? "solver's own" : String(h.maxIter))],
    ['tolerance', where('tol', h.tol === undefined ? "solver's own" : fmt(h.tol))],
    ['batch size', where('batchSize', String(h.batchSize))],
    ['standardize', String(h.standardize)],
    ['fit intercept', String(h.fitIntercept)],
    ['init', h.init],
    ['seed', String(h.seed)],
    ['validation fraction', fmt(h.validationFraction)],
    ['test fraction', fmt(h.testFraction)],
  ];
  if (h.model === 'mlp') rows.push(['hidden layers', h.hidden.join(', ')], ['activation', h.activation], ['task', h.task], ['momentum', where('momentum', fmt(h.momentum))], ['lr decay', where('lrDecay', fmt(h.lrDecay))]);
  return rows;
}

function finalRows(run: RunDetail): [string, string][] {
  return [
    ['status', run.status + (run.statusReason ? ` (${run.statusReason})` : '')],
    ['iterations', String(run.iterations)],
    ['converged', run.converged === null ? '—' : String(run.converged)],
    ['objective J', fmt(run.final.objective)],
    ['data loss', fmt(run.final.dataLoss)],
    ...(run.hyperparams.testFraction > 0 ? [['test loss (held-out rows)', fmt(run.final.testLoss)] as [string, string]] : []),
    ['penalty', fmt(run.final.penalty)],
    ['J* (optimum)', fmt(run.final.optimumObjective)],
    ['J − J*', fmt(run.final.suboptimality)],
    ['nonzeros', fmt(run.final.nonzero)],
    ['fit time (ms)', fmt(run.timings.fitMs)],
  ];
}

/** Runs as columns, one row per field; rows whose values differ between runs are highlighted. */
function comparisonTable(runs: readonly RunDetail[], rowsOf: (r: RunDetail) => [string, string][]): string {
  const perRun = runs.map(rowsOf);
  const labels = perRun[0].map(([label]) => label);
  const rows = labels.map((label, i) => [`<th scope="row">${e(label)}</th>`, ...perRun.map((r) => td(r[i]?.[1] ?? '—'))]);
  const differs = labels.map((_, i) => runs.length > 1 && new Set(perRun.map((r) => r[i]?.[1])).size > 1);
  return table(['', ...runs.map((r) => e(r.name))], rows, (i) => (differs[i] ? 'differs' : ''));
}

function objectiveSection(runs: readonly ReportRun[], metric: MetricName = 'objective'): string {
  // Each run keeps the colour of its place in the report's runs (the app's selection order), drawn or not.
  const series = runs
    .map((r, k) => ({ r, color: categoricalColor(k) }))
    .filter(({ r }) => r.metrics.count > 0 && r.metrics.columns[metric]?.some(Number.isFinite))
    .map(({ r, color }) => {
      const xs = new Float64Array(r.metrics.count);
      for (let i = 0; i < xs.length; i++) xs[i] = r.metrics.firstStep + i;
      return { label: r.detail.name, xs, ys: r.metrics.columns[metric]!, color };
    });
  if (series.length === 0) return '';
  return lineChart(series, { title: `${METRIC_LABELS[metric]} per step`, xLabel: 'step (parameter updates)', yLabel: METRIC_LABELS[metric], logY: 'auto' });
}

function coefficientsSection(run: RunDetail): string {
  if (run.hyperparams.model === 'mlp' || run.parameters.length === 0) return '';
  const coefs = run.parameters.filter((p) => p.name !== '(intercept)');
  const intercept = run.parameters.find((p) => p.name === '(intercept)');
  return (
    `<h3>Coefficients · ${e(run.name)}</h3>` +
    table(
      ['parameter', 'value (original scale)'],
      run.parameters.map((p) => [td(p.name), tdn(p.value)]),
    ) +
    barChart(
      coefs.map((p) => ({ label: p.name, value: p.value })),
      `coefficients${intercept ? ` (intercept ${fmt(intercept.value)} not drawn)` : ''}`,
    )
  );
}

function objectiveBlock(models: readonly string[]): string {
  const losses = [...new Set(models)].map((m) => `<li>${e(m)}: ${e(MODEL_LOSS[m] ?? m)}</li>`).join('');
  return `<h2>Objective</h2>
<p>The penalized empirical risk every Ridgeline model minimizes (glmnet's and scikit-learn ElasticNet's form): the mean loss over the m training rows, plus λ times an elastic-net penalty on the weights; the bias b is never penalized. α = 0 is ridge (L2), α = 1 lasso (L1).</p>
<p class="formula">J(b, w) = (1/m)·Σ<sub>i</sub> loss<sub>i</sub> + λ·(α‖w‖<sub>1</sub> + (1−α)/2·‖w‖<sub>2</sub><sup>2</sup>)</p>
<p>The textbook form 1/(2m)·Σ(h − y)² + λ′/(2m)·Σθ² is the same problem with λ′ = m·λ.</p>
${losses ? `<p>Loss per row:</p><ul>${losses}</ul>` : ''}`;
}

function reproBlock(data: ReportData, runs: readonly RunDetail[], databasePath: string | null): string {
  const byId = new Map(data.datasets.map((d) => [d.summary.id, d.summary]));
  const parts: string[] = ['<h2 class="big">Reproducibility</h2>'];
  if (data.sweep) {
    const s = data.sweep.stored;
    const ds = byId.get(s.datasetId);
    parts.push(
      table(null, [
        [`<th scope="row">seed</th>`, td(String(s.spec.seed))],
        [`<th scope="row">folds</th>`, td(`${s.spec.folds} (${s.spec.foldMethod})${s.spec.repeats > 1 ? ` × ${s.spec.repeats} repeats` : ''}`)],
        [`<th scope="row">tolerance</th>`, td(s.spec.tol === undefined ? 'default' : fmt(s.spec.tol))],
        [`<th scope="row">data set hash (SHA-256)</th>`, td(ds?.hash ?? '—')],
        [`<th scope="row">Ridgeline version</th>`, td(s.appVersion)],
      ]),
      // Fold ids from a column are not part of the stored data set: that command reads the file again.
      `<h3>Command</h3><pre class="cmd">${e(cvCommand(s.spec, s.spec.foldMethod === 'column' ? ['--data', 'DATA.csv', '--target', ds?.target ?? 'TARGET'] : dataArguments(ds, databasePath)))}</pre>`,
    );
    if (s.spec.foldMethod === 'column') parts.push('<p class="muted">Folds came from a column of the file: put the file in place of DATA.csv and its fold column in place of FOLD_COLUMN.</p>');
  }
  for (const run of runs) {
    const ds = byId.get(run.datasetId);
    parts.push(
      `<h3>${e(run.name)} <span class="badge">${e(run.id)}</span></h3>`,
      table(null, [
        [`<th scope="row">seed</th>`, td(String(run.seed))],
        [`<th scope="row">solver</th>`, td(run.resolvedSolver ?? run.hyperparams.solver)],
        [`<th scope="row">tolerance / iterations</th>`, td(`${run.hyperparams.tol === undefined ? "solver's own" : fmt(run.hyperparams.tol)} / ${run.hyperparams.maxIter ?? "solver's own"}`)],
        [`<th scope="row">data set hash (SHA-256)</th>`, td(run.datasetHash)],
        [`<th scope="row">Ridgeline version</th>`, td(run.appVersion)],
      ]),
      `<pre class="cmd" data-run-id="${e(run.id)}">${e(fitCommand(run.hyperparams, dataArguments(ds, databasePath)))}</pre>`,
    );
  }
  parts.push(
    `<p class="muted">Feature columns, in order: ${e(data.datasets.map((d) => `${d.summary.name}: ${d.summary.features.join(', ')}`).join(' · '))}. The commands name each data set by its id and the start of its hash (SHA-256, above), and refuse any other data; one stored in a database (not built in) is read from <code>--db</code>, which can be another database the JSON report was imported into. With the same data, seed and options the result is bit-identical.</p>`,
  );
  return parts.join('');
}

function cvSection(result: AlphaResult, measure: string): string {
  const xs = Float64Array.from(result.lambdas);
  const lo = result.cvm.map((m, i) => m - result.cvsd[i]);
  const hi = result.cvm.map((m, i) => m + result.cvsd[i]);
  return lineChart([{ label: `cv ${measure}`, xs, ys: result.cvm, color: '#d1495b' }], {
    // cvsd is cv.glmnet's sqrt(Σ w_k·(e_k − cvm)² / (K − 1)): with equal folds, the fold errors' sample sd over
    // √K, the standard error of their mean, not their sd.
    title: `cross-validated ${measure}, mean ± 1 SE over folds · ${result.label}`,
    xLabel: 'λ (log scale)',
    yLabel: `cv ${measure}`,
    logX: true,
    markers: true,
    errorBars: { lo, hi },
    vLines: [
      { x: result.lambdaMin, label: 'λ_min', color: '#1f6fb2' },
      { x: result.lambda1se, label: 'λ_1se', color: '#2a9d5c' },
    ],
  });
}

function sweepSections(data: ReportData): string {
  const sweep = data.sweep!;
  const d = sweep.detail;
  const parts: string[] = ['<h2 class="big">Cross-validation</h2>'];
  parts.push(
    table(null, [
      [`<th scope="row">status</th>`, td(d.status + (d.statusReason ? ` (${d.statusReason})` : ''))],
      [`<th scope="row">model</th>`, td(d.model)],
      [`<th scope="row">measure</th>`, td(d.measure)],
      [`<th scope="row">α</th>`, td(d.alphas.map(fmt).join(', '))],
      [`<th scope="row">folds × repeats</th>`, td(`${d.folds} × ${d.repeats}`)],
      [`<th scope="row">standardize / intercept</th>`, td(`${d.spec.standardize} / ${d.spec.fitIntercept}`)],
      [`<th scope="row">cells</th>`, td(`${d.cellsDone} / ${d.cellsTotal}`)],
      [`<th scope="row">elapsed</th>`, td(d.elapsedMs === null ? '—' : `${fmt(d.elapsedMs / 1000)} s`)],
    ]),
  );
  const results = d.results.filter((r): r is AlphaResult => r !== null);
  if (results.length === 0) {
    parts.push('<p class="muted">The sweep has no result yet (it did not complete).</p>');
  }
  if (results.length > 1) {
    parts.push(
      '<h3>Configurations</h3>',
      table(
        ['configuration', 'λ_min', 'λ_1se', `cv ${e(d.measure)} at λ_min`],
        results.map((r) => [td(r.label), tdn(r.lambdaMin), tdn(r.lambda1se), tdn(r.cvm[r.indexMin])]),
        (i) => (d.results.indexOf(results[i]) === d.bestAlphaIndex ? 'best' : ''),
      ),
    );
  }
  const best = d.bestAlphaIndex !== null ? d.results[d.bestAlphaIndex] : null;
  if (best) {
    parts.push(
      `<p>λ_min = <b>${e(fmt(best.lambdaMin))}</b> (the largest λ with the least cv error), λ_1se = <b>${e(fmt(best.lambda1se))}</b> (the largest λ within one standard error of it)${results.length > 1 ? `, for the best configuration ${e(best.label)}` : ''}.</p>`,
      cvSection(best, d.measure),
    );
    if (d.path) {
      const lambdas = Float64Array.from(d.path.lambdas);
      const series = d.featureNames.map((name, j) => ({ label: name, xs: lambdas, ys: d.path!.coef.map((row) => row[j]) }));
      parts.push(
        lineChart(series, {
          title: 'coefficient path on all data (original scale)',
          xLabel: 'λ (log scale)',
          yLabel: 'coefficient',
          logX: true,
          vLines: [
            { x: best.lambdaMin, label: 'λ_min', color: '#1f6fb2' },
            { x: best.lambda1se, label: 'λ_1se', color: '#2a9d5c' },
          ],
          height: 340,
        }),
      );
    }
    parts.push(
      `<h3>cv ${e(d.measure)} per λ</h3>`,
      table(
        ['#', 'λ', 'cvm (mean over folds)', 'cvsd (standard error)', 'nonzeros', 'chosen λ'],
        best.lambdas.map((l, i) => [
          tdn(i + 1),
          tdn(l),
          tdn(best.cvm[i]),
          tdn(best.cvsd[i]),
          tdn(best.nonzero[i]),
          td([i === best.indexMin ? 'λ_min' : '', i === best.index1se ? 'λ_1se' : ''].filter(Boolean).join(' · ')),
        ]),
        (i) => (i === best.indexMin || i === best.index1se ? 'best' : ''),
      ),
    );
  }
  parts.push(
    '<h3>Cells</h3>',
    table(
      ['#', 'kind', 'repeat', 'fold', 'configuration', 'status', 'attempts', 'run'],
      d.cells.map((c) => [tdn(c.index), td(c.kind), tdn(c.repeat + 1), td(c.kind === 'full' ? 'all data' : String(c.fold + 1)), td(d.configs[c.configIndex]?.label ?? String(c.configIndex)), td(c.status + (c.error ? `: ${c.error}` : '')), tdn(c.attempts), td(c.runId)]),
    ),
  );
  return parts.join('');
}

/** The report page. `generatedAt` is the only input that is not stored data. */
export function reportHtml(data: ReportData, options: HtmlOptions): string {
  const sweep = data.sweep;
  const refitIds = sweep ? [sweep.detail.refits.lambdaMin, sweep.detail.refits.lambda1se].filter((id): id is string => id !== null) : [];
  // A sweep report shows its refits as the runs (its cells are summarized in the cell table).
  const shown = sweep ? data.runs.filter((r) => refitIds.includes(r.detail.id) || r.detail.role === 'refit') : data.runs;
  const details = shown.map((r) => r.detail);
  const title = sweep
    ? `Sweep report: ${sweep.detail.name}`
    : data.runs.length === 1
      ? `Run report: ${data.runs[0].detail.name}`
      : `Comparison of ${data.runs.length} runs`;
  const parts: string[] = [];
  parts.push(
    `<header><h1>${e(title)}</h1><p class="meta">Generated ${e(options.generatedAt)} by Ridgeline ${e(data.appVersion)} · ${e(
      sweep ? `sweep ${sweep.detail.id}` : data.runs.map((r) => r.detail.id).join(', '),
    )}</p></header>`,
  );

  parts.push('<h2>Data set</h2>');
  for (const { summary: ds } of data.datasets) {
    parts.push(
      table(null, [
        [`<th scope="row">name</th>`, td(ds.name)],
        [`<th scope="row">shape</th>`, td(`${ds.rows} rows × ${ds.features.length} features (target: ${ds.target})`)],
        [`<th scope="row">hash (SHA-256)</th>`, td(ds.hash)],
        [`<th scope="row">source</th>`, td(ds.source)],
        [`<th scope="row">id</th>`, td(ds.id)],
      ]),
    );
    if (ds.columns.length > 0) {
      parts.push(
        '<details open><summary>Columns</summary>',
        table(['column', 'mean', 'sd', 'min', 'max', 'missing'], ds.columns.map((c) => [td(c.name), tdn(c.mean), tdn(c.sd), tdn(c.min), tdn(c.max), tdn(c.missing)])),
        '</details>',
      );
    }
  }

  parts.push(objectiveBlock(sweep ? [sweep.detail.model] : details.map((r) => r.hyperparams.model)));

  if (details.length > 0) {
    parts.push(`<h2 class="big">${sweep ? 'Refits on all data' : 'Hyperparameters'}</h2>`);
    if (sweep) parts.push('<p>The model at λ_min and at λ_1se, refit on all the data.</p>');
    parts.push(comparisonTable(details, hyperparamRows));
    if (details.length > 1) parts.push('<p class="muted">Highlighted rows differ between runs.</p>');
    parts.push('<h2>Final metrics</h2>', comparisonTable(details, finalRows));
    for (const run of details) {
      if (run.notes.trim().length > 0 || run.tags.length > 0) {
        parts.push(`<h3>Notes · ${e(run.name)}</h3>`);
        if (run.tags.length > 0) parts.push(`<p>${run.tags.map((t) => `<span class="badge">${e(t)}</span>`).join(' ')}</p>`);
        if (run.notes.trim().length > 0) parts.push(`<p class="notes">${e(run.notes)}</p>`);
      }
    }
    const curves = objectiveSection(shown);
    if (curves) parts.push('<h2 class="big">Curves</h2>', curves);
    const validation = objectiveSection(shown, 'validationLoss');
    if (validation) parts.push(validation);
    const coefficientParts = details.map(coefficientsSection).filter((s) => s.length > 0);
    if (coefficientParts.length > 0) parts.push('<h2 class="big">Coefficients</h2>', ...coefficientParts);
  }
  if (sweep) parts.push(sweepSections(data));
  parts.push(reproBlock(data, details, options.databasePath ?? null));

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="Ridgeline ${e(data.appVersion)}">
<title>${e(title)}</title><style>${CSS}</style></head>
<body>
${parts.join('\n')}
</body></html>
`;
}
