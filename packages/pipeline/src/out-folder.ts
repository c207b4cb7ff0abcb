import { randomBytes } from 'node:crypto';
import { mkdir, realpath, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import { OutputFolderError } from './errors.js';

/**
 * Makes sure a local output folder can take a run before any model work: it exists (created one
 * level at a time: a recursive mkdir under /proc never returns on Node 20), it is a folder, a file
 * can be written in it, and it does not overlap the source folder (a run must never take its own
 * overlays for radiographs, and --overwrite must never reach the source).
 */
export async function prepareLocalOutFolder(outDir: string, sourceDir?: string): Promise<string> {
  const out = resolve(outDir);
  if (sourceDir !== undefined) await refuseOverlap(out, resolve(sourceDir));
  await createFolder(out);
  const probe = join(out, `.vertxnet-write-test-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(probe, '', { flag: 'wx' });
  } catch (err) {
    throw new OutputFolderError(`cannot write to --out ${out}: ${describeFsError(err)}`, { cause: err });
  }
  await unlink(probe).catch(() => undefined);
  return out;
}

async function createFolder(out: string): Promise<void> {
  const missing: string[] = [];
  let dir = out;
  for (;;) {
    const info = await stat(dir).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new OutputFolderError(`cannot use --out ${out}: ${describeFsError(err)}`, { cause: err });
    });
    if (info?.isDirectory()) break;
    if (info) throw new OutputFolderError(`cannot use --out ${out}: ${dir} is a file, not a folder`);
    missing.unshift(dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const folder of missing) {
    await mkdir(folder).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return;
      throw new OutputFolderError(`cannot create --out ${out}: ${describeFsError(err)}`, { cause: err });
    });
  }
}

async function refuseOverlap(out: string, source: string): Promise<void> {
  const [outReal, sourceReal] = await Promise.all([realpathOfNearest(out), realpathOfNearest(source)]);
  if (isWithin(outReal, sourceReal)) {
    throw new OutputFolderError(
      `--out ${out} is inside the source folder ${source}: a later run would read its own overlays as radiographs; choose a folder outside the source`,
    );
  }
  if (isWithin(sourceReal, outReal)) {
    throw new OutputFolderError(`the source folder ${source} is inside --out ${out}; choose an output folder that does not hold the source`);
  }
}

/** The real path of `path`, resolving links in the part of it that exists (the rest is not created yet). */
async function realpathOfNearest(path: string): Promise<string> {
  let existing = path;
  const rest: string[] = [];
  for (;;) {
    try {
      return join(await realpath(existing), ...rest);
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return path;
      rest.unshift(existing.slice(parent.length).replace(/^[\\/]+/, ''));
      existing = parent;
    }
  }
}

function isWithin(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** The cause of a filesystem refusal in words, with its code for those who search for it. */
function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied (${code})`;
    case 'EROFS':
      return 'read-only file system (EROFS)';
    case 'ENOTDIR':
      return 'a part of the path is a file, not a folder (ENOTDIR)';
    case 'ENOENT':
      return 'folders cannot be created there (ENOENT)';
    case 'ENOSPC':
      return 'no space left on the device (ENOSPC)';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}
