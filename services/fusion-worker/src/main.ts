import { createLogger, loadConfigOrExit } from '@vertxnet/config';
import { runServiceProcess } from '@vertxnet/queue';
import { FusionWorkerEnv } from './env.js';
import { createStageHandlers } from './handlers.js';
import { startFusionWorker } from './service.js';

const config = loadConfigOrExit(FusionWorkerEnv, 'fusion-worker');
const logger = createLogger('fusion-worker', config.LOG_LEVEL);
await runServiceProcess(() => startFusionWorker(config, logger, () => createStageHandlers(config)), logger);
