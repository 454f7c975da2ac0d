import { AsyncResource } from 'node:async_hooks';

/**
 * Runs an outbox worker's pass on a timer, one pass at a time; `nudge()` runs one as soon as a change
 * queued something (a nudge during a pass asks for one more pass when it ends, as does a pass that
 * answers `true`: it left work for the next).
 */
export function startWorkerLoop(pass: () => Promise<boolean>, intervalMs: number) {
  // A nudge comes from inside a change's unit of work; the pass it starts must not run in that
  // unit's async context, or its transactions would join a unit that is not theirs (a savepoint of
  // someone else's transaction). Passes run in the context the loop was started in.
  const loopScope = new AsyncResource('seatd.workerLoop');
  let running: Promise<void> | undefined;
  let queuedWhileRunning = false;
  let stopped = false;
  const run = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    if (running) {
      queuedWhileRunning = true; // picked up by one more pass when this one ends
      return running;
    }
    running = pass()
      .then((more) => {
        if (more) queuedWhileRunning = true;
      })
      .finally(() => {
        running = undefined;
        if (queuedWhileRunning) {
          queuedWhileRunning = false;
          void run();
        }
      });
    return running;
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return {
    nudge: () => void loopScope.runInAsyncScope(() => setImmediate(() => void run())),
    runOnce: run,
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}

export type WorkerLoop = ReturnType<typeof startWorkerLoop>;
