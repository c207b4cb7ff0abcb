import type { Command } from 'commander';
import { isView, type View } from '@vertxnet/core';
import { DEFAULT_MODELS, submitRun } from '@vertxnet/queue';
import { addApiTokenOptions, apiHeaders, checkApiAuth, type ApiAuthOptions } from './api-client.js';
import { addQueueOptions, openPipelineClient, type QueueTarget } from './connection.js';
import { fetchService } from '../reachability.js';
import { finishedRunExitCode, followRun, type StatusIo } from './status.js';

interface SubmitOptions extends QueueTarget, ApiAuthOptions {
  out: string;
  view?: string;
  api?: string;
  wait?: boolean;
  json?: boolean;
  unetModel: string;
  maskrcnnModel: string;
}

/**
 * `vertxnet submit <source> --out <uri>`: creates a run for the distributed pipeline.
 *
 * Without --api the run record and its ingest job are written straight to Redis (the same
 * REDIS_URL and QUEUE_PREFIX as the services); a running ingest service picks the job up and
 * paces the listing, so this command never has to stay alive for a million-image run. With
 * --api it POSTs to the ingest service instead (no Redis access needed). Images already done
 * with the same models and output are skipped by the pipeline, not here: --wait follows the run
 * to its end and reports how many were already done.
 */
export function registerSubmit(program: Command, io: StatusIo = { out: process.stdout, tty: process.stderr.isTTY === true }): void {
  const command = addQueueOptions(
    program
      .command('submit')
      .description('Submit a source to the distributed pipeline (ingest service + workers) and print the run id')
      .argument('<source>', 's3://bucket/prefix, a folder, or a manifest .csv with a uri column (and optional view column)')
      .requiredOption('-o, --out <uri>', 'where results go: s3://bucket/prefix or a folder the fusion workers can write')
      .option('--view <view>', 'cervical or lumbar for every image (a manifest view column wins)')
      .option('--api <url>', 'submit through the ingest service HTTP API (e.g. http://ingest:8080) instead of Redis')
      .option('--unet-model <ref>', 'U-Net name@version (env UNET_MODEL)', process.env.UNET_MODEL ?? DEFAULT_MODELS.unet)
      .option('--maskrcnn-model <ref>', 'Mask R-CNN name@version (env MASKRCNN_MODEL)', process.env.MASKRCNN_MODEL ?? DEFAULT_MODELS.maskrcnn)
      .option('--wait', 'follow the run until it is finished, then print its counts')
      .option('--json', 'print JSON'),
  );
  addApiTokenOptions(command).action(async (source: string, opts: SubmitOptions) => {
    if (opts.view !== undefined && !isView(opts.view)) throw new Error(`--view must be cervical or lumbar, not "${opts.view}"`);
    const request = {
      source,
      out: opts.out,
      models: { unet: opts.unetModel, maskrcnn: opts.maskrcnnModel },
      ...(opts.view ? { view: opts.view as View } : {}),
    };
    const id = opts.api ? await postRun(opts.api, request, opts) : await submitDirect(opts, request);
    if (!opts.wait) {
      io.out.write(opts.json ? `${JSON.stringify({ id })}\n` : `run ${id} submitted; follow it with: vertxnet status ${id} --watch\n`);
      return;
    }
    if (!opts.json) io.out.write(`run ${id} submitted\n`);
    const status = await followRun(id, { ...opts, watch: true }, io);
    if (!opts.json) io.out.write(`already done (skipped): ${status.counts.skipped}\n`);
    process.exitCode = finishedRunExitCode(status);
  });
}

async function submitDirect(target: QueueTarget, request: Parameters<typeof submitRun>[0]): Promise<string> {
  const client = await openPipelineClient(target);
  try {
    return (await submitRun(request, client)).id;
  } finally {
    await client.close();
  }
}

async function postRun(api: string, request: Record<string, unknown>, auth: ApiAuthOptions): Promise<string> {
  const headers = apiHeaders(auth);
  const res = await fetchService('the ingest API', new URL('/runs', api), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(request),
  });
  checkApiAuth(res, api, headers);
  const body = (await res.json().catch(() => ({}))) as { id?: string; error?: string };
  if (res.status !== 202 || !body.id) throw new Error(`ingest API refused the run (${res.status}): ${body.error ?? 'no reason given'}`);
  return body.id;
}
