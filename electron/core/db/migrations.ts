/**
 * Numbered migrations; PRAGMA user_version holds the last one applied. Append only: a released
 * migration never changes, a new schema is a new number.
 */
export interface Migration {
  version: number;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE datasets (
        id            TEXT PRIMARY KEY,
        name          TEXT NOT NULL,
        source        TEXT NOT NULL,
        target        TEXT NOT NULL,
        feature_names TEXT NOT NULL,          -- JSON array, in column order
        rows          INTEGER NOT NULL,
        cols          INTEGER NOT NULL,
        x             BLOB NOT NULL,          -- Float64, row-major rows×cols
        y             BLOB NOT NULL,          -- Float64, rows
        hash          TEXT NOT NULL,          -- SHA-256 of names and values
        builtin       INTEGER NOT NULL DEFAULT 0,
        created_at    TEXT NOT NULL
      ) STRICT;
      CREATE INDEX datasets_hash ON datasets(hash);

      -- Every process that writes runs registers here and beats a heartbeat, so the next process to
      -- open the database can tell a dead owner (its runs become 'interrupted') from a live one.
      CREATE TABLE sessions (
        id           TEXT PRIMARY KEY,
        pid          INTEGER NOT NULL,
        host         TEXT NOT NULL,
        kind         TEXT NOT NULL,
        started_at   TEXT NOT NULL,
        heartbeat_at INTEGER NOT NULL         -- ms since epoch
      ) STRICT;

      CREATE TABLE runs (
        id                TEXT PRIMARY KEY,
        name              TEXT NOT NULL,
        dataset_id        TEXT NOT NULL REFERENCES datasets(id),
        dataset_hash      TEXT NOT NULL,
        status            TEXT NOT NULL CHECK (status IN ('queued','running','completed','diverged','failed','cancelled','interrupted')),
        status_reason     TEXT,
        model             TEXT NOT NULL,
        solver            TEXT NOT NULL,
        resolved_solver   TEXT,
        lambda            REAL NOT NULL,
        alpha             REAL NOT NULL,
        seed              INTEGER NOT NULL,
        hyperparams       TEXT NOT NULL,      -- JSON, the validated Hyperparams
        app_version       TEXT NOT NULL,
        owner_session     TEXT,
        sweep_id          TEXT,
        created_at        TEXT NOT NULL,
        started_at        TEXT,
        finished_at       TEXT,
        load_ms           REAL,
        fit_ms            REAL,
        iterations        INTEGER NOT NULL DEFAULT 0,
        converged         INTEGER,
        final_objective   REAL,
        final_data_loss   REAL,
        final_penalty     REAL,
        final_nonzero     REAL,
        optimum_objective REAL,
        max_stable_step   REAL
      ) STRICT;
      CREATE INDEX runs_status ON runs(status);
      CREATE INDEX runs_created ON runs(created_at);

