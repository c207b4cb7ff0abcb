#!/usr/bin/env node
import { Command } from 'commander';
import { phantomCommand } from '@vertxnet/phantom';
import { registerEval } from './commands/eval.js';
import { registerRun } from './commands/run.js';
import { registerStatus } from './commands/status.js';
import { registerSubmit } from './commands/submit.js';

const program = new Command()
  .name('vertxnet')
  .description('Segment and label vertebral bodies on lateral cervical and lumbar spine radiographs (VertXNet).')
  .showHelpAfterError();

registerRun(program);
registerSubmit(program);
registerStatus(program);
program.addCommand(phantomCommand());
registerEval(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`vertxnet: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
