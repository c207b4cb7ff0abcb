import { createLogger, loadConfigOrExit, runServiceProcess } from '@vertxnet/shared';
import { UnetWorkerEnv } from './env.js';
import { createStageHandlers } from './handlers.js';
import { startUnetWorker } from './service.js';

const config = loadConfigOrExit(UnetWorkerEnv, 'unet-worker');
const logger = createLogger('unet-worker', config.LOG_LEVEL);
await runServiceProcess(() => startUnetWorker(config, logger, (ctx) => createStageHandlers(config, ctx.registry, logger)), logger);
