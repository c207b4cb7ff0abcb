import type { DecodedImage, DecodeLimits } from '../image/types.js';
import { decodeDicomPixels } from './decode.js';
import { renderCanonical } from './render.js';
import { extractSourceHeader } from './source-header.js';

export { decodeDicomPixels, inflateBudget, type DicomPixels } from './decode.js';
export { renderCanonical } from './render.js';
export { scopeFromTags, viewFromTags } from './describe.js';
export { TRANSFER_SYNTAXES } from './transfer-syntax.js';
export { extractSourceHeader, sourceHeaderElements, SOURCE_HEADER_ELEMENTS, type SourceHeaderCopy } from './source-header.js';
export { parseDicom, looksLikeDicom, DicomFormatError, DicomTooLargeError, type DicomDataset, type DicomElement, type ParsedDicom } from './parse.js';
export { decodeRle, packBits } from './codecs.js';

/**
 * Decodes frame 1 of a DICOM file straight to the canonical 8-bit grey image (see renderCanonical
 * for the windowing rule); `dicom` says what was read. Throws InputError "name: problem".
 */
export async function decodeDicom(bytes: Uint8Array, name: string, limits: DecodeLimits = {}): Promise<DecodedImage> {
  const px = await decodeDicomPixels(bytes, name, limits);
  const data = renderCanonical(px);
  return {
    width: px.width,
    height: px.height,
    bitsStored: 8,
    data,
    format: 'dicom',
    dicom: px.info,
    ...(px.info.frameNote ? { frameNote: px.info.frameNote } : {}),
    sourceHeader: extractSourceHeader(px.dataset),
  };
}
export { writeDicom, encodeRleFrame, newUid, el, type DicomWriteElement, type DicomItem, type DicomValue, type WriteOptions } from './write.js';
export { encodeDx, DX_SOP_CLASS, type DxOptions } from './dx.js';
