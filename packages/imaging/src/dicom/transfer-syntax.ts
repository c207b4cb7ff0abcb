import { TS } from './parse.js';

/** Transfer syntaxes by UID: name and pixel codec. */
export const TRANSFER_SYNTAXES: Record<string, { name: string; codec: Codec | null }> = {
  [TS.implicitLE]: { name: 'Implicit VR Little Endian', codec: 'native' },
  [TS.explicitLE]: { name: 'Explicit VR Little Endian', codec: 'native' },
  [TS.deflatedLE]: { name: 'Deflated Explicit VR Little Endian', codec: 'native' },
  [TS.explicitBE]: { name: 'Explicit VR Big Endian', codec: 'native' },
  '1.2.840.10008.1.2.4.50': { name: 'JPEG Baseline', codec: 'jpeg' },
  '1.2.840.10008.1.2.4.51': { name: 'JPEG Extended', codec: 'jpeg' },
  '1.2.840.10008.1.2.4.57': { name: 'JPEG Lossless P14', codec: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.70': { name: 'JPEG Lossless SV1', codec: 'jpeg-lossless' },
  '1.2.840.10008.1.2.4.80': { name: 'JPEG-LS Lossless', codec: 'jpeg-ls' },
  '1.2.840.10008.1.2.4.81': { name: 'JPEG-LS Near-Lossless', codec: 'jpeg-ls' },
  '1.2.840.10008.1.2.4.90': { name: 'JPEG 2000 Lossless', codec: 'j2k' },
  '1.2.840.10008.1.2.4.91': { name: 'JPEG 2000', codec: 'j2k' },
  '1.2.840.10008.1.2.4.201': { name: 'HTJ2K Lossless', codec: 'htj2k' },
  '1.2.840.10008.1.2.4.202': { name: 'HTJ2K Lossless RPCL', codec: 'htj2k' },
  '1.2.840.10008.1.2.4.203': { name: 'HTJ2K', codec: 'htj2k' },
  '1.2.840.10008.1.2.5': { name: 'RLE Lossless', codec: 'rle' },
  '1.2.840.10008.1.2.4.100': { name: 'MPEG2', codec: null },
  '1.2.840.10008.1.2.4.101': { name: 'MPEG2 High Level', codec: null },
  '1.2.840.10008.1.2.4.102': { name: 'MPEG-4 AVC/H.264', codec: null },
  '1.2.840.10008.1.2.4.103': { name: 'MPEG-4 AVC/H.264 BD', codec: null },
  '1.2.840.10008.1.2.4.104': { name: 'MPEG-4 AVC/H.264 2D', codec: null },
  '1.2.840.10008.1.2.4.107': { name: 'HEVC/H.265', codec: null },
  '1.2.840.10008.1.2.4.91.1': { name: 'JPIP', codec: null },
};
/** SOP classes with pixel data that is not a radiograph. */
export const NOT_IMAGES: Record<string, string> = {
  '1.2.840.10008.5.1.4.1.1.66.4': 'Segmentation',
  '1.2.840.10008.5.1.4.1.1.66.7': 'Label Map Segmentation',
  '1.2.840.10008.5.1.4.1.1.481.2': 'RT Dose',
};
/** The pixel codec of a transfer syntax. */
export type Codec = 'native' | 'jpeg' | 'jpeg-lossless' | 'jpeg-ls' | 'j2k' | 'htj2k' | 'rle';
