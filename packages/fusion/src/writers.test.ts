import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { verseCode } from '@vertxnet/core';
import { fuse } from './fuse.js';
import { toSourceLabels } from './source-labels.js';
import { buildImageResult } from './result.js';
import { downsizeOverlay, renderLabelsPng, renderOverlay } from './render.js';
import { HEADER_COLOURS, overlayHeader } from './overlay-header.js';
import { csvCell, summaryCsvFailedRow, summaryCsvHeader, summaryCsvRow, vertebraeCsvHeader, vertebraeCsvRows } from './csv.js';
import { syntheticSpine } from './synthetic.js';

function lumbarResult() {
  const s = syntheticSpine({ view: 'lumbar', sourceWidth: 600, sourceHeight: 800, heads: true });
  const fusion = fuse({ ...s, pixelSpacing: { row: 0.2, column: 0.2, source: 'PixelSpacing' } });
  const labels = toSourceLabels(fusion, s.foreground, 600, 800);
  const result = buildImageResult({
    source: 'file:///cohort/a.png',
    width: 600,
    height: 800,
    fusion,
    sourceLabels: labels,
    models: { unet: { name: 'unet', version: '1', sha256: 'a'.repeat(64) } },
    timings: { fusion: 4.2 },
    // The writers are under test, not the calibration's measureFrom (calibration/apply.test.ts).
    measureOptions: { minLevelProbability: 0 },
  });
  return { s, fusion, labels, result };
}

describe('result writers', () => {
  it('builds result.json with source-px geometry, mm areas and measurements', () => {
    const { result, labels } = lumbarResult();
    expect(result.schemaVersion).toBe(1);
    expect(result.view).toMatchObject({ value: 'lumbar', source: 'reference', headProbability: 0.99 });
    expect(result.view.evidenceProbability).toBeGreaterThan(0.99);
    expect(result.vertebrae.filter((v) => v.level !== null).every((v) => (v.levelHeadProbability ?? 0) > 0.9)).toBe(true);
    expect(result.vertebrae.map((v) => v.level)).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
    const l3 = result.vertebrae[3]!;
    const pixels = labels.reduce((n, v) => n + (v === verseCode('L3') ? 1 : 0), 0);
    expect(l3.area).toBe(pixels);
    expect(l3.areaMm2).toBeCloseTo(pixels * 0.04, 1);
    expect(l3.bbox[0]).toBeGreaterThan(200);
    expect(l3.bbox[2]).toBeGreaterThan(50);
    expect(l3.polygon.length).toBeGreaterThan(4);
    expect(l3.measurements?.unit).toBe('mm');
    expect(result.measurements.lordosis?.name).toBe('L1-S1');
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
  });

  it('renders an 8-bit gray label PNG that decodes to the same codes', async () => {
    const { labels } = lumbarResult();
    const png = await renderLabelsPng(labels, 600, 800);
    expect((await sharp(png).metadata()).channels).toBe(1);
    const { data, info } = await sharp(png).toColourspace('b-w').raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(1);
    expect(Buffer.compare(data, Buffer.from(labels))).toBe(0);
  });

  it('renders an RGB overlay with coloured outlines under a header strip', async () => {
    const { result } = lumbarResult();
    const gray = new Uint8Array(600 * 800).fill(40);
    const png = await renderOverlay(gray, 600, 800, result);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(3);
    expect(info.width).toBe(600);
    // The strip sits above the film (two rows: title and legend), never over it.
    const top = info.height - 800;
    expect(top).toBeGreaterThan(20);
    expect(top).toBeLessThan(80);
    expect([...data.subarray(0, 3)]).toEqual([0x26, 0x32, 0x38]);
    expect([...data.subarray((top * 600 + 5) * 3, (top * 600 + 5) * 3 + 3)]).toEqual([40, 40, 40]);
    let coloured = 0;
    for (let i = top * 600 * 3; i < data.length; i += 3) if (data[i] !== data[i + 1] || data[i] !== data[i + 2]) coloured++;
    expect(coloured).toBeGreaterThan(1000);
  });

  it('colours the header by needs-review and low confidence, and lists the levels drawn', () => {
    const { result } = lumbarResult();
    const clean = overlayHeader(result);
    expect(clean.background).toBe(HEADER_COLOURS.clean);
    expect(clean.lines[0]!.map((i) => i.text)).toEqual(['LUMBAR', `confidence ${result.qc.confidence.toFixed(2)}`, 'no flags']);
    expect(clean.lines[1]!.map((i) => i.text)).toEqual(['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'S1']);
    const low = overlayHeader({ ...result, qc: { flags: ['low-confidence'], confidence: 0.3 } });
    expect(low.background).toBe(HEADER_COLOURS.lowConfidence);
    expect(low.lines[0]![2]!.text).toBe('flags: low-confidence');
    const review = overlayHeader({ ...result, qc: { flags: ['low-confidence', 'needs-review' as never], confidence: 0.3 } });
    expect(review.background).toBe(HEADER_COLOURS.needsReview);
  });

  it('downsizes an overlay to a long side of 1,024 px, never enlarging', async () => {
    const big = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    const small = await sharp(await downsizeOverlay(big)).metadata();
    expect([small.format, small.width, small.height]).toEqual(['jpeg', 1024, 683]);
    const tiny = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();
    expect((await sharp(await downsizeOverlay(tiny)).metadata()).width).toBe(300);
  });

  it('writes a quoted summary CSV row', () => {
    const { result } = lumbarResult();
    expect(summaryCsvHeader().split(',')).toHaveLength(13);
    expect(summaryCsvHeader()).not.toContain('unit');
    const row = summaryCsvRow(result, 'a "b", c.png');
    expect(row.startsWith('"a ""b"", c.png",file:///cohort/a.png,lumbar,reference,7,T12 L1 L2 L3 L4 L5 S1,true,,')).toBe(true);
    expect(row.endsWith(',L1-S1,ok,')).toBe(true);
    expect(summaryCsvFailedRow('b.png', 'file:///cohort/b.png', 'PNG is truncated')).toBe('b.png,file:///cohort/b.png,,,,,,,,,,failed,PNG is truncated');
    expect(csvCell('x\ny')).toBe('"x\ny"');
    expect(csvCell(3)).toBe('3');
  });

  it('writes a vertebrae CSV row per body with heights, their unit, wedge ratio and endplate angles', () => {
    const { result } = lumbarResult();
    const header = vertebraeCsvHeader().split(',');
    expect(header).toEqual([
      'image',
      'level',
      'verse_code',
      'score',
      'anterior_height',
      'middle_height',
      'posterior_height',
      'unit',
      'wedge_ratio',
      'superior_endplate_angle',
      'inferior_endplate_angle',
    ]);
    const rows = vertebraeCsvRows(result, 'a, b.png');
    expect(rows).toHaveLength(7);
    const l3 = result.vertebrae[3]!.measurements!;
    expect(rows[3]).toBe(
      `"a, b.png",L3,22,${result.vertebrae[3]!.score},${l3.anteriorHeight},${l3.middleHeight},${l3.posteriorHeight},mm,` +
        `${l3.wedgeRatio},${l3.superiorEndplateAngle},${l3.inferiorEndplateAngle}`,
    );
    // A body without measurements keeps its row, the unit from the image.
    const bare = {
      ...result,
      measurements: { ...result.measurements, unit: 'px' as const },
      vertebrae: [{ ...result.vertebrae[0]!, level: null, verseCode: null, measurements: undefined }],
    };
    expect(vertebraeCsvRows(bare, 'c.png')).toEqual([`c.png,,,${result.vertebrae[0]!.score},,,,px,,,`]);
  });
});
