// Progress for long CLI work: a bar on a terminal, a line per 10% when piped (CI logs stay short).
import cliProgress from 'cli-progress';

export interface Progress {
  update(phase: string, done: number, total: number): void;
  stop(): void;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: '{phase} |{bar}| {percentage}% {value}/{total} rows {eta_formatted}',
        stream,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let current = '';
    return {
      update(phase, done, total) {
        if (phase !== current) {
          if (current) bar.stop();
          current = phase;
          bar.start(total, done, { phase: phase.padEnd(8) });
        } else bar.update(done);
      },
      stop: () => bar.stop(),
    };
  }
  const lastTenth = new Map<string, number>();
  return {
    update(phase, done, total) {
      const tenth = total === 0 ? 10 : Math.floor((done / total) * 10);
      if (lastTenth.get(phase) === tenth) return;
      lastTenth.set(phase, tenth);
      stream.write(`${phase}: ${done}/${total} rows (${tenth * 10}%)\n`);
    },
    stop: () => {},
  };
}
