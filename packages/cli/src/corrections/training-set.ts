import { levelCode, polygonStats, type CocoRle, type CorrectedShape } from './common.js';

/** The COCO file training/ reads (vertxnet_train.coco.read_coco): categories named by level, polygons or RLE. */
export interface TrainingCoco {
  info: { description: string; generator: string; date_created: string; vertxnet: { run: string; format: string; file: string } };
  images: { id: number; file_name: string; width: number; height: number; source: string }[];
  categories: { id: number; name: string; supercategory: 'vertebra' }[];
  annotations: {
    id: number;
    image_id: number;
    category_id: number;
    segmentation: number[][] | CocoRle;
    bbox: [number, number, number, number];
    area: number;
    iscrowd: 0;
  }[];
}

/** COCO's compressed RLE string → run lengths (pycocotools' rleFrString). */
export function rleCounts(rle: CocoRle): number[] {
  if (Array.isArray(rle.counts)) return rle.counts;
  const counts: number[] = [];
  const s = rle.counts;
  let p = 0;
  while (p < s.length) {
    let x = 0;
    let k = 0;
    let more = true;
    while (more) {
      const c = s.charCodeAt(p) - 48;
      x |= (c & 0x1f) << (5 * k);
      more = (c & 0x20) !== 0;
      p++;
      k++;
      if (!more && c & 0x10) x |= -1 << (5 * k);
    }
    if (counts.length > 2) x += counts[counts.length - 2]!;
    counts.push(x);
  }
  return counts;
}

/** Bounding box and pixel count of a column-major RLE mask. */
export function rleStats(rle: CocoRle): { bbox: [number, number, number, number]; area: number } {
  const h = rle.size[0];
  let p = 0;
  let area = 0;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  rleCounts(rle).forEach((c, i) => {
    if (i % 2 === 1 && c > 0) {
      area += c;
      const first = p;
      const last = p + c - 1;
      const [cx0, cx1] = [Math.floor(first / h), Math.floor(last / h)];
      x0 = Math.min(x0, cx0);
      x1 = Math.max(x1, cx1);
      y0 = Math.min(y0, cx0 === cx1 ? first % h : 0);
      y1 = Math.max(y1, cx0 === cx1 ? last % h : h - 1);
    }
    p += c;
  });
  return area === 0 ? { bbox: [0, 0, 0, 0], area } : { bbox: [x0, y0, x1 - x0 + 1, y1 - y0 + 1], area };
}

/** The training set's COCO: an image per corrected image (file_name under images/), an annotation per shape. */
export function buildTrainingCoco(
  images: readonly { file: string; width: number; height: number; source: string; shapes: readonly CorrectedShape[] }[],
  from: { run: string; format: string; file: string },
  createdAt = new Date(),
): TrainingCoco {
  const levels = new Set<string>();
  const annotations: TrainingCoco['annotations'] = [];
  images.forEach((img, k) => {
    for (const shape of img.shapes) {
      levels.add(shape.level);
      const stats = Array.isArray(shape.segmentation) ? polygonStats(shape.segmentation) : rleStats(shape.segmentation);
      annotations.push({
        id: annotations.length + 1,
        image_id: k + 1,
        category_id: levelCode(shape.level),
        segmentation: shape.segmentation,
        ...stats,
        iscrowd: 0,
      });
    }
  });
  const categories = [...levels].map((name) => ({ id: levelCode(name), name, supercategory: 'vertebra' as const })).sort((a, b) => a.id - b.id);
  return {
    info: {
      description: `VertXNet corrections of run ${from.run}`,
      generator: 'vertxnet import-corrections',
      date_created: createdAt.toISOString(),
      vertxnet: from,
    },
    images: images.map((img, k) => ({ id: k + 1, file_name: `images/${img.file}`, width: img.width, height: img.height, source: img.source })),
    categories,
    annotations,
  };
}
