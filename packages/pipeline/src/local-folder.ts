import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { compareKeys } from '@vertxnet/storage';

/** A file of a local source folder: either one to consider, or one left out with the reason. */
export type FolderEntry = { key: string; size: number; path: string } | { key: string; skipped: string };

/** Names never listed: hidden files and folders (.DS_Store, .git, ._ AppleDouble), and files being written. */
function isHidden(name: string): boolean {
  return name.startsWith('.');
}

/**
 * Every file under `root`, depth first in key order (a folder 'a' sorts as 'a/', as S3 lists keys),
 * resumable after `startAfter`. With `followLinks`, symbolic links to regular files are followed
 * wherever they point; links to folders never are (so no loop can occur). Links not followed,
 * broken links, link loops and special files are reported as skipped with a reason, never dropped.
 */
export async function* walkLocalFolder(root: string, opts: { startAfter?: string; followLinks?: boolean } = {}): AsyncGenerator<FolderEntry> {
  yield* walk(root, '', opts.startAfter, opts.followLinks === true);
}

async function* walk(root: string, dirKey: string, startAfter: string | undefined, followLinks: boolean): AsyncGenerator<FolderEntry> {
  const dirPath = dirKey === '' ? root : join(root, ...dirKey.split('/'));
  const entries = await readdir(dirPath, { withFileTypes: true }).catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  });
  const items = entries
    .filter((e) => !isHidden(e.name))
    .map((e) => {
      const key = dirKey === '' ? e.name : `${dirKey}/${e.name}`;
      const dir = e.isDirectory();
      return { key, dir, link: e.isSymbolicLink(), file: e.isFile(), sortKey: dir ? `${key}/` : key };
    })
    .sort((a, b) => compareKeys(a.sortKey, b.sortKey));

  for (const item of items) {
    if (item.dir) {
      const allBeforeStart = startAfter !== undefined && !startAfter.startsWith(item.sortKey) && compareKeys(startAfter, item.sortKey) > 0;
      if (!allBeforeStart) yield* walk(root, item.key, startAfter, followLinks);
      continue;
    }
    if (startAfter !== undefined && compareKeys(item.key, startAfter) <= 0) continue;
    const path = join(root, ...item.key.split('/'));
    if (!item.file && !item.link) {
      yield { key: item.key, skipped: 'not a regular file (device, socket or pipe)' };
      continue;
    }
    if (item.link && !followLinks) {
      // A service reads only what its source holds: a link could reach any file the process may read.
      yield { key: item.key, skipped: 'symbolic link: not followed here (`vertxnet run` follows links to files)' };
      continue;
    }
    const entry = await fileEntry(item.key, path, item.link);
    if (entry) yield entry;
  }
}

async function fileEntry(key: string, path: string, link: boolean): Promise<FolderEntry | undefined> {
  try {
    const info = await stat(path); // follows links
    if (info.isFile()) return { key, size: info.size, path };
    if (info.isDirectory()) return { key, skipped: 'link to a folder: not followed (links are followed to files only, so that no loop can occur)' };
    return { key, skipped: link ? 'link to something that is not a regular file' : 'not a regular file' };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') return { key, skipped: 'link loop: the link points back to itself' };
    if (code === 'ENOENT' && link) return { key, skipped: 'broken link: its target does not exist' };
    if (code === 'ENOENT') return undefined; // deleted while we listed
    if (code === 'EACCES' || code === 'EPERM') return { key, skipped: 'no permission to read it' };
    throw err;
  }
}
