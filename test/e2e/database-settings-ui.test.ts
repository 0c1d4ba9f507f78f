// The database's care in the app (Settings → Database), in serve mode in Chromium: the check of a sound
// database, a backup downloaded and opened again with the same runs, and a database damaged on open,
// reported in words and recovered into a new file that then takes its place.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectPageErrors, launchChromium, SCREENSHOT_DIR } from '../helpers/browser.ts';
import { runCli, runCliAsync, startServe, type ServeProcess } from '../helpers/cli.ts';
import { storedRunIds, writeDamagedCopy, writeSoundDatabase } from '../helpers/damagedDatabase.ts';

let dir: string;
let sound: string;
let browser: Browser;
const serves: ServeProcess[] = [];

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ridgeline-db-ui-'));
  sound = join(dir, 'sound.db');
  writeSoundDatabase(sound);
  browser = await launchChromium();
}, 240_000);

afterEach(async () => {
  for (const serve of serves.splice(0)) await serve.stop();
});

afterAll(async () => {
  await browser?.close();
});

/** Serve mode on a sound or a damaged copy of the sound database, in a folder of its own. */
async function serveCopy(kind: 'sound' | 'damaged', folderName: string, extraArgs: string[] = []): Promise<{ serve: ServeProcess; db: string }> {
  const folder = join(dir, folderName);
  mkdirSync(folder);
  const db = join(folder, 'ridgeline.db');
  if (kind === 'damaged') writeDamagedCopy(sound, db);
  else expect(runCli(['db', 'backup', '--db', sound, '--out', db]).status).toBe(0);
  const serve = await startServe(db, 180_000, extraArgs);
  serves.push(serve);
  return { serve, db };
}

async function openPage(serve: ServeProcess): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1300, height: 900 }, acceptDownloads: true });
  const errors = collectPageErrors(page);
  await page.goto(serve.url);
  return { page, errors };
}

async function apiRunIds(serve: ServeProcess): Promise<string[]> {
  const response = await fetch(`${serve.origin}/api/listRuns`, { method: 'POST', headers: { Authorization: `Bearer ${serve.token}` }, body: '{}' });
  const body = (await response.json()) as { ok: boolean; value: { id: string }[] };
  expect(body.ok).toBe(true);
  return body.value.map((r) => r.id).sort();
}

describe('Settings → Database on a sound database', () => {
  it('checks it and reports it sound, in words', async () => {
    const { serve, db } = await serveCopy('sound', 'check');
    const { page, errors } = await openPage(serve);
    await page.getByRole('tab', { name: 'Settings' }).click();
    // The path arrives with the database's description, after the tab opens.
    await expect.poll(() => page.locator('[data-testid="database-path"]').textContent()).toBe(db);
    await page.locator('[data-testid="database-check"]').click();
    const result = page.locator('[data-testid="database-check-result"]');
    await expect.poll(() => result.getAttribute('data-ok')).toBe('true');
    expect(await result.textContent()).toMatch(new RegExp(`No problems found: ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is sound \\([\\d,.]+ (KB|MB), schema version \\d+\\)`));
    await page.close();
    expect(errors).toEqual([]);
  });

  it('backs it up as a download that opens with the same runs, writing nothing beside the database', async () => {
    const { serve, db } = await serveCopy('sound', 'backup');
    const { page, errors } = await openPage(serve);
    await page.getByRole('tab', { name: 'Settings' }).click();
    const beside = readdirSync(dirname(db)).filter((f) => !f.startsWith(basename(db)));
    const downloading = page.waitForEvent('download');
    await page.locator('[data-testid="database-backup"]').click();
    const download = await downloading;
    expect(download.suggestedFilename()).toMatch(/^ridgeline-backup-\d{8}-\d{6}\.db$/);
    const saved = join(dir, 'downloaded.db');
    await download.saveAs(saved);
    await expect.poll(() => page.locator('[data-testid="database-backup-result"]').textContent()).toMatch(new RegExp(`Downloaded ${download.suggestedFilename().replace('.', '\\.')} \\(`));

    expect(runCli(['db', 'check', '--db', saved]).status).toBe(0);
    const runIds = await apiRunIds(serve);
    expect(runIds.length).toBe(4);
    expect(storedRunIds(saved)).toEqual(runIds);
    // The copy was made in a temporary folder and sent: nothing new beside the database.
    expect(readdirSync(dirname(db)).filter((f) => !f.startsWith(basename(db)))).toEqual(beside);
    await page.close();
    expect(errors).toEqual([]);
  });
});

