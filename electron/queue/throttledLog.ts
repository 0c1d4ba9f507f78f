/**
 * A logger that repeats a line at most once per `intervalMs` (a Redis outage makes every client
 * report the same error many times a second), saying how many it held back.
 */
export function throttledLog(log: (line: string) => void, intervalMs: number): (line: string) => void {
  const last = new Map<string, { at: number; held: number }>();
  return (line) => {
    const now = Date.now();
    const seen = last.get(line);
    if (seen && now - seen.at < intervalMs) {
      seen.held++;
      return;
    }
    log(seen && seen.held > 0 ? `${line} (and ${seen.held} more like it)` : line);
    last.set(line, { at: now, held: 0 });
  };
}
