import { sniffFormat } from '@vertxnet/imaging';

/** File names the pipeline takes as radiographs without looking inside; others are judged by content. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.tif', '.tiff', '.gif', '.dcm'] as const;

/** Bytes read from the start of a file to judge what it is: the DICOM preamble + DICM, magic numbers, a text check. */
export const HEAD_BYTES = 1024;

/** Whether a listed file is taken as an image, or why not. */
export type FileVerdict = { take: true } | { take: false; reason: string };

export function hasImageExtension(key: string): boolean {
  const lower = key.toLowerCase();
  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * Judges a file by its first bytes, whatever its name: DICOM by its 128-byte preamble + DICM (or a
 * bare data set that parses), PNG, JPEG, TIFF and GIF by their magic; anything else gets a reason.
 */
export function judgeByContent(head: Uint8Array): FileVerdict {
  const sniffed = sniffFormat(head);
  switch (sniffed.kind) {
    case 'dicom':
    case 'image':
      return { take: true };
    case 'empty':
      return { take: false, reason: 'empty file' };
    case 'text':
      return { take: false, reason: 'not an image: a text file' };
    case 'other':
      if (sniffed.name) return { take: false, reason: `${sniffed.name}: not a format the pipeline reads` };
      return { take: false, reason: 'not an image: no DICOM, PNG, JPEG or TIFF signature' };
  }
}
