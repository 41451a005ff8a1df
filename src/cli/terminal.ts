import { SingleBar } from 'cli-progress';
import { createColors } from 'picocolors';

/** A stream the command line writes to. */
export interface OutputStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** Where the command line reads and writes: the process, or a test's buffers. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads all of standard input (for `-` as a pattern file). */
  readonly readStdin?: () => Promise<string>;
}

/** Text styles; each returns its input unchanged when colour is off. */
export type Palette = ReturnType<typeof createColors>;

/**
 * Colour for a stream: on only for a terminal, off when `NO_COLOR` is set to anything non-empty
 * (https://no-color.org) or `--no-color` is given.
 */
export function paletteFor(stream: OutputStream, env: CliIo['env'], colorOption: boolean): Palette {
  const noColor = env.NO_COLOR !== undefined && env.NO_COLOR !== '';
  return createColors(colorOption && stream.isTTY === true && !noColor);
}

/** Reports how far reading has come. */
export interface Progress {
  /** Counts bytes read (of the total given when it was made). */
  advance(bytes: number, files: number, records: number): void;
  stop(): void;
}

/** Inputs smaller than this finish too fast for a progress bar to help. */
export const PROGRESS_MIN_BYTES = 8 * 1024 * 1024;

/**
 * A progress bar on standard error for large inputs, or nothing: off when standard error is not a
 * terminal (a log file or a pipe would fill with redraws), for inputs under `PROGRESS_MIN_BYTES`,
 * and with `--no-progress`.
 */
export function progressFor(io: CliIo, totalBytes: number, enabled: boolean): Progress {
  if (!enabled || io.stderr.isTTY !== true || totalBytes < PROGRESS_MIN_BYTES) {
    return { advance: () => undefined, stop: () => undefined };
  }
  const bar = new SingleBar({
    stream: io.stderr as unknown as NodeJS.WritableStream,
    format: 'reading logs [{bar}] {percentage}% | {done} of {total_mib} MiB | {files} files | {records} records | ETA {eta_formatted}',
    hideCursor: true,
    clearOnComplete: true,
    barsize: 30,
    etaBuffer: 50,
  });
  const mib = (bytes: number) => (bytes / (1024 * 1024)).toFixed(1);
  let done = 0;
  bar.start(totalBytes, 0, { done: mib(0), total_mib: mib(totalBytes), files: 0, records: 0 });
  return {
    advance: (bytes, files, records) => {
      done += bytes;
      bar.update(done, { done: mib(done), files, records: records.toLocaleString('en-US') });
    },
    stop: () => bar.stop(),
  };
}
