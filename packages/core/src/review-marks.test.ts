import { describe, expect, it } from 'vitest';
import { mergeReviewMarks, ReviewMarksSchema } from './review-marks.js';

describe('review marks', () => {
  it('merge per image: the later mark wins, a mark with a time beats one without, the result is sorted', () => {
    const stored = [
      { image: 'b.png', mark: 'wrong' as const, time: '2026-12-03T10:00:00Z' },
      { image: 'a.png', mark: 'right' as const },
      { image: 'c.png', mark: 'wrong' as const, time: '2026-12-03T10:00:00Z' },
    ];
    const incoming = [
      { image: 'b.png', mark: 'right' as const, time: '2026-12-03T09:00:00Z' },
      { image: 'a.png', mark: 'wrong' as const, time: '2026-12-01T00:00:00Z' },
      { image: 'c.png', mark: 'right' as const },
      { image: 'd.png', mark: 'wrong' as const, time: '2026-12-03T11:00:00+01:00' },
    ];
    expect(mergeReviewMarks(stored, incoming).map((m) => `${m.image}:${m.mark}`)).toEqual(['a.png:wrong', 'b.png:wrong', 'c.png:wrong', 'd.png:wrong']);
  });

  it('accept what the page saves and refuse names with folders, unknown marks and bad times', () => {
    const ok = {
      run: 'r1',
      source: 's3://b/p/',
      savedAt: '2026-12-03T10:00:00.000Z',
      marks: [{ image: 'x.png', mark: 'wrong', time: '2026-12-03T10:00:00.000Z' }],
    };
    expect(ReviewMarksSchema.safeParse(ok).success).toBe(true);
    for (const image of ['a/b.png', '..', 'a\\b', 'x\u0000', ''])
      expect(ReviewMarksSchema.safeParse({ run: 'r1', marks: [{ image, mark: 'wrong' }] }).success, image).toBe(false);
    expect(ReviewMarksSchema.safeParse({ run: 'r1', marks: [{ image: 'x.png', mark: 'unsure' }] }).success).toBe(false);
    expect(ReviewMarksSchema.safeParse({ run: 'r1', marks: [{ image: 'x.png', mark: 'wrong', time: 'yesterday' }] }).success).toBe(false);
  });
});
