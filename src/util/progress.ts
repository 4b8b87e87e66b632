import { SingleBar, Presets } from "cli-progress";

/** Reports progress of a long job: a live bar on a terminal, plain periodic lines elsewhere (CI, pipes). */
export interface Progress {
  /** Advance by `n` units (default 1). */
  tick(n?: number): void;
  /** Change the expected total once it is known (e.g. after the first listing page). */
  setTotal(total: number): void;
  /** Finish: prints a closing line with the final count and rate. */
  stop(): void;
}

export interface ProgressOptions {
  label: string;
  total?: number;
  unit?: string;
  /** Where plain lines go; defaults to stderr so stdout stays clean for data. */
  stream?: NodeJS.WriteStream;
  /** Seconds between plain lines when not on a terminal. */
  intervalSeconds?: number;
  /** Force a mode; by default a bar when the stream is a TTY and CI is unset. */
  mode?: "bar" | "lines" | "silent";
}

export function createProgress(options: ProgressOptions): Progress {
  const stream = options.stream ?? process.stderr;
  const mode = options.mode ?? (stream.isTTY && !process.env.CI ? "bar" : "lines");
  const unit = options.unit ?? "items";
  let total = options.total ?? 0;
  let done = 0;
  const started = Date.now();

  if (mode === "silent") {
    return {
      tick: (n = 1) => void (done += n),
      setTotal: (t) => void (total = t),
      stop: () => undefined,
    };
  }

  if (mode === "bar") {
    const bar = new SingleBar(
      {
        format: `${options.label} [{bar}] {percentage}% | {value}/{total} ${unit} | {rate}/s | ETA {eta_formatted}`,
        stream,
        hideCursor: true,
        etaBuffer: 200,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0, { rate: "0" });
    return {
      tick(n = 1) {
        done += n;
        bar.update(done, { rate: rateOf(done, started) });
      },
      setTotal(t) {
        total = t;
        bar.setTotal(t);
      },
      stop() {
        bar.update(done, { rate: rateOf(done, started) });
        bar.stop();
      },
    };
  }

  const intervalMs = (options.intervalSeconds ?? 10) * 1000;
  let lastLine = started;
  const line = (final: boolean) => {
    const elapsed = (Date.now() - started) / 1000;
    const rate = rateOf(done, started);
    const of = total > 0 ? `/${total} (${((100 * done) / total).toFixed(1)}%)` : "";
    const eta = total > 0 && done > 0 && !final ? `, ETA ${formatSeconds(((total - done) * elapsed) / done)}` : "";
    stream.write(`${options.label}: ${done}${of} ${unit}, ${rate}/s, ${formatSeconds(elapsed)} elapsed${eta}${final ? ", done" : ""}\n`);
  };
  return {
    tick(n = 1) {
      done += n;
      const now = Date.now();
      if (now - lastLine >= intervalMs) {
        lastLine = now;
        line(false);
      }
    },
    setTotal(t) {
      total = t;
    },
    stop() {
      line(true);
    },
  };
}

function rateOf(done: number, started: number): string {
  const seconds = Math.max((Date.now() - started) / 1000, 1e-3);
  return (done / seconds).toFixed(1);
}

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : m > 0 ? `${m}m${String(rest).padStart(2, "0")}s` : `${rest}s`;
}
