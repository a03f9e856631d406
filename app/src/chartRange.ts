// The charts' y range, kept apart from the chart component so it can be tested without a DOM.
/** The y range: the data's, widened to at least four steps of the last shown digit, centred. */
export function padRange(min: number, max: number, digits: number): [number, number] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  const minSpan = 4 * 10 ** -digits;
  const span = Math.max(max - min, minSpan);
  const pad = span * 0.1;
  const lo = span === minSpan ? (min + max) / 2 - span / 2 : min - pad;
  const hi = span === minSpan ? (min + max) / 2 + span / 2 : max + pad;
  return [min >= 0 && lo < 0 ? 0 : lo, hi];
}
