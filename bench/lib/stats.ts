/** Small statistics: percentiles of samples, and median with min and max of repetitions. */

/** Nearest-rank percentile of the first `n` values (sorts a copy). */
export function percentiles(values: Float64Array, n: number, ps: readonly number[]): (number | null)[] {
  if (n === 0) return ps.map(() => null);
  const sorted = values.slice(0, n).sort();
  return ps.map((p) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))] as number);
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function spread(values: readonly (number | null | undefined)[]): Spread | null {
  const xs = values
    .filter((v): v is number => typeof v === 'number' && Number.isFinite(v))
    .sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = xs.length >> 1;
  const median = xs.length % 2 ? (xs[mid] as number) : ((xs[mid - 1] as number) + (xs[mid] as number)) / 2;
  return { median, min: xs[0] as number, max: xs[xs.length - 1] as number, n: xs.length };
}

/** A growable Float64Array of samples. */
export class Samples {
  values = new Float64Array(1024);
  n = 0;

  push(value: number): void {
    if (this.n === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.n++] = value;
  }

  reset(): void {
    this.n = 0;
  }

  percentiles(ps: readonly number[]): (number | null)[] {
    return percentiles(this.values, this.n, ps);
  }
}
