// `ridgeline fit --model mlp` and `--solver sgd|adam` through the CLI (../shared/CLI.md): for mlp, no
// `coef`, and "parameters" holds the layers; the layers reproduce the engine's own fit exactly.
import { describe, expect, it } from 'vitest';
import { fit } from '../../shared/engine/fit.ts';
import { DEFAULT_FIT_OPTIONS } from '../../shared/engine/types.ts';
import { runCli } from '../helpers/cli.ts';
import { fixturePath } from '../helpers/fixtures.ts';
import { loadDesign } from './engine/loadCsv.ts';

const features = Array.from({ length: 10 }, (_, j) => `f${j + 1}`);

describe('ridgeline fit: mlp, sgd, adam', () => {
  it('--model mlp --hidden 8 --solver adam --max-iter 50 --json prints the layers as "parameters"', () => {
    const args = ['fit', '--data', fixturePath('logistic_synth.csv'), '--target', 'label', '--ignore', 'fold', '--model', 'mlp', '--hidden', '8', '--solver', 'adam', '--max-iter', '50', '--json'];
    const { status, stdout, stderr } = runCli(args);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ model: 'mlp', solver: 'adam', iterations: 50, status: 'completed', optimumObjective: null });
    expect(out.coef).toBeUndefined();
    expect(out.parameters.map((l: { inputs: number; outputs: number }) => [l.inputs, l.outputs])).toEqual([
      [10, 8],
      [8, 1],
    ]);
    const design = loadDesign('logistic_synth.csv', features, 'label');
    const { result } = fit(design, { ...DEFAULT_FIT_OPTIONS, model: 'mlp', hidden: [8], solver: 'adam', maxIter: 50 });
    expect(out.objective).toBe(result.objective);
    expect(out.parameters[0].weights).toEqual(Array.from(result.layers![0].weights));
    expect(out.parameters[1].biases).toEqual(Array.from(result.layers![1].biases));
  });

  it('--solver sgd on a logistic model prints coefficients', () => {
    const args = ['fit', '--data', fixturePath('logistic_synth.csv'), '--target', 'label', '--ignore', 'fold', '--model', 'logistic', '--lambda', '0.01', '--solver', 'sgd', '--max-iter', '20', '--tol', '0', '--json'];
    const { status, stdout } = runCli(args);
    expect(status).toBe(0);
    const out = JSON.parse(stdout);
    expect(out).toMatchObject({ model: 'logistic', solver: 'sgd', iterations: 20, status: 'completed' });
    expect(Object.keys(out.coef)).toEqual(features);
    expect(out.suboptimality).toBeGreaterThan(0);
  });
});
