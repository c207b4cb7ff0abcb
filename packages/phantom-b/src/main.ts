#!/usr/bin/env node
import { CommanderError } from 'commander';
import { phantomBCommand } from './command.js';

const program = phantomBCommand().exitOverride();

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof CommanderError) {
    // Commander has already printed its own line (or the help): 0 for --help, else 1 like `vertxnet`.
    process.exitCode = err.exitCode === 0 ? 0 : 1;
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`vertxnet-phantom-b: ${message.split('\n')[0]}\n`);
  process.exitCode = 1;
});
