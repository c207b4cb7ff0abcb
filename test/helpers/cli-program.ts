import { Writable } from 'node:stream';
import { Command } from 'commander';

/** What a command's register function takes: where it prints, and whether that is a terminal. */
export interface CapturedIo {
  out: Writable;
  tty: boolean;
}

/**
 * Runs CLI commands in this process, as `vertxnet ARGS` would, with the given commands registered;
 * resolves with what they printed (errors throw, as commander's exitOverride makes them).
 */
export async function runCommands(register: Array<(program: Command, io: CapturedIo) => void>, args: string[]): Promise<string> {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString('utf8');
      done();
    },
  });
  const program = new Command().exitOverride();
  for (const r of register) r(program, { out, tty: false });
  await program.parseAsync(args, { from: 'user' });
  return text;
}
