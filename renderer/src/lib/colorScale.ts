/** Viridis (matplotlib's perceptually uniform map), sampled at ten stops: readable on light and dark. */
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b', '#fde725'].map(
  (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)),
);

/** The color at t ∈ [0, 1] (clamped); NaN gives a neutral grey. */
export function viridis(t: number): string {
  if (!Number.isFinite(t)) return '#8a8f98';
  const x = Math.min(Math.max(t, 0), 1) * (VIRIDIS.length - 1);
  const i = Math.min(Math.floor(x), VIRIDIS.length - 2);
  const f = x - i;
  const [a, b] = [VIRIDIS[i], VIRIDIS[i + 1]];
  const c = a.map((v, k) => Math.round(v + (b[k] - v) * f));
  return `rgb(${c[0]} ${c[1]} ${c[2]})`;
}

/** A CSS gradient of the map, for legends. */
export function viridisGradient(direction = 'to right'): string {
  const stops = Array.from({ length: 11 }, (_, k) => `${viridis(k / 10)} ${k * 10}%`);
  return `linear-gradient(${direction}, ${stops.join(', ')})`;
}
