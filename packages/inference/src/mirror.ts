import type { ForegroundMap, Frame, InstanceDetection, LevelGrid } from '@vertxnet/core';

/*
 * Test-time mirroring: a model whose manifest sets `mirrorPass` also runs on the film mirrored
 * left-right, and the two answers are combined so that the combination does not depend on which
 * way the film faces: a mirrored film gets exactly the mirrored outputs. Real films face either
 * way, and a model trained on one generator's films is not mirror-symmetric on others.
 */

/** A row-major 8-bit image mirrored left-right. */
export function mirrorImage(gray8: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(gray8.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) out[row + x] = gray8[row + width - 1 - x]!;
  }
  return out;
}

/**
 * The mean of a foreground map (content region, frame.width × frame.height, 0–255) and the map of
 * the mirrored film mirrored back. Symmetric in its two arguments, so exact under mirroring.
 */
export function averageMirrored(map: Uint8Array, mirroredMap: Uint8Array, frame: Frame): Uint8Array {
  const { width, height } = frame;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) out[row + x] = (map[row + x]! + mirroredMap[row + width - 1 - x]! + 1) >> 1;
  }
  return out;
}

/** Detections of the mirrored film, mirrored back into the film's frame. */
export function mirrorDetections(detections: readonly InstanceDetection[], frame: Frame): InstanceDetection[] {
  const W = frame.width;
  return detections.map((d) => {
    const { x, y, width, height, data } = d.mask;
    const flipped = new Uint8Array(data.length);
    for (let r = 0; r < height; r++) for (let c = 0; c < width; c++) flipped[r * width + c] = data[r * width + width - 1 - c]!;
    return {
      className: d.className,
      score: d.score,
      box: [W - d.box[2], d.box[1], W - d.box[0], d.box[3]],
      mask: { x: W - (x + width), y, width, height, data: flipped },
    };
  });
}

/** Intersection over union of two boxes (x0, y0, x1, y1). */
export function boxIou(a: InstanceDetection['box'], b: InstanceDetection['box']): number {
  const ix = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const iy = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  if (ix <= 0 || iy <= 0) return 0;
  const inter = ix * iy;
  return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter);
}

/** A detection found by both passes is one body: boxes of one class overlapping this much are matched. */
const SAME_BODY_IOU = 0.5;

interface Member {
  detection: InstanceDetection;
  pass: 0 | 1;
}

/**
 * Both passes' detections as one set, as an ensemble of the two: per class, greedily by score, a
 * detection joins the best-scoring cluster of its class that it overlaps (box IoU ≥ 0.5) and that
 * holds nothing of its own pass yet. A cluster's score is the mean over the two passes (a pass that
 * did not see the body counts 0), its box and mask are its best member's; clusters under
 * `scoreThreshold` are dropped. A body seen by one pass only is therefore half as sure, which is
 * what keeps a mark the model makes on one side of a film only from deciding anything. Ties in
 * score are ordered by class, distance from the frame's vertical centre line, then top, so the
 * result is the same whichever pass came first.
 */
export function mergeMirrored(a: readonly InstanceDetection[], b: readonly InstanceDetection[], frame: Frame, scoreThreshold: number): InstanceDetection[] {
  const centre = frame.width / 2;
  const offCentre = (d: InstanceDetection) => Math.abs((d.box[0] + d.box[2]) / 2 - centre);
  const order = (p: InstanceDetection, q: InstanceDetection) =>
    q.score - p.score || (p.className < q.className ? -1 : p.className > q.className ? 1 : 0) || offCentre(p) - offCentre(q) || p.box[1] - q.box[1];
  const all: Member[] = [...a.map((detection) => ({ detection, pass: 0 as const })), ...b.map((detection) => ({ detection, pass: 1 as const }))];
  all.sort((p, q) => order(p.detection, q.detection));
  const clusters: Member[][] = [];
  for (const m of all) {
    const home = clusters.find(
      (c) =>
        c[0]!.detection.className === m.detection.className &&
        !c.some((o) => o.pass === m.pass) &&
        boxIou(c[0]!.detection.box, m.detection.box) >= SAME_BODY_IOU,
    );
    if (home) home.push(m);
    else clusters.push([m]);
  }
  return clusters
    .map((c) => ({ ...c[0]!.detection, score: c.reduce((sum, m) => sum + m.detection.score, 0) / 2 }))
    .filter((d) => d.score >= scoreThreshold)
    .sort(order);
}

/**
 * The heads of both passes as one answer: view and scope averaged, facing with the mirrored pass's
 * sides swapped, the level grid averaged with the mirrored pass's grid mirrored back across the
 * film's content (cells laid over the whole square frame; the content is at its left), column by
 * column of the frame's pixels. The graph's own mirroring flips the square, which for a film
 * narrower than the frame is not its mirror.
 */
export function combineMirroredHeads(map: ForegroundMap, mirrored: ForegroundMap): void {
  const mean = (a: number, b: number) => (a + b) / 2;
  if (map.viewScores && mirrored.viewScores) {
    const m = mirrored.viewScores;
    map.viewScores = Object.fromEntries(Object.entries(map.viewScores).map(([view, p]) => [view, mean(p, m[view as keyof typeof m])])) as typeof map.viewScores;
  }
  if (map.outOfScope !== undefined && mirrored.outOfScope !== undefined) map.outOfScope = mean(map.outOfScope, mirrored.outOfScope);
  if (map.facing && mirrored.facing) map.facing = { left: mean(map.facing.left, mirrored.facing.right), right: mean(map.facing.right, mirrored.facing.left) };
  if (map.levels && mirrored.levels) map.levels = averageMirroredGrid(map.levels, mirrored.levels, map.frame);
}

function averageMirroredGrid(grid: LevelGrid, mirrored: LevelGrid, frame: Frame): LevelGrid {
  // One column per frame pixel: the mirror of a pixel column inside the content is a pixel column, so
  // the film and its mirror get exactly mirrored grids (a 32-cell grid over a frame the content does
  // not fill has no cell-to-cell mirror). Each column reads the cell that fusion would sample there.
  const { width, height, offsets } = grid;
  const columns = frame.size;
  const cellOf = (x: number) => Math.min(width - 1, Math.floor(((x + 0.5) * width) / columns));
  const out = new Float32Array(offsets.length * height * columns);
  for (let x = 0; x < columns; x++) {
    const cx = cellOf(x);
    // Columns right of the content (nothing there to label) mirror onto the content's first column.
    const mx = cellOf(x < frame.width ? frame.width - 1 - x : 0);
    for (let c = 0; c < offsets.length; c++) {
      for (let y = 0; y < height; y++) {
        const at = (c * height + y) * width;
        out[(c * height + y) * columns + x] = (grid.probability[at + cx]! + mirrored.probability[at + mx]!) / 2;
      }
    }
  }
  return { offsets, width: columns, height, probability: out };
}
