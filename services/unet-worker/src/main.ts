import { checkWorkerModelOrExit } from '@vertxnet/pipeline';
import { createLogger, loadConfigOrExit } from '@vertxnet/config';
import { runServiceProcess } from '@vertxnet/queue';
import { UnetWorkerEnv } from './env.js';
import { createStageHandlers } from './handlers.js';
import { startUnetWorker } from './service.js';

const config = loadConfigOrExit(UnetWorkerEnv, 'unet-worker');
// A missing or unusable model ends the process here, in one line, before it connects to anything.
await checkWorkerModelOrExit('unet-worker', 'unet', config);
const logger = createLogger('unet-worker', config.LOG_LEVEL);
await runServiceProcess(() => startUnetWorker(config, logger, (ctx) => createStageHandlers(config, ctx.registry, logger)), logger);