describe('a database damaged on open', () => {
  it('is refused by `ridgeline serve` without --offer-recovery, with one line, as by every command', async () => {
    const damaged = join(dir, 'refused.db');
    writeDamagedCopy(sound, damaged);
    const before = sha(damaged);
    const result = await runCliAsync(['serve', '--port', '0', '--db', damaged]);
    expect(result.status).toBe(1);
    expect(result.stdout).not.toContain('Ridgeline serving at');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`the database ${damaged} is damaged`);
    expect(sha(damaged)).toBe(before);
  });

  it('is reported in words with its check, recovered into a new file, and replaced by it on confirmation', async () => {
    const { serve, db } = await serveCopy('damaged', 'damaged', ['--offer-recovery']);
    const damagedSha = sha(db);
    const { page, errors } = await openPage(serve);

    // Told in words, in place of the workbench.
    const damage = page.locator('[data-testid="database-damage"]');
    await damage.waitFor();
    expect(await damage.textContent()).toContain('Ridgeline cannot use this database: it is damaged.');
    expect(await damage.textContent()).toContain(`the database ${db} is damaged`);
    expect(await page.locator('[data-testid="run-row"]').count()).toBe(0);
    expect(await page.locator('[data-testid="database-backup"]').isDisabled()).toBe(true);

    await page.locator('[data-testid="database-check"]').click();
    const check = page.locator('[data-testid="database-check-result"]');
    await expect.poll(() => check.getAttribute('data-ok')).toBe('false');
    expect(await check.textContent()).toMatch(/SQLite found \d+ problems? (or more )?in /);
    expect(await check.locator('li').count()).toBeGreaterThan(0);

    await page.locator('[data-testid="database-recover"]').click();
    const recoveredPath = page.locator('[data-testid="database-recovered-path"]');
    await recoveredPath.waitFor({ timeout: 60_000 });
    const out = (await recoveredPath.textContent())!;
    // A new file beside the database, named so; the database itself untouched.
    expect(dirname(out)).toBe(dirname(db));
    expect(basename(out)).toMatch(/^ridgeline-recovered-\d{8}-\d{6}\.db$/);
    expect(runCli(['db', 'check', '--db', out]).status).toBe(0);
    const recoveredIds = storedRunIds(out);
    expect(recoveredIds.length).toBeGreaterThan(0);
    expect(recoveredIds.every((id) => storedRunIds(sound).includes(id))).toBe(true);
    const summary = await page.locator('[data-testid="database-recovery-result"]').textContent();
    expect(summary).toContain(`Recovered ${recoveredIds.length} run${recoveredIds.length === 1 ? '' : 's'}`);
    expect(summary).toContain('The database itself was not changed.');
    expect(sha(db)).toBe(damagedSha);
    await page.screenshot({ path: `${SCREENSHOT_DIR}/database-recovered.png` });

    // Replacing the database asks first.
    await page.locator('[data-testid="database-open-recovered"]').click();
    await page.locator('[data-testid="database-open-confirm"]').waitFor();
    expect(existsSync(out)).toBe(true);
    await page.locator('[data-testid="database-open-recovered"]').click();
    const switched = page.locator('[data-testid="database-switched"]');
    await switched.waitFor({ timeout: 60_000 });
    const keptAt = (await switched.locator('code').textContent())!;
    expect(basename(keptAt)).toMatch(/^ridgeline-replaced-\d{8}-\d{6}\.db$/);
    expect(sha(keptAt)).toBe(damagedSha);
    expect(existsSync(out)).toBe(false);
    expect(await apiRunIds(serve)).toEqual(recoveredIds);

    // The workbench opens on the recovered runs.
    await page.locator('[data-testid="database-reload"]').click();
    await page.locator('[data-testid="run-row"]').first().waitFor();
    expect((await page.locator('[data-testid="run-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')))).sort()).toEqual(recoveredIds);
    await page.close();
    expect(errors).toEqual([]);
  }, 180_000);
});
