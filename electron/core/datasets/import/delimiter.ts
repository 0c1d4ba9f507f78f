import { DELIMITERS, type Delimiter } from '../../../../shared/domain/datasetImport.ts';

/** Records of the sample looked at: enough to see a pattern, few enough to stay in the first 64 KiB. */
const SAMPLE_RECORDS = 50;

/**
 * The separator of a CSV file from its start: for each candidate (comma, semicolon, tab, vertical bar),
 * its count per record outside double quotes. A candidate that appears in the header and the same number
 * of times in every complete record of the sample wins; among those, the one that makes the most columns
 * (ties in the order of DELIMITERS). Failing that, the candidate most frequent in the header; a file with
 * none of them is one column, read as comma-separated. `complete` says whether the sample is the whole file
 * (otherwise its last record may be cut short and is left out).
 */
export function detectDelimiter(sample: string, complete: boolean): Delimiter {
  const counts = countPerRecord(sample.replace(/^\uFEFF/, ''), complete);
  if (counts.length === 0) return ',';
  let best: { delimiter: Delimiter; consistent: boolean; header: number } | null = null;
  for (const [k, delimiter] of DELIMITERS.entries()) {
    const header = counts[0][k];
    if (header === 0) continue;
    const consistent = counts.every((record) => record[k] === header);
    if (best === null || (consistent && !best.consistent) || (consistent === best.consistent && header > best.header)) best = { delimiter, consistent, header };
  }
  return best?.delimiter ?? ',';
}

/** Per record (blank lines skipped, at most SAMPLE_RECORDS): how often each of DELIMITERS occurs outside quotes. */
function countPerRecord(text: string, complete: boolean): number[][] {
  const records: number[][] = [];
  let current = DELIMITERS.map(() => 0);
  let inQuotes = false;
  let blank = true;
  const finish = (): void => {
    if (!blank) records.push(current);
    current = DELIMITERS.map(() => 0);
    blank = true;
  };
  for (let i = 0; i < text.length && records.length < SAMPLE_RECORDS; i++) {
    const ch = text[i];
    if (ch === '"') {
      // A doubled quote inside a quoted cell is a literal quote; either way the state toggles twice or once as it should.
      inQuotes = !inQuotes;
      blank = false;
      continue;
    }
    if (inQuotes) continue;
    if (ch === '\n' || ch === '\r') {
      finish();
      continue;
    }
    const k = DELIMITERS.indexOf(ch as Delimiter);
    if (k >= 0) current[k]++;
    if (ch !== ' ') blank = false;
  }
  // The last record counts only when the sample holds the whole file (and the record is not inside open quotes).
  if (complete && !inQuotes && records.length < SAMPLE_RECORDS) finish();
  return records;
}
