const INITIAL_CAPACITY = 1024;

/**
 * The step axis of the curves (0, 1, 2, …) with room for at least `length` steps: `current` when it
 * already has that room, else a buffer of twice the capacity (amortized O(1) per step) whose known
 * prefix is copied and the rest filled by a plain loop. `Float64Array.from({ length }, (_, i) => i)`
 * took the generic iterable path, about a microsecond a step: at a few million steps one rebuild held
 * the page for seconds while a run trained, long enough for the server to cut its event stream.
 */
export function stepsUpTo(current: Float64Array<ArrayBuffer>, length: number): Float64Array<ArrayBuffer> {
  if (current.length >= length) return current;
  let capacity = Math.max(current.length, INITIAL_CAPACITY);
  while (capacity < length) capacity *= 2;
  const steps = new Float64Array(capacity);
  steps.set(current);
  for (let i = current.length; i < capacity; i++) steps[i] = i;
  return steps;
}
