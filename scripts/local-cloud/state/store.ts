// The local cloud's durable state: one JSON document written atomically (temp file + rename).
// Mutations run on a copy and replace the live document only when they finish, so a request that fails
// halfway leaves nothing behind.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { State } from './state.ts';

export class StateStore {
  readonly file: string;
  data: State;

  constructor(stateDir: string, initial: () => State) {
    this.file = join(stateDir, 'state.json');
    mkdirSync(stateDir, { recursive: true });
    this.data = existsSync(this.file) ? (JSON.parse(readFileSync(this.file, 'utf8')) as State) : initial();
    this.save();
  }

  save(): void {
    const temp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(temp, JSON.stringify(this.data));
    renameSync(temp, this.file);
  }

  /** Runs `mutate` on a copy of the state; commits (and saves) only if it returns without throwing. */
  transact<T>(mutate: (draft: State) => T): T {
    const draft = structuredClone(this.data);
    const result = mutate(draft);
    if (result instanceof Promise) throw new Error('transact() takes a synchronous function');
    this.data = draft;
    this.save();
    return result;
  }

  /** A deep copy, for later `restore()` if an external step (e.g. workerd start) fails. */
  snapshot(): State {
    return structuredClone(this.data);
  }

  restore(snapshot: State): void {
    this.data = snapshot;
    this.save();
  }
}
