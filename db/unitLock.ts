import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * One unit of work at a time on one SQLite connection. Units are async (the domain awaits its
 * repositories, which on PostgreSQL really wait), so two units started in one turn would otherwise
 * interleave their statements inside one transaction. A unit started inside another one (a domain
 * function that opens a transaction called from inside a transaction) joins it instead of waiting
 * for it, which would never end.
 */
export class UnitLock {
  private busy = false;
  private readonly waiters: (() => void)[] = [];
  private readonly inside = new AsyncLocalStorage<{ active: boolean }>();

  get held(): boolean {
    return this.busy;
  }

  /** True when the caller is itself running inside a unit of this lock. */
  get nested(): boolean {
    // callbacks a unit scheduled (timers, nudges) inherit its store but run after it ended
    return this.inside.getStore()?.active === true;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.nested) return work();
    await this.acquire();
    const unit = { active: true };
    try {
      return await this.inside.run(unit, work);
    } finally {
      unit.active = false;
      this.release();
    }
  }

  private acquire(): Promise<void> | void {
    if (!this.busy) {
      this.busy = true;
      return;
    }
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.busy = false;
  }
}

const locks = new WeakMap<object, UnitLock>();

/** The one lock of a connection, shared by everything that opens transactions on it. */
export function unitLockOf(client: object): UnitLock {
  let lock = locks.get(client);
  if (!lock) locks.set(client, (lock = new UnitLock()));
  return lock;
}
