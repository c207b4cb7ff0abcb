import { LEVEL_COLOURS, UNLABELLED } from './level-colours.js';
import type { ImageResult } from './result.js';

/** A flag no QC step raises yet, but a reviewer's tooling may: treated first wherever flags are sorted. */
export const NEEDS_REVIEW_FLAG = 'needs-review';

/** Strip backgrounds: a flagged-for-review or low-confidence film must not look like a clean one. */
export const HEADER_COLOURS = { clean: '#263238', lowConfidence: '#a65e00', needsReview: '#b00020' } as const;

/** One run of text in the header strip; `swatch` draws a square of that colour before it (the legend). */
export interface HeaderItem {
  text: string;
  colour: string;
  swatch?: string;
}

/** What the header strip of an overlay says: view, confidence and flags, then the legend of the levels drawn. */
export interface OverlayHeader {
  background: string;
  /** Lines: the first is the title, the second the legend. */
  lines: HeaderItem[][];
}

/** The header of an image's overlay, from its result alone (pure: tested without a canvas). */
export function overlayHeader(result: ImageResult): OverlayHeader {
  const flags: string[] = result.qc.flags;
  const needsReview = flags.includes(NEEDS_REVIEW_FLAG);
  const lowConfidence = flags.includes('low-confidence');
  const background = needsReview ? HEADER_COLOURS.needsReview : lowConfidence ? HEADER_COLOURS.lowConfidence : HEADER_COLOURS.clean;
  const title: HeaderItem[] = [
    { text: (result.view.value ?? 'view unknown').toUpperCase(), colour: 'white' },
    { text: `confidence ${result.qc.confidence.toFixed(2)}`, colour: 'white' },
    { text: flags.length > 0 ? `flags: ${flags.join(', ')}` : 'no flags', colour: flags.length > 0 ? '#ffe082' : '#b9f6ca' },
  ];
  const legend: HeaderItem[] = [];
  const seen = new Set<string>();
  for (const v of result.vertebrae) {
    const name = v.level ?? '?';
    if (seen.has(name)) continue;
    seen.add(name);
    legend.push({ text: name, colour: 'white', swatch: v.level ? (LEVEL_COLOURS[v.level] ?? UNLABELLED) : UNLABELLED });
  }
  return { background, lines: legend.length > 0 ? [title, legend] : [title] };
}
