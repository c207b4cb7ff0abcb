import { spawn } from 'node:child_process';
import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const MAIN = join(ROOT, 'packages/cli/dist/main.js');
const EXAMPLES = join(ROOT, 'examples/phantom/images');
const GOOD = 'lumbar-000001-s188589067.png';

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the built command line as a user would (stdout and stderr are pipes, not a terminal). */
function vertxnet(
  args: string[],
  opts: { asUser?: number; onStderr?: (text: string, child: ReturnType<typeof spawn>) => void; timeoutMs?: number } = {},
): Promise<Outcome> {
  const command = opts.asUser !== undefined ? 'setpriv' : process.execPath;
  const argv =
    opts.asUser !== undefined ? [`--reuid=${opts.asUser}`, `--regid=${opts.asUser}`, '--clear-groups', process.execPath, MAIN, ...args] : [MAIN, ...args];
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.INFERENCE_PROVIDERS; // the services' setting would stand in for --providers
    const child = spawn(command, argv, { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
      opts.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'vx-cli-run-'));
});
afterAll(async () => rm(tmp, { recursive: true, force: true }));

async function folder(name: string, files: Record<string, string | Buffer> = {}): Promise<string> {
  const dir = join(tmp, name);
  await mkdir(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) await writeFile(join(dir, file), content);
  return dir;
}

async function runJson(out: string): Promise<{
  state: string;
  counts: Record<string, number>;
  skipped: { key: string; reason: string }[];
  notes: { key: string; note: string }[];
  failures: unknown[];
}> {
  return JSON.parse(await readFile(join(out, 'run.json'), 'utf8'));
}

