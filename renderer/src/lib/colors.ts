/** A stable color per run: the same run gets the same color in every session and in every plot. */
export function runColor(runId: string): string {
  // FNV-1a, then spread the hue with the golden angle so similar ids still differ.
  let hash = 0x811c9dc5;
  for (let i = 0; i < runId.length; i++) {
    hash ^= runId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  const hue = Math.round(((hash >>> 0) * 137.508) % 360);
  return `hsl(${hue} 70% 48%)`;
}
