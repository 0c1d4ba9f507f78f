// Types of electron-sqlite.js, for the tests that import it.
export declare const DEFAULT_HEADERS_URL: string;

export interface ElectronSqlitePaths {
  /** The finished build; it exists only once the binding does. */
  dir: string;
  binding: string;
  /** node-gyp's output of the last build. */
  log: string;
  /** Names of scratch directories in the cache directory start with this, then the building process's pid. */
  partialPrefix: string;
}

export declare function electronSqlitePaths(cacheDir: string, electronVersion: string): ElectronSqlitePaths;
export declare function describeGypFailure(log: string): string;
export declare function displayPath(root: string, path: string): string;
export declare function gypEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
export declare function ensureElectronSqliteBinding(options: {
  root: string;
  cacheDir: string;
  electronVersion: string;
  headersUrl?: string;
  env?: NodeJS.ProcessEnv;
  onBuildStart?: (build: { log: string }) => void;
}): Promise<string>;
