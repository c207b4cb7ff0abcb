/**
 * Progress of a generator command on stderr: on a terminal one line redrawn in place; elsewhere (a
 * log file, CI) a line every `everyMs` and one at the end, so a log does not fill with carriage returns.
 */
export interface Progress {
  update(done: number, total: number): void;
  end(): void;
}

export function progressLine(label: string, stream: NodeJS.WriteStream = process.stderr, everyMs = 5000): Progress {
  let last = 0;
  let shown = '';
  return {
    update(done, total) {
      shown = `${label} ${done}/${total}`;
      if (stream.isTTY) {
        stream.write(`\r${shown}`);
        return;
      }
      const now = Date.now();
      if (done === total || now - last >= everyMs) {
        last = now;
        stream.write(`${shown}\n`);
      }
    },
    end() {
      if (stream.isTTY && shown) stream.write('\n');
    },
  };
}
