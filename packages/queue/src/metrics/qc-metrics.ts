import { Counter, type Registry } from 'prom-client';

/** QC flags raised on results: how many images a reviewer will need to look at, and why. */
export class QcMetrics {
  readonly flags: Counter<'flag'>;

  constructor(registry: Registry) {
    this.flags = new Counter({
      name: 'vertxnet_qc_flags_total',
      help: 'QC flags raised on results, by flag (e.g. reference_missing, unexpected_count, model_disagreement).',
      labelNames: ['flag'],
      registers: [registry],
    });
  }

  count(flags: Iterable<string>): void {
    for (const flag of flags) this.flags.inc({ flag });
  }
}
