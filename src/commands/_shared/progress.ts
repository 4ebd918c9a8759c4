import type { CommandContext } from './context.js';

export interface Progress {
  update(done: number, total: number, detail: string): void;
  /** Prints a line (a warning) without tearing the bar. */
  interrupt(print: () => void): void;
  stop(): void;
}

const silent: Progress = { update() {}, interrupt: (print) => print(), stop() {} };

/**
 * A progress bar on stderr, only when stderr is a TTY and the output is not JSON. cli-progress is
 * a small, well-kept library; it is loaded on first update, so short runs never pay for it.
 */
export function startProgress(ctx: CommandContext, label: string): Progress {
  if (!ctx.io.stderrIsTTY) return silent;
  let bar: import('cli-progress').SingleBar | undefined;
  let loading: Promise<void> | undefined;
  let stopped = false;
  return {
    update(done, total, detail) {
      if (stopped) return;
      if (!bar && !loading) {
        loading = import('cli-progress').then(({ default: cliProgress }) => {
          if (stopped) return;
          bar = new cliProgress.SingleBar(
            {
              stream: ctx.io.stderr as NodeJS.WriteStream,
              format: `${label} [{bar}] {percentage}% | {detail} | ETA {eta_formatted}`,
              hideCursor: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, done, { detail });
        });
        return;
      }
      bar?.update(done, { detail });
    },
    interrupt(print) {
      if (bar) ctx.io.stderr.write('\n');
      print();
    },
    stop() {
      stopped = true;
      bar?.stop();
    },
  };
}
