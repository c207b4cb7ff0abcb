/**
 * Fitting and judging a calibration: L2-penalised logistic regression by Newton's method (IRLS),
 * the expected calibration error and the reliability table, and the needs-review threshold.
 */

export interface FitOptions {
  /** L2 penalty on every weight but the bias: keeps weights finite when a flag separates the data. @defaultValue 1 */
  l2?: number;
  /** @defaultValue 50 */
  iterations?: number;
}

/** Weights w maximising Σ log-likelihood − l2/2·|w without bias|², for rows x (first column the bias) and outcomes y. */
export function fitLogistic(x: readonly (readonly number[])[], y: readonly boolean[], options: FitOptions = {}): number[] {
  const l2 = options.l2 ?? 1;
  const d = x[0]?.length ?? 0;
  if (x.length !== y.length || d === 0) throw new Error(`fitLogistic: ${x.length} rows, ${y.length} outcomes, ${d} features`);
  const w = new Array<number>(d).fill(0);
  for (let it = 0; it < (options.iterations ?? 50); it++) {
    const g = new Array<number>(d).fill(0);
    const h = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let n = 0; n < x.length; n++) {
      const row = x[n]!;
      let z = 0;
      for (let j = 0; j < d; j++) z += w[j]! * row[j]!;
      const p = 1 / (1 + Math.exp(-z));
      const r = (y[n] ? 1 : 0) - p;
      const s = Math.max(p * (1 - p), 1e-9);
      for (let j = 0; j < d; j++) {
        g[j]! += r * row[j]!;
        for (let k = 0; k < d; k++) h[j]![k]! += s * row[j]! * row[k]!;
      }
    }
    for (let j = 1; j < d; j++) {
      g[j]! -= l2 * w[j]!;
      h[j]![j]! += l2;
    }
    h[0]![0]! += 1e-9;
    const step = solve(h, g);
    let size = 0;
    for (let j = 0; j < d; j++) {
      w[j]! += step[j]!;
      size = Math.max(size, Math.abs(step[j]!));
    }
    if (size < 1e-10) break;
  }
  return w;
}

/** Gaussian elimination with partial pivoting: a·x = b (a symmetric positive definite here). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[p]![c]!)) p = r;
    [m[c], m[p]] = [m[p]!, m[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let k = r + 1; k < n; k++) s -= m[r]![k]! * out[k]!;
    out[r] = s / m[r]![r]!;
  }
  return out;
}

export interface ReliabilityBin {
  /** [from, to): the last bin includes 1. */
  from: number;
  to: number;
  count: number;
  meanProbability: number;
  /** Share of the bin's cases that were right. */
  accuracy: number;
}

/** Equal-width bins of the predicted probability (empty bins kept with count 0). */
export function reliabilityBins(p: readonly number[], y: readonly boolean[], bins = 10): ReliabilityBin[] {
  const out = Array.from({ length: bins }, (_, b) => ({ from: b / bins, to: (b + 1) / bins, count: 0, sumP: 0, right: 0 }));
  p.forEach((v, i) => {
    const bin = out[Math.min(bins - 1, Math.max(0, Math.floor(v * bins)))]!;
    bin.count++;
    bin.sumP += v;
    if (y[i]) bin.right++;
  });
  return out.map(({ from, to, count, sumP, right }) => ({ from, to, count, meanProbability: count ? sumP / count : 0, accuracy: count ? right / count : 0 }));
}

/** Expected calibration error: Σ over bins of (bin share) × |accuracy − mean probability|. */
export function expectedCalibrationError(p: readonly number[], y: readonly boolean[], bins = 10): number {
  if (p.length === 0) return 0;
  return reliabilityBins(p, y, bins).reduce((s, b) => s + (b.count / p.length) * Math.abs(b.accuracy - b.meanProbability), 0);
}

export interface ThresholdRow {
  threshold: number;
  /** Share of cases with p < threshold (flagged). */
  flagged: number;
  /** Among cases with p ≥ threshold: share right (1 when none). */
  unflaggedRight: number;
  unflagged: number;
}

export function thresholdTable(p: readonly number[], y: readonly boolean[], thresholds: readonly number[]): ThresholdRow[] {
  return thresholds.map((t) => {
    let kept = 0;
    let right = 0;
    p.forEach((v, i) => {
      if (v < t) return;
      kept++;
      if (y[i]) right++;
    });
    return { threshold: t, flagged: p.length ? (p.length - kept) / p.length : 0, unflaggedRight: kept ? right / kept : 1, unflagged: kept };
  });
}

export interface ThresholdGoal {
  /** Among cases at or above the threshold, at least this share right, in every set. */
  minUnflaggedRight: number;
  /** At most this share of each set's cases below the threshold. */
  maxFlagged: number;
}

/**
 * The highest threshold of the grid that every set meets both goals at: as cautious as the flag
 * budget allows, since a style never fitted on has lower probabilities and more wrong films to
 * catch. When none meets both, precision wins: the lowest threshold keeping `minUnflaggedRight`
 * in every set (the highest of the grid if none does). Each set on its own, not pooled, so that
 * one easy set cannot carry a hard one.
 */
export function chooseThreshold(sets: readonly { p: readonly number[]; y: readonly boolean[] }[], grid: readonly number[], goal: ThresholdGoal): number {
  const sorted = [...grid].sort((a, b) => a - b);
  const rows = (t: number) => sets.map((s) => thresholdTable(s.p, s.y, [t])[0]!);
  const precise = sorted.filter((t) => rows(t).every((r) => r.unflaggedRight >= goal.minUnflaggedRight));
  const both = precise.filter((t) => rows(t).every((r) => r.flagged <= goal.maxFlagged));
  return both.at(-1) ?? precise[0] ?? sorted.at(-1)!;
}
