import { ConfigError } from '@vertxnet/core';
import { createLogger, loadConfigOrExit } from '@vertxnet/config';
import { runServiceProcess, s3OptionsFromEnv } from '@vertxnet/queue';
import { readApiAuth } from './api-auth.js';
import { IngestEnv } from './env.js';
import { createStageHandlers } from './handlers.js';
import { runFilesWriter } from './run-files.js';
import { startIngest } from './service.js';
import { sourceLister } from './sources.js';

const config = loadConfigOrExit(IngestEnv, 'ingest');
// An unusable API_TOKEN_FILE is a configuration error too: one line on stderr and exit 2, like a bad variable.
try {
  readApiAuth(config);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(2);
}
const logger = createLogger('ingest', config.LOG_LEVEL);
const s3 = s3OptionsFromEnv(config);
await runServiceProcess(() => startIngest(config, logger, () => createStageHandlers(config), sourceLister(s3), runFilesWriter(s3)), logger);
