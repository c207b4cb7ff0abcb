import { LEVEL_TEMPLATES } from './anchor.js';
import { frameFor, VIEW_LEVELS, type ForegroundMap, type Frame, type InstanceDetection, type InstanceSet, type View } from '@vertxnet/core';

/**
 * Constructed model outputs for tests and benchmarks: vertebral bodies as rotated rectangles
 * along a lordotic arc, with the ground truth they were drawn from.
 */

/** Sets `value` on every pixel whose centre lies in the rotated rectangle (angle in radians). */
export function drawRotatedRect(
  target: Uint8Array | Int32Array,
  width: number,
  height: number,
  rect: { cx: number; cy: number; w: number; h: number; angle: number },
  value: number,
): void {
  const { cx, cy, w, h, angle } = rect;
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const ext = Math.ceil(Math.hypot(w, h) / 2) + 1;
  for (let y = Math.max(0, Math.floor(cy - ext)); y < Math.min(height, Math.ceil(cy + ext)); y++) {
    for (let x = Math.max(0, Math.floor(cx - ext)); x < Math.min(width, Math.ceil(cx + ext)); x++) {
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const u = dx * c + dy * s;
      const v = -dx * s + dy * c;
      if (Math.abs(u) <= w / 2 && Math.abs(v) <= h / 2) target[y * width + x] = value;
    }
  }
}

export interface SyntheticBody {
  level: string;
  cx: number;
  cy: number;
  /** Depth (antero-posterior), along the rotated x axis. */
  w: number;
  /** Height (cranio-caudal). */
  h: number;
  angle: number;
}

export interface SyntheticSpineOptions {
  view: View;
  /** Frame long side. @defaultValue 512 */
  size?: number;
  /** Source size; the frame is derived from it. @defaultValue size × size */
  sourceWidth?: number;
  sourceHeight?: number;
  /** Levels drawn (a subset of the view's list, cranial first). @defaultValue all seven */
  levels?: string[];
  /** Levels present in the truth but missed by both models. */
  missing?: string[];
  /** Pairs of adjacent levels joined by a bony bridge in the U-Net output. */
  fused?: [string, string][];
  /** Whole-spine tilt in radians (positive = clockwise). @defaultValue 0 */
  tilt?: number;
  /** Lordotic bend: total change of heading along the chain, radians. @defaultValue 0.5 */
  lordosis?: number;
  /** Whether the reference gets its class (C2/S1); otherwise it is a plain 'vertebra'. @defaultValue true */
  referenceClass?: boolean;
  /** The film edge passes through the middle of the first (top) or last (bottom) drawn body. */
  cut?: 'top' | 'bottom';
  /** Bodies shaped and sized per level as the anatomical template says (anchor.ts), not all alike. */
  anatomical?: boolean;
  /** The Mask R-CNN's class list (instances.classes); absent = unknown. */
  classes?: string[];
  /** The U-Net's view and level heads, agreeing with the drawn spine (as on a film the models know). */
  heads?: boolean;
}

export interface SyntheticSpine {
  frame: Frame;
  bodies: SyntheticBody[];
  foreground: ForegroundMap;
  instances: InstanceSet;
}

