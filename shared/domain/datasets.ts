export interface DatasetSummary {
  id: string;
  name: string;
  /** Where the data come from, with a citation for real data. */
  source: string;
  rows: number;
  features: readonly string[];
  target: string;
  /** SHA-256 of the stored values (hex). */
  hash: string;
  builtin: boolean;
  createdAt: string;
}
