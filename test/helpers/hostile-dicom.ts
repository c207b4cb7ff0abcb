import { constants, deflateRawSync } from 'node:zlib';
import { el, writeDicom } from '@vertxnet/imaging';

const DEFLATED_LE = '1.2.840.10008.1.2.1.99';

/**
 * A Deflated Explicit VR LE file whose dataset inflates to about `inflatedBytes` (a 4000x4000 16-bit
 * image header, then zeros): the kind of few-MB file that took ingest to 6.7 GB. Built from
 * byte-aligned sync-flushed blocks of zeros repeated, so making it costs one 64 MiB deflate.
 */
export function deflateBomb(inflatedBytes: number): Uint8Array {
  const file = writeDicom(
    [
      el(0x00080016, 'UI', '1.2.840.10008.5.1.4.1.1.1.1'),
      el(0x00080018, 'UI', '1.2.826.0.1.3680043.10.1234.66.1'),
      el(0x00280002, 'US', 1),
      el(0x00280004, 'CS', 'MONOCHROME2'),
      el(0x00280010, 'US', 4000),
      el(0x00280011, 'US', 4000),
      el(0x00280100, 'US', 16),
      el(0x00280101, 'US', 12),
      el(0x00280103, 'US', 0),
    ],
    { transferSyntax: DEFLATED_LE },
  );
  // Preamble, DICM, then (0002,0000) UL: 12 bytes whose value is the rest of the meta group's length.
  const metaEnd = 144 + new DataView(file.buffer, file.byteOffset + 140, 4).getUint32(0, true);
  const flush = { finishFlush: constants.Z_SYNC_FLUSH };
  const head = deflateRawSync(file.subarray(metaEnd), flush);
  const chunk = 64 * 1024 * 1024;
  const zeros = deflateRawSync(Buffer.alloc(chunk), flush);
  const parts: Uint8Array[] = [file.subarray(0, metaEnd), head];
  for (let n = 0; n < Math.ceil(inflatedBytes / chunk); n++) parts.push(zeros);
  parts.push(Uint8Array.of(0x03, 0x00)); // a final, empty fixed-Huffman block ends the stream
  return Buffer.concat(parts);
}