      -- Per-step metrics, written while a run trains, one block per progress batch: columns packed
      -- one after another (METRIC_NAMES order) as Float64.
      CREATE TABLE run_metric_blocks (
        run_id     TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        first_step INTEGER NOT NULL,
        step_count INTEGER NOT NULL,
        metrics    TEXT NOT NULL,             -- JSON array of the metric names in the block
        data       BLOB NOT NULL,
        PRIMARY KEY (run_id, first_step)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE run_parameters (
        run_id  TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        ordinal INTEGER NOT NULL,
        name    TEXT NOT NULL,
        value   REAL NOT NULL,
        PRIMARY KEY (run_id, ordinal)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE sweeps (
        id             TEXT PRIMARY KEY,
        name           TEXT NOT NULL,
        dataset_id     TEXT NOT NULL REFERENCES datasets(id),
        status         TEXT NOT NULL CHECK (status IN ('queued','running','completed','interrupted','failed','cancelled')),
        status_reason  TEXT,
        spec           TEXT NOT NULL,         -- JSON, the validated SweepSpec (without foldIds)
        measure        TEXT NOT NULL,
        lambdas        BLOB NOT NULL,         -- Float64, alphas × nLambda, the grid of each α
        n_lambda       INTEGER NOT NULL,
        folds          BLOB NOT NULL,         -- Int32, repeats × rows: the fold of each row
        cells_total    INTEGER NOT NULL,
        cells_done     INTEGER NOT NULL DEFAULT 0,
        owner_session  TEXT,
        app_version    TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        started_at     TEXT,
        finished_at    TEXT,
        elapsed_ms     REAL NOT NULL DEFAULT 0, -- summed over executions (a resumed sweep adds up)
        result         TEXT                   -- JSON per α: cvm, cvsd, λ_min, λ_1se (when complete)
      ) STRICT;
      CREATE INDEX sweeps_status ON sweeps(status);

      -- One row per cell: a fold's λ path (kind 'fold') or the path on all data (kind 'full').
      -- A completed cell's results are written in the same transaction that marks it completed.
      CREATE TABLE sweep_cells (
        sweep_id    TEXT NOT NULL REFERENCES sweeps(id) ON DELETE CASCADE,
        cell_index  INTEGER NOT NULL,
        kind        TEXT NOT NULL CHECK (kind IN ('fold','full')),
        repeat      INTEGER NOT NULL,
        fold        INTEGER NOT NULL,
        config_index INTEGER NOT NULL,        -- which α × grid configuration (SweepDetail.configs)
        status      TEXT NOT NULL CHECK (status IN ('pending','running','completed','failed')),
        attempts    INTEGER NOT NULL DEFAULT 0,
        error       TEXT,
        run_id      TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
        size        INTEGER,                  -- rows held out (fold cells)
        errors      BLOB,                     -- Float64 per λ (fold cells)
        nonzero     BLOB,                     -- Float64 per λ
        intercepts  BLOB,                     -- Float64 per λ (full cells)
        coefs       BLOB,                     -- Float64 λ × p (full cells)
        fit_ms      REAL,
        PRIMARY KEY (sweep_id, cell_index)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    sql: `
      -- Summary statistics of each stored column (JSON array of StoredColumn), and how the data set
      -- was imported (JSON: file name, bytes, rows read and dropped, missing policy, target coding).
      ALTER TABLE datasets ADD COLUMN columns TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE datasets ADD COLUMN import_details TEXT;
    `,
  },
  {
    version: 4,
    sql: `
      -- What a run is for: trained on its own ('run'), one cell of a sweep ('cell'), or a sweep's refit
      -- ('refit'). Lists hide cells by default: a sweep can have hundreds.
      ALTER TABLE runs ADD COLUMN role TEXT NOT NULL DEFAULT 'run' CHECK (role IN ('run', 'cell', 'refit'));
      UPDATE runs SET role = 'cell' WHERE sweep_id IS NOT NULL AND id IN (SELECT run_id FROM sweep_cells);
      UPDATE runs SET role = 'refit' WHERE sweep_id IS NOT NULL AND role = 'run';
    `,
  },
  {
    version: 5,
    sql: `
      -- What people add to runs: tags (JSON array), notes, archiving; and soft deletion, so a delete
      -- can be undone until the deleted runs are purged (at the next start of a process).
      ALTER TABLE runs ADD COLUMN tags TEXT NOT NULL DEFAULT '[]';
      ALTER TABLE runs ADD COLUMN notes TEXT NOT NULL DEFAULT '';
      ALTER TABLE runs ADD COLUMN archived INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN deleted_at TEXT;
      CREATE INDEX runs_deleted ON runs(deleted_at);
    `,
  },
  {
    version: 6,
    sql: `
      -- A data set's design stored in blocks of whole rows (~4 MB each) instead of one blob: SQLite copies
      -- a bound blob, and again into the row's record, which doubled the peak memory of a 200 MB import.
      -- Data sets stored from now on keep datasets.x empty; older ones keep x inline and have no blocks.
      CREATE TABLE dataset_blocks (
        dataset_id TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
        block      INTEGER NOT NULL,        -- 0, 1, … in row order
        x          BLOB NOT NULL,           -- Float64, row-major, whole rows
        PRIMARY KEY (dataset_id, block)
      ) STRICT;
    `,
  },
  {
    version: 7,
    sql: `
      -- The data loss on a run's test rows (hyperparams.testFraction), measured once on its final parameters.
      ALTER TABLE runs ADD COLUMN final_test_loss REAL;
    `,
  },
  {
    version: 8,
    sql: `
      -- Built-in data sets belong to the app: one creation time in every database (BUILTIN_CREATED_AT in
      -- datasetsStore.ts), so reports about them do not depend on when a database was made.
      UPDATE datasets SET created_at = '1970-01-01T00:00:00.000Z' WHERE builtin = 1;
    `,
  },
  {
    version: 9,
    sql: `
      -- The owning process's start time (Linux: /proc/PID/stat field 22), so a session whose pid was
      -- reused by another process, or whose process is a zombie, is known dead at once (processLiveness.ts).
      ALTER TABLE sessions ADD COLUMN pid_start TEXT;
    `,
  },
  {
    version: 10,
    sql: `
      -- When the sweep's current execution started (ms since the epoch), NULL unless it is running: a
      -- running sweep's elapsed time is elapsed_ms (earlier executions) plus the time since then, so it
      -- grows live for every process that reads it, and a resumed sweep does not count the pause.
      ALTER TABLE sweeps ADD COLUMN running_since REAL;
    `,
  },
  {
    version: 11,
    sql: `
      -- The queue worker that trained a cell (JSON {worker, engineHash, v8}); NULL when this machine's
      -- pool did. A sweep's results are only ever mixed from one engine build and one V8 version.
      ALTER TABLE sweep_cells ADD COLUMN computed_by TEXT;
    `,
  },
  {
    version: 12,
    sql: `
      -- The runs table reads windows of rows (runsPage.ts). A narrow covering index of what the counts
      -- and the common filters read lets them scan it (a few MB at 100,000 runs) instead of the table
      -- (~70 MB there); the default order (newest first) walks runs_created, which now also holds what the
      -- table's toggles test, and stops after one window (or skips to a deep one without reading rows).
      CREATE INDEX runs_table ON runs(deleted_at, role, archived, model, lambda, alpha, status, solver, created_at, id);
      DROP INDEX runs_created;
      CREATE INDEX runs_created ON runs(created_at, id, deleted_at, role, archived);
    `,
  },
  {
    version: 13,
    sql: `
      -- The validation loss at the last step (hyperparams.validationFraction > 0), for the runs table's
      -- column, filter and sort. Runs finished before this version keep NULL (their history has it).
      ALTER TABLE runs ADD COLUMN final_validation_loss REAL;
    `,
  },
  {
    version: 14,
    sql: `
      -- Sorting the runs table by λ (the order a regularization study reads in) walks this index and
      -- stops after one window, in either direction, instead of sorting every run (runsPage.ts).
      CREATE INDEX runs_lambda ON runs(lambda, created_at, id, deleted_at, role, archived);
    `,
  },
  {
    version: 15,
    sql: `
      -- A deleted data set leaves the lists (and can be restored): its runs and sweeps keep reading it.
      ALTER TABLE datasets ADD COLUMN deleted_at TEXT;
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
