import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

interface Lock {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
}

describe('the Node version the project states', () => {
  it('is one every locked dependency supports', async () => {
    const root = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    const oldest = semver.minVersion(root.engines.node);
    expect(oldest).not.toBeNull();
    const lock = JSON.parse(await readFile(join(ROOT, 'package-lock.json'), 'utf8')) as Lock;
    const refusing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      const engines = entry.engines;
      const range = Array.isArray(engines) ? undefined : engines?.node;
      if (range === undefined || !semver.validRange(range)) continue;
      if (!semver.satisfies(oldest!, range)) refusing.push(`${path.replace(/^.*node_modules\//, '')}@${entry.version ?? '?'} wants node ${range}`);
    }
    expect(refusing).toEqual([]);
  });

  it('is the one the README states', async () => {
    const root = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const oldest = semver.minVersion(root.engines.node)!;
    expect(readme).toContain(`Node.js ${oldest.major}.${oldest.minor} or newer`);
  });

  it('is met by the Node running these tests', async () => {
    const root = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
    expect(semver.satisfies(process.version, root.engines.node)).toBe(true);
  });
});
