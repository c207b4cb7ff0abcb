import { parentPort } from 'node:worker_threads';
import { runJob, type Job } from './job.js';

// A worker thread of `writeSet`: renders the jobs it is sent, one at a time, and posts them back.
parentPort?.on('message', (job: Job) => {
  runJob(job).then(
    (done) => parentPort?.postMessage({ ok: true, done }),
    (err: unknown) => parentPort?.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
