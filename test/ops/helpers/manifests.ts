/** Loading and schema validation of the deployment files, shared by the ops tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Service, ServiceAccount } from 'kubernetes-models/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { PodMonitor, PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { kustomizeBuild, type K8sObject } from './kustomize.js';
import { ROOT } from './services.js';

export const OVERLAYS = ['base', 'overlays/cpu', 'overlays/gpu'] as const;

export function build(which: (typeof OVERLAYS)[number]): K8sObject[] {
  return kustomizeBuild(join(ROOT, 'k8s', which));
}

type Validatable = { validate(): void };
const MODELS: Record<string, new (o: never) => Validatable> = {
  'apps/v1/Deployment': Deployment as never,
  'v1/ConfigMap': ConfigMap as never,
  'v1/Service': Service as never,
  'v1/ServiceAccount': ServiceAccount as never,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy as never,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget as never,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject as never,
  'monitoring.coreos.com/v1/PodMonitor': PodMonitor as never,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule as never,
};

/** Validates an object against its Kubernetes API or CRD schema; throws with the schema errors. */
export function validateObject(o: K8sObject): void {
  const Model = MODELS[`${o.apiVersion}/${o.kind}`];
  if (!Model) throw new Error(`no schema for ${o.apiVersion} ${o.kind}`);
  new Model(structuredClone(o) as never).validate();
}

export function readYaml(rel: string): unknown {
  return parseYaml(readFileSync(join(ROOT, rel), 'utf8'), { merge: true });
}

export function byKind<T = K8sObject>(objects: K8sObject[], kind: string): T[] {
  return objects.filter((o) => o.kind === kind) as T[];
}

export interface Container {
  name: string;
  image: string;
  env?: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string; optional?: boolean } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  securityContext?: Record<string, unknown>;
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
export interface Probe {
  httpGet?: { path: string; port: string | number };
  periodSeconds?: number;
  failureThreshold?: number;
}
export interface DeploymentObj extends K8sObject {
  spec: {
    selector: { matchLabels: Record<string, string> };
    template: {
      metadata: { labels: Record<string, string> };
      spec: {
        containers: Container[];
        terminationGracePeriodSeconds?: number;
        securityContext?: Record<string, unknown>;
        volumes?: Array<{ name: string; emptyDir?: unknown }>;
        tolerations?: unknown[];
        nodeSelector?: Record<string, string>;
      };
    };
  };
}

/** The service a Deployment runs: vertxnet-<service>. */
export function serviceOf(d: K8sObject): string {
  return d.metadata.name.replace(/^vertxnet-/, '');
}
