import { encodeDx } from '@vertxnet/imaging';
import type { Phantom } from './phantom.js';

export type PhantomDicomSyntax = 'explicit-le' | 'rle';

/**
 * The phantom as a 16-bit DX file (fictional patient, realistic tags) holding the same stored values
 * as its PNG: 16-bit phantoms carry no window (the reader's percentile window then equals the PNG
 * path's); 8-bit ones carry Window 128/256, the identity on 0..255, so the canonical image is the
 * PNG's to the bit. JPEG phantoms are written from their pixels before JPEG compression.
 */
export function encodePhantomDicom(phantom: Phantom, transferSyntax: PhantomDicomSyntax = 'explicit-le'): Uint8Array {
  const eight = phantom.pixels instanceof Uint8Array;
  const pixels = eight ? Uint16Array.from(phantom.pixels) : (phantom.pixels as Uint16Array);
  return encodeDx({
    width: phantom.width,
    height: phantom.height,
    pixels,
    bitsStored: eight ? 8 : 16,
    spacing: Math.round(phantom.meta.mmPerPixel * 1e6) / 1e6,
    calibrated: true,
    bodyPart: phantom.meta.view === 'cervical' ? 'CSPINE' : 'LSPINE',
    seriesDescription: phantom.meta.view === 'cervical' ? 'C-SPINE LAT' : 'L-SPINE LAT',
    ...(eight ? { window: { center: 128, width: 256 } } : {}),
    transferSyntax,
  });
}
