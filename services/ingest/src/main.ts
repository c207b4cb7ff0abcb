import { createLogger, loadConfigOrExit, runServiceProcess, s3OptionsFromEnv } from '@vertxnet/shared';
import { IngestEnv } from './env.js';
import { createStageHandlers } from './handlers.js';
import { runFilesWriter } from './run-files.js';
import { startIngest } from './service.js';
import { sourceLister } from './sources.js';

const config = loadConfigOrExit(IngestEnv, 'ingest');
const logger = createLogger('ingest', config.LOG_LEVEL);
const s3 = s3OptionsFromEnv(config);
await runServiceProcess(() => startIngest(config, logger, () => createStageHandlers(config), sourceLister(s3), runFilesWriter(s3)), logger);
