// The local cloud's durable state: one JSON document written atomically (temp file + rename).
// Mutations run on a copy and replace the live document only when they finish, so a request that fails
// halfway leaves nothing behind.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export class StateStore {
  /** @param {string} stateDir @param {() => any} initial */
  constructor(stateDir, initial) {
    this.stateDir = stateDir;
    this.file = join(stateDir, 'state.json');
    mkdirSync(stateDir, { recursive: true });
    this.data = existsSync(this.file) ? JSON.parse(readFileSync(this.file, 'utf8')) : initial();
    this.save();
  }

  save() {
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(this.data));
    renameSync(temp, this.file);
  }

  /**
   * Runs `mutate` on a copy of the state; commits (and saves) only if it returns without throwing.
   * @template T
   * @param {(draft: any) => T} mutate
   * @returns {T}
   */
  transact(mutate) {
    const draft = structuredClone(this.data);
    const result = mutate(draft);
    if (result instanceof Promise) throw new Error('transact() takes a synchronous function');
    this.data = draft;
    this.save();
    return result;
  }

  /** A deep copy, for later `restore()` if an external step (e.g. workerd start) fails. */
  snapshot() {
    return structuredClone(this.data);
  }

  /** @param {any} snapshot */
  restore(snapshot) {
    this.data = snapshot;
    this.save();
  }
}