describe('vertxnet: the command itself', () => {
  it('has an executable that npm links at install time (committed, not in dist/) and answers --version', async () => {
    const pkg = JSON.parse(await readFile(join(ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string; bin: Record<string, string> };
    const bin = join(ROOT, 'packages/cli', pkg.bin.vertxnet!);
    expect(pkg.bin.vertxnet).not.toMatch(/^dist\//);
    expect((await stat(bin)).mode & 0o111).not.toBe(0);
    const child = await new Promise<Outcome>((resolve) => {
      const c = spawn(bin, ['--version'], { cwd: ROOT });
      let stdout = '';
      c.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      c.on('close', (code) => resolve({ code, stdout, stderr: '', ms: 0 }));
    });
    expect(child).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it('documents its exit codes in --help', async () => {
    for (const args of [['--help'], ['run', '--help']]) {
      const { code, stdout } = await vertxnet(args);
      expect(code).toBe(0);
      expect(stdout).toMatch(/Exit codes:\n\s+0 .*\n\s+1 .*\n\s+2 .*some images failed.*\n\s+3 .*no image/);
    }
  });

  it('says what is wrong with an option in one line, not as a JSON issue list', async () => {
    const { code, stderr } = await vertxnet(['phantom', '--count', '-3', '--out', join(tmp, 'ph')]);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^vertxnet: count: .*>=\s?1/);
  });

  it('refuses an unknown execution provider with the valid names', async () => {
    const { code, stderr } = await vertxnet(['run', EXAMPLES, '--out', join(tmp, 'p-out'), '--providers', 'cuda,gpu']);
    expect(code).toBe(1);
    expect(stderr).toMatch(/unknown execution provider "gpu"; valid: .*cuda.*cpu/);
  });
});

describe('vertxnet run: the output folder is checked before any model work', () => {
  it('names a missing model, its folder and what is wrong in one line, before --out is touched', async () => {
    const out = join(tmp, 'no-models-out');
    const { code, stderr } = await vertxnet(['run', EXAMPLES, '--out', out, '--models', '/nonexistent']);
    expect(code).toBe(1);
    expect(stderr).toBe(
      'vertxnet: the U-Net model in /nonexistent/unet cannot be used: /nonexistent/unet/manifest.json: not found (the model folder has no manifest)\n',
    );
    await expect(stat(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('explains a folder that cannot be created (/proc) at once instead of hanging', async () => {
    const src = await folder('proc-src', {});
    await copyFile(join(EXAMPLES, GOOD), join(src, GOOD));
    const { code, stderr, ms } = await vertxnet(['run', src, '--out', '/proc/vertxnet-x'], { timeoutMs: 20_000 });
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot create --out \/proc\/vertxnet-x: /);
    expect(ms).toBeLessThan(15_000);
  });

  it('names permission as the cause when the user cannot write the folder', async () => {
    const src = await folder('perm-src');
    await copyFile(join(EXAMPLES, GOOD), join(src, GOOD));
    const locked = await folder('locked');
    await chmod(locked, 0o555);
    await chmod(tmp, 0o755);
    // As root every folder is writable: run as nobody then (uid 65534).
    const asUser = process.getuid?.() === 0 ? 65534 : undefined;
    const { code, stderr } = await vertxnet(['run', src, '--out', join(locked, 'results')], asUser !== undefined ? { asUser } : {});
    expect(code).toBe(1);
    expect(stderr).toMatch(/cannot create --out .*locked\/results: permission denied \(EACCES\)/);
    expect(stderr).not.toMatch(/parent folder of this key is a file/);
  });

  it('refuses an output folder inside the source folder', async () => {
    const src = await folder('nested-src');
    await copyFile(join(EXAMPLES, GOOD), join(src, GOOD));
    const { code, stderr } = await vertxnet(['run', src, '--out', join(src, 'results')]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/is inside the source folder/);
    expect(await readdir(src)).toEqual([GOOD]);
  });

  it('says why an empty folder gives nothing, and exits 3', async () => {
    const src = await folder('empty-src', { 'notes.txt': 'not an image' });
    const out = join(tmp, 'empty-out');
    const { code, stdout } = await vertxnet(['run', src, '--out', out]);
    expect(code).toBe(3);
    expect(stdout).toMatch(/no images found in .*empty-src \(looked for \.png\/\.jpg\/\.jpeg\/\.tif\/\.tiff\/\.gif\/\.dcm by name/);
    expect((await runJson(out)).skipped).toEqual([{ key: 'notes.txt', reason: 'not an image: a text file' }]);
  });
});

describe('vertxnet run: results, exit codes, resuming and --overwrite', () => {
  let src: string;
  const out = () => join(tmp, 'mixed-out');

  beforeAll(async () => {
    src = await folder('mixed-src', { 'bad.png': 'this is text, not a PNG' });
    await copyFile(join(EXAMPLES, GOOD), join(src, GOOD));
  });

  it('exits 2 when some images failed, prints the count, lists the failure in summary.csv, and shows progress lines off a terminal', async () => {
    const { code, stdout, stderr } = await vertxnet(['run', src, '--out', out(), '--providers', 'cpu']);
    expect(code).toBe(2);
    expect(stdout).toMatch(/1 of 2 images labelled, 1 failed/);
    expect(stderr).toMatch(/^vertxnet run: 2\/2 images, 1 done, 1 failed$/m);
    const csv = (await readFile(join(out(), 'summary.csv'), 'utf8')).trimEnd().split('\n');
    expect(csv[0]).toMatch(/,status,reason$/);
    expect(csv[1]).toMatch(/^bad\.png,.*,failed,bad\.png: not an image/);
    expect(csv[2]).toMatch(new RegExp(`^${GOOD.replace(/\./g, '\\.')},.*,ok,$`));
  });

  it('resumes the same run in the same folder: complete results are not redone', async () => {
    const before = (await stat(join(out(), GOOD, 'result.json'))).mtimeMs;
    const { code, stdout } = await vertxnet(['run', src, '--out', out()]);
    expect(code).toBe(2);
    expect(stdout).toMatch(/1 of 2 images labelled \(1 from an earlier run\), 1 failed/);
    expect((await stat(join(out(), GOOD, 'result.json'))).mtimeMs).toBe(before);
    expect((await runJson(out())).counts).toMatchObject({ images: 2, succeeded: 1, resumed: 1, failed: 1 });
  });

  it('refuses a folder holding another run, and replaces it with --overwrite so that summaries and folders agree', async () => {
    const refused = await vertxnet(['run', src, '--out', out(), '--view', 'cervical']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/holds an earlier run of .*mixed-src with other models or options; pass --overwrite/);

    const only = await folder('only-bad-src', { 'bad.png': 'still text' });
    const replaced = await vertxnet(['run', only, '--out', out(), '--overwrite']);
    expect(replaced.code).toBe(3); // no image got a result
    expect((await readdir(out())).sort()).toEqual(['coco.json', 'run.json', 'summary.csv', 'vertebrae.csv']);
    const csv = (await readFile(join(out(), 'summary.csv'), 'utf8')).trimEnd().split('\n');
    expect(csv.slice(1).map((l) => l.split(',')[0])).toEqual(['bad.png']);
  });
});

describe('vertxnet run: a film stored bone-dark', () => {
  it('is read inverted (result.json polarity) and gets the levels the film itself gets', async () => {
    const src = await folder('polarity-src');
    await copyFile(join(EXAMPLES, GOOD), join(src, GOOD));
    await sharp(join(EXAMPLES, GOOD)).negate({ alpha: false }).toFile(join(src, 'dark.png'));
    const out = join(tmp, 'polarity-out');
    const { code } = await vertxnet(['run', src, '--out', out], { timeoutMs: 120_000 });
    expect(code).toBe(0);
    type Result = { polarity?: string; vertebrae: { level: string | null }[] };
    const read = async (name: string) => JSON.parse(await readFile(join(out, name, 'result.json'), 'utf8')) as Result;
    const [film, dark] = [await read(GOOD), await read('dark.png')];
    expect(film.polarity).toBeUndefined();
    expect(dark.polarity).toBe('inverted');
    const levels = (r: Result) => r.vertebrae.map((v) => v.level);
    expect(levels(film).filter(Boolean).length).toBeGreaterThanOrEqual(5);
    expect(levels(dark)).toEqual(levels(film));
  }, 150_000);
});

describe('vertxnet run: what is listed', () => {
  it('takes DICOM by content whatever the name, follows links to files, notes extra TIFF pages, and lists every file left out with its reason', async () => {
    const ph = join(tmp, 'phantom-dicom');
    expect(
      (
        await vertxnet([
          'phantom',
          '--count',
          '1',
          '--view',
          'lumbar',
          '--max-side',
          '320',
          '--format',
          'png8',
          '--dicom',
          'explicit-le',
          '--quiet',
          '--out',
          ph,
        ])
      ).code,
    ).toBe(0);
    const [dcm] = await readdir(join(ph, 'dicom'));
    const bytes = await readFile(join(ph, 'dicom', dcm!));
    const src = await folder('by-content-src', {
      IM0001: bytes, // preamble + DICM, no extension
      IM0002: bytes.subarray(132), // no preamble: recognised by parsing
    });
    await copyFile(join(EXAMPLES, GOOD), join(tmp, 'outside.png'));
    await symlink(join(tmp, 'outside.png'), join(src, 'linked.png'));
    const film = await sharp(join(EXAMPLES, GOOD)).resize({ width: 256 }).png().toBuffer();
    await sharp([film, film, film], { join: { animated: true } })
      .toColourspace('b-w')
      .tiff()
      .toFile(join(src, 'pages.tif'));
    // GIF encoders drop a frame that repeats the one before, so the second frame differs.
    await sharp([film, await sharp(film).flop().toBuffer()], { join: { animated: true } })
      .gif()
      .toFile(join(src, 'anim.gif'));
    await symlink('/etc/passwd', join(src, 'passwd-link'));
    await symlink('self', join(src, 'self'));
    await symlink('missing-target', join(src, 'broken'));
    await symlink(tmp, join(src, 'folder-link'));
    const out = join(tmp, 'by-content-out');
    const { code, stdout } = await vertxnet(['run', src, '--out', out]);
    expect(stdout).toMatch(/5 of 5 images labelled/);
    expect(code).toBe(0);
    expect((await readdir(out)).sort()).toEqual([
      'IM0001',
      'IM0002',
      'anim.gif',
      'coco.json',
      'linked.png',
      'pages.tif',
      'run.json',
      'summary.csv',
      'vertebrae.csv',
    ]);
    const gif = JSON.parse(await readFile(join(out, 'anim.gif', 'result.json'), 'utf8')) as { extra?: { frame?: string } };
    expect(gif.extra?.frame).toBe('animated: frame 1 of 2 used');
    const report = await runJson(out);
    expect(report.notes).toEqual([{ key: 'pages.tif', note: 'TIFF with 3 pages: only the first is analysed' }]);
    const skipped = Object.fromEntries(report.skipped.map((s) => [s.key, s.reason]));
    expect(skipped).toEqual({
      broken: 'broken link: its target does not exist',
      'folder-link': expect.stringMatching(/^link to a folder: not followed/),
      'passwd-link': 'not an image: a text file',
      self: 'link loop: the link points back to itself',
    });
  });
});

describe('vertxnet run: Ctrl-C', () => {
  it('stops, writes run.json for what is done, exits 130, and the same command resumes', async () => {
    const src = await folder('interrupt-src');
    for (const f of await readdir(EXAMPLES)) await copyFile(join(EXAMPLES, f), join(src, f));
    const out = join(tmp, 'interrupt-out');
    let sent = false;
    const first = await vertxnet(['run', src, '--out', out, '--concurrency', '1'], {
      onStderr: (text, child) => {
        if (!sent && /vertxnet run: \d+\/6 images/.test(text)) {
          sent = true;
          child.kill('SIGINT');
        }
      },
    });
    expect(first.code).toBe(130);
    const interrupted = await runJson(out);
    expect(interrupted.state).toBe('interrupted');
    expect(interrupted.counts.notStarted).toBeGreaterThan(0);
    const second = await vertxnet(['run', src, '--out', out]);
    expect(second.code).toBe(0);
    expect((await runJson(out)).counts).toMatchObject({ images: 6, succeeded: 6, resumed: interrupted.counts.succeeded });
  });

  it('on a terminal, gives the cursor back and does not draw the bar again', async () => {
    const src = await folder('tty-src');
    for (const f of await readdir(EXAMPLES)) await copyFile(join(EXAMPLES, f), join(src, f));
    const out = join(tmp, 'tty-out');
    // script(1) runs the command on a pseudo-terminal; ^C written to it reaches the command as SIGINT.
    const command = `${process.execPath} ${MAIN} run ${src} --out ${out} --concurrency 1`;
    const screen = await new Promise<string>((resolve, reject) => {
      const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: ROOT });
      let text = '';
      let sent = false;
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      child.stdout.on('data', (d: Buffer) => {
        text += d.toString('utf8');
        if (!sent && /\| [1-5]\/6 images/.test(text)) {
          sent = true;
          child.stdin.write('\x03');
        }
      });
      child.on('error', reject);
      child.on('close', () => {
        clearTimeout(timer);
        resolve(text);
      });
    });
    const HIDE = '\x1b[?25l';
    const SHOW = '\x1b[?25h';
    expect(screen).toContain(HIDE);
    expect(screen.lastIndexOf(SHOW)).toBeGreaterThan(screen.lastIndexOf(HIDE));
    const afterInterrupt = screen.slice(screen.indexOf('stopping after the images in flight'));
    expect(afterInterrupt).not.toContain(HIDE);
    expect(afterInterrupt).toMatch(/interrupted: \d+ images not started/);
    expect((await runJson(out)).state).toBe('interrupted');
  });
});
