import { checkWorkerModelOrExit } from '@vertxnet/pipeline';
import { createLogger, loadConfigOrExit } from '@vertxnet/config';
import { runServiceProcess } from '@vertxnet/queue';
import { MaskrcnnWorkerEnv } from './env.js';
import { createStageHandlers } from './handlers.js';
import { startMaskrcnnWorker } from './service.js';

const config = loadConfigOrExit(MaskrcnnWorkerEnv, 'maskrcnn-worker');
// A missing or unusable model ends the process here, in one line, before it connects to anything.
await checkWorkerModelOrExit('maskrcnn-worker', 'maskrcnn', config);
const logger = createLogger('maskrcnn-worker', config.LOG_LEVEL);
await runServiceProcess(() => startMaskrcnnWorker(config, logger, (ctx) => createStageHandlers(config, ctx.registry, logger)), logger);
