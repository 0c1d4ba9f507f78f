// The PDF report as the CLI writes it (`ridgeline report … --format pdf`, headless Chromium): pdftotext
// finds the coefficient names, and pdftoppm renders the pages to test-results/screenshots for review.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../helpers/cli.ts';
import { fixturePath } from '../helpers/fixtures.ts';

const hasPoppler = spawnSync('pdftotext', ['-v']).error === undefined;
if (!hasPoppler) console.warn('report-pdf: pdftotext (poppler-utils) is missing; the PDF checks are skipped');

describe.skipIf(!hasPoppler)('PDF report', () => {
  it('renders a run, a selection and a sweep report to PDF with the coefficient names and page images', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridgeline-pdf-'));
    const db = join(dir, 'r.db');
    const common = ['--data', fixturePath('diabetes.csv'), '--target', 'progression', '--ignore', 'fold', '--db', db, '--json'];
    const fit = runCli(['fit', ...common, '--lambda', '0.5', '--alpha', '1', '--solver', 'fista', '--standardize', 'true', '--max-iter', '300']);
    expect(fit.status, fit.stderr).toBe(0);
    const second = runCli(['fit', ...common, '--lambda', '5', '--alpha', '1', '--solver', 'cd', '--standardize', 'true']);
    expect(second.status, second.stderr).toBe(0);
    const cv = runCli(['cv', ...common, '--alpha', '1', '--folds', '5', '--n-lambda', '30', '--pool-size', '2']);
    expect(cv.status, cv.stderr).toBe(0);
    const shots = join(REPO_ROOT, 'test-results', 'screenshots');
    mkdirSync(shots, { recursive: true });
    for (const [label, id] of [
      ['run', (JSON.parse(fit.stdout) as { runId: string }).runId],
      ['sweep', (JSON.parse(cv.stdout) as { sweepId: string }).sweepId],
      ['selection', [fit, second].map((r) => (JSON.parse(r.stdout) as { runId: string }).runId).join(',')],
    ] as const) {
      const out = join(dir, `${label}.pdf`);
      const r = runCli(['report', id, '--format', 'pdf', '--out', out, '--db', db]);
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(out).subarray(0, 5).toString()).toBe('%PDF-');
      const text = spawnSync('pdftotext', ['-layout', out, '-'], { encoding: 'utf8' });
      expect(text.status).toBe(0);
      for (const word of ['bmi', 's5', 'Reproducibility', 'npx ridgeline']) expect(text.stdout).toContain(word);
      if (label === 'sweep') expect(text.stdout).toContain('λ_min');
      const png = spawnSync('pdftoppm', ['-png', '-r', '60', out, join(shots, `report-${label}`)]);
      expect(png.status).toBe(0);
      expect(readdirSync(shots).filter((f) => f.startsWith(`report-${label}`) && f.endsWith('.png')).length).toBeGreaterThanOrEqual(label === 'selection' ? 1 : 2);
    }
  });

  it('names CHROMIUM_PATH when no Chromium is there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ridgeline-pdf-'));
    const db = join(dir, 'r.db');
    const fit = runCli(['fit', '--data', fixturePath('diabetes.csv'), '--target', 'progression', '--ignore', 'fold', '--db', db, '--json']);
    const r = runCli(['report', (JSON.parse(fit.stdout) as { runId: string }).runId, '--format', 'pdf', '--out', join(dir, 'x.pdf'), '--db', db], { CHROMIUM_PATH: join(dir, 'no-chromium') });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/CHROMIUM_PATH/);
    expect(r.stderr).toContain('[INTERNAL]');
  });
});
