import { z } from 'zod';

/** What a reviewer says of one image on the review page. */
export const REVIEW_MARKS = ['wrong', 'right'] as const;
export type ReviewMarkValue = (typeof REVIEW_MARKS)[number];

/** The file the review page saves and the ingest API stores with a run. */
export const REVIEW_MARKS_FILE = 'review-marks.json';

/** Image names are result names (a file name, no folder): nothing that could walk out of the run. */
function isResultName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c < 0x20 || c === 0x2f || c === 0x5c) return false; // control characters, '/', '\\'
  }
  return name !== '.' && name !== '..';
}
const imageName = z.string().min(1).max(255).refine(isResultName, 'an image name is a result name, without folders or control characters');

export const ReviewMarkSchema = z
  .object({
    image: imageName,
    mark: z.enum(REVIEW_MARKS),
    /** When the reviewer marked it (ISO 8601); the newer of two marks of one image wins a merge. */
    time: z.iso.datetime({ offset: true }).optional(),
  })
  .loose();
export type ReviewMark = z.output<typeof ReviewMarkSchema>;

/** review-marks.json: the run's id, then one entry per marked image. */
export const ReviewMarksSchema = z
  .object({
    run: z.string().min(1),
    source: z.string().optional(),
    savedAt: z.string().optional(),
    marks: z.array(ReviewMarkSchema),
  })
  .loose();
export type ReviewMarks = z.output<typeof ReviewMarksSchema>;

/**
 * Merges marks of one run, per image: a mark with a later time replaces an earlier one (a mark
 * without a time loses to one with a time; between two without, the incoming one wins). Sorted by image.
 */
export function mergeReviewMarks(stored: readonly ReviewMark[], incoming: readonly ReviewMark[]): ReviewMark[] {
  const byImage = new Map<string, ReviewMark>(stored.map((m) => [m.image, m]));
  for (const m of incoming) {
    const old = byImage.get(m.image);
    if (old === undefined || old.time === undefined || (m.time !== undefined && Date.parse(m.time) >= Date.parse(old.time))) byImage.set(m.image, m);
  }
  return [...byImage.values()].sort((a, b) => (a.image < b.image ? -1 : a.image > b.image ? 1 : 0));
}
