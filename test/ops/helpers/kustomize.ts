/**
 * A small kustomize resolver, enough for k8s/ and honest about it: it knows `resources` (files and
 * directories holding a kustomization), `namespace`, `images`, `patches` (JSON 6902 ops with a
 * kind/name target) and `configMapGenerator` (files, literals, disableNameSuffixHash: true). Any other
 * field, or a feature of these it does not implement, throws, so a kustomization that outgrows it
 * fails the tests instead of being resolved wrongly. Like kustomize's default load restrictor, files
 * must lie inside the kustomization's folder; other folders come in only as kustomizations.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [k: string]: unknown;
};

const KNOWN_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'images', 'patches', 'configMapGenerator']);
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
]);

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  namespace?: string;
  resources?: string[];
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  patches?: Array<{ target: { kind: string; name: string }; patch: string }>;
  configMapGenerator?: Array<{
    name: string;
    files?: string[];
    literals?: string[];
    options?: { disableNameSuffixHash?: boolean; labels?: Record<string, string> };
  }>;
}

export function kustomizationPath(dir: string): string {
  for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
    const p = join(dir, name);
    if (existsSync(p)) return p;
  }
  throw new Error(`no kustomization in ${dir}`);
}

function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith(sep);
}

/** The objects `kustomize build dir` would print (order aside). */
export function kustomizeBuild(dir: string): K8sObject[] {
  dir = resolve(dir);
  const k = parseYaml(readFileSync(kustomizationPath(dir), 'utf8')) as Kustomization;
  for (const field of Object.keys(k)) if (!KNOWN_FIELDS.has(field)) throw new Error(`${dir}: kustomization field "${field}" is not supported by this resolver`);
  if (k.kind !== undefined && k.kind !== 'Kustomization') throw new Error(`${dir}: kind ${k.kind}`);

  const objects: K8sObject[] = [];
  for (const entry of k.resources ?? []) {
    const path = resolve(dir, entry);
    if (!existsSync(path)) throw new Error(`${dir}: resource ${entry} does not exist`);
    if (statSync(path).isDirectory()) objects.push(...kustomizeBuild(path));
    else {
      if (!inside(dir, path)) throw new Error(`${dir}: file ${entry} is outside the kustomization root (load restrictor)`);
      for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
        const [error] = doc.errors;
        if (error) throw error;
        const obj = doc.toJS() as K8sObject | null;
        if (obj !== null) objects.push(obj);
      }
    }
  }
  for (const gen of k.configMapGenerator ?? []) objects.push(generateConfigMap(dir, gen));
  for (const p of k.patches ?? []) applyPatch(objects, p, dir);
  for (const image of k.images ?? []) setImage(objects, image);
  if (k.namespace !== undefined) for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;

  const ids = new Set<string>();
  for (const o of objects) {
    const id = `${o.apiVersion}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
    if (ids.has(id)) throw new Error(`${dir}: duplicate object ${id}`);
    ids.add(id);
  }
  return objects;
}

function generateConfigMap(dir: string, gen: NonNullable<Kustomization['configMapGenerator']>[number]): K8sObject {
  for (const field of Object.keys(gen))
    if (!['name', 'files', 'literals', 'options'].includes(field)) throw new Error(`configMapGenerator field ${field} not supported`);
  for (const field of Object.keys(gen.options ?? {}))
    if (!['disableNameSuffixHash', 'labels'].includes(field)) throw new Error(`generator option ${field} not supported`);
  // With a hash suffix, references to the ConfigMap would need rewriting: not implemented.
  if (gen.options?.disableNameSuffixHash !== true) throw new Error(`configMapGenerator ${gen.name}: only disableNameSuffixHash: true is supported`);
  const data: Record<string, string> = {};
  for (const spec of gen.files ?? []) {
    const [key, file] = spec.includes('=') ? (spec.split('=', 2) as [string, string]) : [basename(spec), spec];
    const path = resolve(dir, file);
    if (!inside(dir, path)) throw new Error(`configMapGenerator ${gen.name}: ${file} is outside the kustomization root`);
    data[key] = readFileSync(path, 'utf8');
  }
  for (const literal of gen.literals ?? []) {
    const eq = literal.indexOf('=');
    data[literal.slice(0, eq)] = literal.slice(eq + 1);
  }
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: gen.name, ...(gen.options?.labels ? { labels: { ...gen.options.labels } } : {}) },
    data,
  };
}

function applyPatch(objects: K8sObject[], p: NonNullable<Kustomization['patches']>[number], dir: string): void {
  for (const field of Object.keys(p)) if (!['target', 'patch'].includes(field)) throw new Error(`patch field ${field} not supported`);
  for (const field of Object.keys(p.target)) if (!['kind', 'name'].includes(field)) throw new Error(`patch target field ${field} not supported`);
  const ops = parseYaml(p.patch) as unknown;
  if (!Array.isArray(ops)) throw new Error(`${dir}: only JSON 6902 patches (a list of ops) are supported`);
  const targets = objects.filter((o) => o.kind === p.target.kind && o.metadata.name === p.target.name);
  if (targets.length === 0) throw new Error(`${dir}: patch target ${p.target.kind}/${p.target.name} matches nothing`);
  for (const target of targets) for (const op of ops as JsonPatchOp[]) applyOp(target, op);
}

export interface JsonPatchOp {
  op: 'add' | 'remove' | 'replace' | 'test';
  path: string;
  value?: unknown;
}

function pointer(path: string): string[] {
  if (!path.startsWith('/')) throw new Error(`bad JSON pointer ${path}`);
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** RFC 6902 add / remove / replace / test on one document (copy and move are not used here). */
export function applyOp(doc: unknown, op: JsonPatchOp): void {
  const parts = pointer(op.path);
  const last = parts.pop()!;
  let parent = doc as Record<string, unknown> | unknown[];
  for (const part of parts) {
    const next = Array.isArray(parent) ? parent[Number(part)] : parent[part];
    if (next === undefined || next === null || typeof next !== 'object') throw new Error(`${op.op} ${op.path}: ${part} does not exist`);
    parent = next as Record<string, unknown> | unknown[];
  }
  const clone = (v: unknown) => (v === undefined ? v : structuredClone(v));
  if (Array.isArray(parent)) {
    const index = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) throw new Error(`${op.op} ${op.path}: bad index`);
    const exists = index < parent.length;
    switch (op.op) {
      case 'add':
        parent.splice(index, 0, clone(op.value));
        return;
      case 'remove':
        if (!exists) throw new Error(`remove ${op.path}: nothing there`);
        parent.splice(index, 1);
        return;
      case 'replace':
        if (!exists) throw new Error(`replace ${op.path}: nothing there`);
        parent[index] = clone(op.value);
        return;
      case 'test':
        if (JSON.stringify(parent[index]) !== JSON.stringify(op.value)) throw new Error(`test ${op.path} failed`);
        return;
    }
  } else {
    const exists = Object.prototype.hasOwnProperty.call(parent, last);
    switch (op.op) {
      case 'add':
        parent[last] = clone(op.value);
        return;
      case 'remove':
        if (!exists) throw new Error(`remove ${op.path}: nothing there`);
        delete parent[last];
        return;
      case 'replace':
        if (!exists) throw new Error(`replace ${op.path}: nothing there`);
        parent[last] = clone(op.value);
        return;
      case 'test':
        if (JSON.stringify(parent[last]) !== JSON.stringify(op.value)) throw new Error(`test ${op.path} failed: ${JSON.stringify(parent[last])}`);
        return;
    }
  }
  throw new Error(`JSON patch op ${String((op as { op: unknown }).op)} not supported`);
}

/** Pod specs inside workload objects (Deployment, StatefulSet, DaemonSet, Job). */
export function podSpecs(o: K8sObject): Array<Record<string, unknown>> {
  const spec = o.spec as { template?: { spec?: Record<string, unknown> } } | undefined;
  return spec?.template?.spec ? [spec.template.spec] : [];
}

function setImage(objects: K8sObject[], image: NonNullable<Kustomization['images']>[number]): void {
  for (const field of Object.keys(image)) if (!['name', 'newName', 'newTag'].includes(field)) throw new Error(`images field ${field} not supported`);
  let matched = false;
  for (const o of objects) {
    for (const pod of podSpecs(o)) {
      for (const c of [...((pod.containers as Array<{ image: string }>) ?? []), ...((pod.initContainers as Array<{ image: string }>) ?? [])]) {
        const at = c.image.indexOf('@');
        const noDigest = at === -1 ? c.image : c.image.slice(0, at);
        const colon = noDigest.lastIndexOf(':');
        const hasTag = colon > noDigest.lastIndexOf('/');
        const name = hasTag ? noDigest.slice(0, colon) : noDigest;
        const tag = hasTag ? noDigest.slice(colon + 1) : undefined;
        if (name !== image.name) continue;
        matched = true;
        const newTag = image.newTag ?? tag;
        c.image = `${image.newName ?? name}${newTag !== undefined ? `:${newTag}` : ''}`;
      }
    }
  }
  if (!matched) throw new Error(`images: ${image.name} matches no container`);
}
