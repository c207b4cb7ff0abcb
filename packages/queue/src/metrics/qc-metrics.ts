import { Counter, type Registry } from 'prom-client';

/**
 * QC flags raised on results: how many images a reviewer will need to look at, and why; and how many
 * films the models read inverted (stored bone-dark: a cohort exported with the wrong photometric
 * interpretation shows here first).
 */
export class QcMetrics {
  readonly flags: Counter<'flag'>;
  readonly polarity: Counter<'polarity'>;

  constructor(registry: Registry) {
    this.flags = new Counter({
      name: 'vertxnet_qc_flags_total',
      help: 'QC flags raised on results, by flag (e.g. reference_missing, unexpected_count, model_disagreement).',
      labelNames: ['flag'],
      registers: [registry],
    });
    this.polarity = new Counter({
      name: 'vertxnet_polarity_reads_total',
      help: 'Results whose film a model read inverted (stored bone-dark), by polarity: inverted (both models) or mixed (one).',
      labelNames: ['polarity'],
      registers: [registry],
    });
  }

  count(flags: Iterable<string>, polarity?: string): void {
    for (const flag of flags) this.flags.inc({ flag });
    if (polarity === 'inverted' || polarity === 'mixed') this.polarity.inc({ polarity });
  }
}
