#!/usr/bin/env node
import { Command } from 'commander';
import { phantomCommand } from '@vertxnet/phantom';
import { registerExportTask, registerImportCorrections } from './commands/corrections.js';
import { registerEval } from './commands/eval.js';
import { registerReview } from './commands/review.js';
import { registerRun } from './commands/run.js';
import { registerStatus } from './commands/status.js';
import { registerSubmit } from './commands/submit.js';
import { ExitCode, EXIT_CODES_HELP } from './exit-codes.js';
import { readableError } from './readable-error.js';
import { cliVersion } from './version.js';

const program = new Command()
  .name('vertxnet')
  .description('Segment and label vertebral bodies on lateral cervical and lumbar spine radiographs (VertXNet).')
  .version(cliVersion(), '-V, --version', 'print the version and exit')
  .showHelpAfterError()
  .addHelpText('after', `\n${EXIT_CODES_HELP}\n`);

registerRun(program);
registerSubmit(program);
registerStatus(program);
program.addCommand(phantomCommand());
registerEval(program);
registerReview(program);
registerExportTask(program);
registerImportCorrections(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`vertxnet: ${readableError(err)}\n`);
  process.exitCode = ExitCode.error;
});
