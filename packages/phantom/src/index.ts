export { generatePhantom, type Phantom, type PhantomMeta } from './phantom.js';
export { writePhantomSet, phantomName, type PhantomSetOptions } from './write-set.js';
export { encodeImage, encodeLabelMask, imageExtension } from './encode.js';
export { cocoCategories, type CocoIgnoreRegion, type CocoDataset, type CocoImage, type CocoAnnotation, type CocoCategory } from './coco.js';
export { IMAGE_FORMATS, parseSize, type ImageFormat, type FormatChoice, type ViewChoice, type PhantomOptions } from './options.js';
export type { PhantomInstance, UnlabelledBody } from './ground-truth.js';
export { imageSeed } from './prng.js';
export { FILM_LOOKS, type FilmLook, type FilmLookChoice } from './look/film-look.js';
export { phantomCommand } from './command.js';
