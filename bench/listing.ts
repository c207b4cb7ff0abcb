/**
 * Listing rate from an S3 server: keys/s through the pipeline's source listing (listSource over
 * S3Storage, what the ingest service pages through) and through raw ListObjectsV2 pages, against
 * a real s3rver in a child process holding --keys small objects.
 *
 * Run: npm run build && npx tsx bench/listing.ts [--keys 5000] [--put-concurrency 16]
 * Prints the figures, then one JSON document.
 */
import { availableParallelism, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { listSource } from '@vertxnet/pipeline';
import { listKeys } from '../test/e2e/helpers/cluster.js';
import { S3_TEST_CREDENTIALS, S3_TEST_REGION, startS3Server } from '../test/helpers/s3.js';

const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '5000' },
    'put-concurrency': { type: 'string', default: '16' },
  },
});
const total = Number(args.keys);
const round = (v: number, digits = 1): number => Number(v.toFixed(digits));

async function main(): Promise<void> {
  // The pipeline's S3 client reads credentials from the SDK chain.
  process.env.AWS_ACCESS_KEY_ID ??= S3_TEST_CREDENTIALS.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY ??= S3_TEST_CREDENTIALS.secretAccessKey;
  const s3 = await startS3Server();
  try {
    await s3.createBucket('bench');
    const names = Array.from({ length: total }, (_, i) => `cohort/site-${String(i % 7)}/img-${String(i).padStart(7, '0')}.png`);
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: Number(args['put-concurrency']) }, async () => {
        while (next < names.length) {
          const key = names[next++]!;
          await s3.client.send(new PutObjectCommand({ Bucket: 'bench', Key: key, Body: key }));
        }
      }),
    );
    const putSeconds = (performance.now() - t0) / 1000;
    console.log(
      `s3rver: ${total} objects written in ${round(putSeconds)} s (${round(total / putSeconds)} puts/s); ${availableParallelism()} CPUs, load ${loadavg()[0]!.toFixed(1)}`,
    );

    const t1 = performance.now();
    const raw = await listKeys(s3.client, 'bench', 'cohort/');
    const rawSeconds = (performance.now() - t1) / 1000;

    const t2 = performance.now();
    let listed = 0;
    for await (const item of listSource('s3://bench/cohort/', { s3: { endpoint: s3.endpoint, region: S3_TEST_REGION, forcePathStyle: true } })) {
      if (item.etag === undefined) throw new Error(`${item.key}: no ETag from the listing`);
      listed++;
    }
    const sourceSeconds = (performance.now() - t2) / 1000;
    if (raw.length !== total || listed !== total) throw new Error(`listed ${raw.length} raw / ${listed} via listSource, expected ${total}`);

    const result = {
      keys: total,
      rawListObjectsV2: { seconds: round(rawSeconds, 3), keysPerSecond: round(total / rawSeconds) },
      listSource: { seconds: round(sourceSeconds, 3), keysPerSecond: round(total / sourceSeconds) },
      ratioListSourceVsRaw: round(rawSeconds / sourceSeconds, 3),
      machine: { cpus: availableParallelism(), loadAverage1m: round(loadavg()[0]!, 2) },
    };
    console.log(
      `ListObjectsV2 pages (1,000 keys each): ${total} keys in ${result.rawListObjectsV2.seconds} s = ${result.rawListObjectsV2.keysPerSecond} keys/s`,
    );
    console.log(
      `listSource (pipeline listing, with ETags): ${total} keys in ${result.listSource.seconds} s = ${result.listSource.keysPerSecond} keys/s (${result.ratioListSourceVsRaw}× raw)`,
    );
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await s3.stop();
  }
}

await main();