export function syntheticSpine(opts: SyntheticSpineOptions): SyntheticSpine {
  const size = opts.size ?? 512;
  const frame = frameFor(opts.sourceWidth ?? size, opts.sourceHeight ?? size, size);
  const W = frame.width;
  const H = frame.height;
  const all = VIEW_LEVELS[opts.view];
  const levels = opts.levels ?? [...all];
  const n = all.length;
  const aspect = opts.view === 'lumbar' ? 1.5 : 1.15;
  const span = 0.8 * H;
  const step = span / n;
  const bh = step * 0.72;
  const lordosis = opts.lordosis ?? 0.5;
  const tilt = opts.tilt ?? 0;
  // Walk an arc from the top. A body's height axis at angle a is (-sin a, cos a); the heading turns
  // from +lordosis/2 to -lordosis/2, so the arc bulges to the left: anterior is left, as displayed.
  const bodies: SyntheticBody[] = [];
  let x = 0.5 * W;
  let y = 0.1 * H + step / 2;
  for (let i = 0; i < n; i++) {
    const heading = tilt - lordosis * (i / (n - 1) - 0.5);
    const level = all[i]!;
    if (levels.includes(level))
      bodies.push({ level, cx: x, cy: y, ...(opts.anatomical ? anatomicalBody(opts.view, level, bh) : { w: bh * aspect, h: bh }), angle: heading });
    const next = tilt - lordosis * ((i + 0.5) / (n - 1) - 0.5);
    x -= Math.sin(next) * step;
    y += Math.cos(next) * step;
  }
  // Recentre horizontally.
  const meanX = bodies.reduce((s, b) => s + b.cx, 0) / Math.max(1, bodies.length);
  for (const b of bodies) b.cx += 0.5 * W - meanX;
  if (opts.cut && bodies.length) {
    const dy = opts.cut === 'top' ? -bodies[0]!.cy : H - bodies[bodies.length - 1]!.cy;
    for (const b of bodies) b.cy += dy;
  }

  const missing = new Set(opts.missing ?? []);
  const probability = new Uint8Array(W * H);
  for (const b of bodies) if (!missing.has(b.level)) drawRotatedRect(probability, W, H, b, 230);
  for (const [a, c] of opts.fused ?? []) {
    const p = bodies.find((b) => b.level === a);
    const q = bodies.find((b) => b.level === c);
    if (!p || !q) continue;
    const len = Math.hypot(q.cx - p.cx, q.cy - p.cy);
    const angle = Math.atan2(q.cy - p.cy, q.cx - p.cx) - Math.PI / 2;
    // A bridge along the anterior edge, a third of the body deep.
    const off = -p.w * 0.35;
    drawRotatedRect(
      probability,
      W,
      H,
      { cx: (p.cx + q.cx) / 2 + off * Math.cos(angle), cy: (p.cy + q.cy) / 2 + off * Math.sin(angle), w: p.w * 0.3, h: len, angle },
      220,
    );
  }
  const reference = opts.view === 'cervical' ? 'C2' : 'S1';
  const detections: InstanceDetection[] = bodies
    .filter((b) => !missing.has(b.level))
    .map((b, i) => {
      const ext = Math.ceil(Math.hypot(b.w, b.h) / 2) + 1;
      const x0 = Math.max(0, Math.floor(b.cx - ext));
      const y0 = Math.max(0, Math.floor(b.cy - ext));
      const x1 = Math.min(W, Math.ceil(b.cx + ext));
      const y1 = Math.min(H, Math.ceil(b.cy + ext));
      const mw = x1 - x0;
      const data = new Uint8Array(mw * (y1 - y0));
      // Mask R-CNN masks are a little smaller and blunter than the bodies.
      drawRotatedRect(data, mw, y1 - y0, { ...b, cx: b.cx - x0, cy: b.cy - y0, w: b.w * 0.94, h: b.h * 0.92 }, 1);
      const isRef = b.level === reference && opts.referenceClass !== false;
      return {
        className: isRef ? reference : 'vertebra',
        score: 0.9 + 0.01 * (i % 5),
        box: [x0, y0, x1, y1],
        mask: { x: x0, y: y0, width: mw, height: y1 - y0, data },
      };
    });
  const foreground: ForegroundMap = { frame, probability, ...(opts.heads ? agreeingHeads(opts.view, frame, bodies) : {}) };
  return { frame, bodies, foreground, instances: { frame, detections, ...(opts.classes ? { classes: opts.classes } : {}) } };
}

/** A sure view head, and a level grid whose every cell names the level of the nearest drawn body. */
function agreeingHeads(view: View, frame: Frame, bodies: readonly SyntheticBody[]): Pick<ForegroundMap, 'viewScores' | 'levels'> {
  const offsets = Array.from({ length: 13 }, (_, i) => i - 3);
  const side = 32;
  const plane = side * side;
  const probability = new Float32Array(offsets.length * plane).fill(0.04 / (offsets.length - 1));
  const cell = frame.size / side;
  for (let row = 0; row < side; row++) {
    for (let col = 0; col < side; col++) {
      const x = (col + 0.5) * cell;
      const y = (row + 0.5) * cell;
      const nearest = bodies.reduce((a, b) => (Math.hypot(b.cx - x, b.cy - y) < Math.hypot(a.cx - x, a.cy - y) ? b : a));
      const c = offsets.indexOf(VIEW_LEVELS[view].indexOf(nearest.level as never));
      if (c >= 0) probability[c * plane + row * side + col] = 0.96;
    }
  }
  const other: View = view === 'cervical' ? 'lumbar' : 'cervical';
  return { viewScores: { [view]: 0.99, [other]: 0.01 } as Record<View, number>, levels: { offsets, width: side, height: side, probability } };
}

/** Depth and height of `level` from the template, scaled so that a mid-range body (C5 / L3) is `height` tall. */
function anatomicalBody(view: View, level: string, height: number): { w: number; h: number } {
  const side = (l: string) => {
    const t = LEVEL_TEMPLATES[view].find((x) => x.level === l)!;
    return { h: Math.sqrt(t.area / t.ratio), w: Math.sqrt(t.area * t.ratio) };
  };
  const mid = side(view === 'cervical' ? 'C5' : 'L3');
  const s = side(level);
  return { w: (s.w * height) / mid.h, h: (s.h * height) / mid.h };
}

/** Ground-truth label mask (VerSe codes) of the bodies at any size, drawn at that size's scale. */
export function truthLabels(spine: SyntheticSpine, width: number, height: number, codeOf: (level: string) => number): Uint8Array {
  const out = new Uint8Array(width * height);
  const sx = width / spine.frame.width;
  const sy = height / spine.frame.height;
  for (const b of spine.bodies) {
    drawRotatedRect(out, width, height, { cx: b.cx * sx, cy: b.cy * sy, w: b.w * sx, h: b.h * sy, angle: b.angle }, codeOf(b.level));
  }
  return out;
}
