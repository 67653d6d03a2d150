// A hang is a suite that stops reporting, not one that is slow: on a loaded 2-core machine a whole
// phase can take longer than any fixed budget while every test still passes within its own mocha
// timeout. The watchdog fires only after `ms` without a sign of progress (a line of the report).

export interface Watchdog {
  /** Resolves with 'timeout' once `ms` pass without a touch(). */
  readonly fired: Promise<'timeout'>;
  /** Progress seen: the quiet time starts again. */
  touch(): void;
  clear(): void;
}

export function watchdog(ms: number): Watchdog {
  let timer: NodeJS.Timeout | undefined;
  let fire: (v: 'timeout') => void = () => undefined;
  const fired = new Promise<'timeout'>((resolve) => (fire = resolve));
  const arm = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => fire('timeout'), ms);
    timer.unref(); // never the reason the process stays up
  };
  arm();
  return {
    fired,
    touch: arm,
    clear: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
