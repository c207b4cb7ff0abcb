import { Gauge, Histogram, type Registry } from 'prom-client';

/** Model runtime: latency and batch sizes of inference calls, load time and loaded version. */
export class InferenceMetrics {
  readonly duration: Histogram<'model'>;
  readonly batchSize: Histogram<'model'>;
  readonly loadSeconds: Gauge<'model'>;
  readonly info: Gauge<'model' | 'name' | 'version'>;

  constructor(registry: Registry) {
    this.duration = new Histogram({
      name: 'vertxnet_inference_duration_seconds',
      help: 'Duration of one inference call (one batch), pre- and post-processing excluded.',
      labelNames: ['model'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.batchSize = new Histogram({
      name: 'vertxnet_inference_batch_size',
      help: 'Images per inference call, after dynamic batching across concurrent jobs.',
      labelNames: ['model'],
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers: [registry],
    });
    this.loadSeconds = new Gauge({
      name: 'vertxnet_model_load_seconds',
      help: 'Time it took to load and verify the model (hash check, session creation).',
      labelNames: ['model'],
      registers: [registry],
    });
    this.info = new Gauge({
      name: 'vertxnet_model_info',
      help: 'Always 1; labels name the model loaded in this process and its version.',
      labelNames: ['model', 'name', 'version'],
      registers: [registry],
    });
  }

  observeRun(model: string, seconds: number, batchSize: number): void {
    this.duration.observe({ model }, seconds);
    this.batchSize.observe({ model }, batchSize);
  }

  /** `model` is the role (unet, maskrcnn); name and version come from the manifest. */
  setLoaded(model: string, manifest: { name: string; version: string }, loadSeconds: number): void {
    this.loadSeconds.set({ model }, loadSeconds);
    // One info series per role: a reload with a new version replaces the old series.
    const previous = this.infoLabels.get(model);
    if (previous) this.info.remove(previous);
    const labels = { model, name: manifest.name, version: manifest.version };
    this.info.set(labels, 1);
    this.infoLabels.set(model, labels);
  }

  private readonly infoLabels = new Map<string, { model: string; name: string; version: string }>();
}
