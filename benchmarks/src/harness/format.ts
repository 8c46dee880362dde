/** Formats a duration given in nanoseconds with a unit that keeps 3 significant digits. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return 'n/a';
  if (ns < 1_000) return `${ns.toFixed(0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toPrecision(3)} µs`;
  if (ns < 1_000_000_000) return `${(ns / 1_000_000).toPrecision(3)} ms`;
  return `${(ns / 1_000_000_000).toPrecision(3)} s`;
}

/** Formats a ratio as `1.23x`; `n/a` when either side is missing. */
export function formatRatio(value: number, reference: number): string {
  const ratio = value / reference;
  if (!Number.isFinite(ratio)) return 'n/a';
  return ratio >= 100 ? `${ratio.toFixed(0)}x` : `${ratio.toPrecision(3)}x`;
}

/** Formats a rate (events per second) with thousands separators. */
export function formatRate(perSecond: number): string {
  return Number.isFinite(perSecond) ? `${Math.round(perSecond).toLocaleString('en-US')}/s` : 'n/a';
}

/** Formats a byte count. */
export function formatBytes(bytes: number): string {
  return Number.isFinite(bytes) ? `${bytes.toFixed(0)} B` : 'n/a';
}

/** Formats a fraction as a percentage with no decimals, prefixed with ±. */
export function formatSpread(fraction: number): string {
  return Number.isFinite(fraction) ? `±${(fraction * 50).toFixed(0)}%` : '';
}

/** Formats a number with thousands separators and `fractionDigits` decimals; `n/a` when not finite. */
export function formatNumber(value: number, fractionDigits = 0): string {
  return Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }) : 'n/a';
}
