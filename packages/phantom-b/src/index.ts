export { renderFilm, layoutFilm, type Film, type FilmBody, type FilmLayout, type FilmSpec } from './film.js';
export { addFilm, emptyDataset, type StyleBDataset, type StyleBImage, type StyleBAnnotation, type StyleBIgnoreRegion } from './coco.js';
export { encodePng } from './encode.js';
export { parseSetOptions, SetOptionsSchema, type SetOptions } from './options.js';
export { writeSet, viewOf } from './write-set.js';
export { writeContactSheet } from './contact-sheet.js';
export { phantomBCommand } from './command.js';
export { FilmRandom } from './random.js';
