// electron-builder.yml (issue 11), checked offline the way `electron-builder` itself checks it before
// packaging: app-builder-lib's Packager.validateConfig() loads the file, merges the options, checks
// package.json (name, version, no electron in "dependencies") and validates the result against the
// JSON schema shipped with electron-builder (scheme.json). Packaging itself needs the network
// (Electron's binary and headers), so it is not attempted here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Packager, type Configuration, type TargetConfiguration } from 'app-builder-lib';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';

const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;

/** The configuration electron-builder would build with, after its own checks; throws what it would report. */
async function validated(overrides?: Configuration): Promise<Packager> {
  const packager = new Packager({ projectDir: REPO_ROOT, config: overrides });
  await packager.validateConfig();
  return packager;
}

let accepted: Promise<Packager> | undefined;
/** The repository's configuration, validated once. */
const repositoryConfiguration = (): Promise<Packager> => (accepted ??= validated());

function targetNames(target: string | TargetConfiguration | Array<string | TargetConfiguration> | null | undefined): string[] {
  const list = target == null ? [] : Array.isArray(target) ? target : [target];
  return list.map((entry) => (typeof entry === 'string' ? entry : entry.target));
}

function patterns(value: unknown): string[] {
  const list = value == null ? [] : Array.isArray(value) ? value : [value];
  // electron-builder normalizes `files` to file sets ({ filter: [...] }); asarUnpack stays strings.
  return list.flatMap((entry) => (typeof entry === 'string' ? [entry] : patterns((entry as { filter?: unknown }).filter)));
}

describe('electron-builder configuration', () => {
  it('is read from electron-builder.yml (a "build" key in package.json would take its place silently)', () => {
    expect(packageJson).not.toHaveProperty('build');
  });

  it("passes electron-builder's own validation, with the app id, name and targets of the issue", async () => {
    const { config, metadata } = await repositoryConfiguration();
    expect(config.appId).toBe('dev.ridgeline.workbench');
    expect(config.productName).toBe('Ridgeline');
    expect(targetNames(config.linux?.target)).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(targetNames(config.mac?.target)).toContain('dmg');
    expect(targetNames(config.win?.target)).toContain('nsis');
    // deb fails at build time without a homepage and a maintainer (app-builder-lib's FpmTarget);
    // the schema cannot say so.
    expect(metadata.homepage).toMatch(/^https?:\/\//);
    expect(config.linux?.maintainer ?? config.deb?.maintainer).toBeTruthy();
  });

  it('packages what electron-vite built, with better-sqlite3 outside the asar and rebuilt for Electron', async () => {
    const { config } = await repositoryConfiguration();
    const files = patterns(config.files);
    expect(files).toContain('out/**');
    // Only out/ (package.json and the production dependencies are added by electron-builder itself).
    expect(files.filter((pattern) => !pattern.startsWith('!')).every((pattern) => pattern.startsWith('out/'))).toBe(true);
    expect(String(packageJson.main)).toMatch(/^out\//);
    expect(config.asar).not.toBe(false);
    expect(patterns(config.asarUnpack).some((pattern) => pattern.includes('node_modules/better-sqlite3/'))).toBe(true);
    expect(config.npmRebuild).not.toBe(false);
    expect(packageJson.dependencies).toHaveProperty('better-sqlite3');
  });

  it('rejects an unknown option, a misspelt one and a wrong type (the validation can fail)', async () => {
    await expect(validated({ notAnOption: true } as Configuration)).rejects.toThrow(/unknown property 'notAnOption'/);
    await expect(validated({ linux: { targets: ['deb'] } } as Configuration)).rejects.toThrow(/linux has an unknown property 'targets'/);
    await expect(validated({ npmRebuild: 'sometimes' } as unknown as Configuration)).rejects.toThrow(/npmRebuild should be a boolean/);
    await expect(validated({ asarUnpack: { 'better-sqlite3': true } } as unknown as Configuration)).rejects.toThrow(/asarUnpack should be one of these/);
  });
});
