export { addFilm, emptyDataset, type StyleCAnnotation, type StyleCDataset, type StyleCIgnoreRegion, type StyleCImage } from './coco.js';
export { phantomCCommand } from './command.js';
export { renderFilm, type Film } from './film.js';
export { parseOptions, type SetOptions } from './options.js';
export { writeSet } from './write-set.js';
