// `npm run lint:electron`: Electronegativity, the Electron security checklist tool, over electron/ (or
// the folder given), offline. Every finding must be one reviewed in electron/security-review.json
// (check + file, with the reason it is kept); a new finding, or a reviewed one that no longer occurs,
// fails with one line each. Exit 0 when they match, 1 when not, 2 when the tool could not run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const input = resolve(process.argv[2] ?? join(root, 'electron'));
const reviewFile = resolve(process.argv[3] ?? join(root, 'electron', 'security-review.json'));
const review = JSON.parse(readFileSync(reviewFile, 'utf8'));
const cli = createRequire(import.meta.url).resolve('@doyensec/electronegativity/dist/index.js');

/**
 * The findings of the SARIF report: { check, file, location, description }. (The tool's CSV output is
 * written by two racing asynchronous writes, its header and its rows, so it can come out truncated;
 * SARIF is one write.)
 */
function parseSarif(text) {
  const results = JSON.parse(text).runs?.[0]?.results ?? [];
  return results.map((result) => {
    const where = result.locations?.[0]?.physicalLocation ?? {};
    const uri = where.artifactLocation?.uri ?? 'N/A';
    const file = uri === 'file:///' || uri === 'N/A' ? 'N/A' : relative(root, uri.replace(/^file:\/\//, ''));
    return { check: result.ruleId, file, location: `${where.region?.startLine ?? 0}:${where.region?.startColumn ?? 0}`, description: result.message?.text ?? '' };
  });
}

const dir = mkdtempSync(join(tmpdir(), 'ridgeline-eneg-'));
try {
  const out = join(dir, 'findings.sarif');
  const excluded = Object.keys(review.excludedChecks ?? {});
  const result = spawnSync(process.execPath, [cli, '-i', input, '-e', review.electronVersion, ...(excluded.length ? ['-x', excluded.join(',')] : []), '-o', out], { encoding: 'utf8' });
  let text;
  try {
    text = readFileSync(out, 'utf8');
  } catch {
    console.error(`lint:electron: Electronegativity did not run (exit ${result.status}): ${(result.stderr || result.stdout).trim().split('\n').pop()}`);
    process.exit(2);
  }
  let findings;
  try {
    findings = parseSarif(text);
  } catch (error) {
    console.error(`lint:electron: Electronegativity's report could not be read (${error.message})`);
    process.exit(2);
  }
  const key = (f) => `${f.check} ${f.file}`;
  const reviewed = new Set(review.reviewed.map(key));
  const found = new Set(findings.map(key));
  const fresh = findings.filter((f) => !reviewed.has(key(f)));
  const stale = review.reviewed.filter((r) => !found.has(key(r)));
  for (const f of fresh) console.error(`lint:electron: new finding ${f.check} at ${f.file}:${f.location}: ${f.description}`);
  for (const r of stale) console.error(`lint:electron: reviewed finding ${r.check} in ${r.file} no longer occurs: remove it from ${relative(root, reviewFile)}`);
  if (fresh.length > 0 || stale.length > 0) process.exit(1);
  console.log(`lint:electron ok: ${findings.length} finding(s), each reviewed in ${relative(root, reviewFile)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
