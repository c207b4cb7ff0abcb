import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A service's own metrics registry, never prom-client's global one (tests and in-process runs
 * create many), with Node process metrics and a `service` label on every series.
 */
export function createServiceRegistry(service: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
}
