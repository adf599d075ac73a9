// Linux process table helpers for tests that must prove nothing was left running.
import { readdirSync, readFileSync } from 'node:fs';

interface ProcessEntry {
  pid: number;
  parent: number;
  state: string;
}

/** `/proc/<pid>/stat`: "pid (command) state ppid …"; the command may hold spaces or parentheses. */
function readEntry(pid: number): ProcessEntry | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [state = '', parent = ''] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, parent: Number(parent), state };
  } catch {
    return null; // gone between listing and reading
  }
}

function processTable(): ProcessEntry[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readEntry(Number(name)))
    .filter((entry): entry is ProcessEntry => entry !== null);
}

/** Every process below `pid` (children, their children, …). */
export function descendantsOf(pid: number): number[] {
  const table = processTable();
  const found: number[] = [];
  const visit = (parent: number) => {
    for (const entry of table.filter((candidate) => candidate.parent === parent)) {
      found.push(entry.pid);
      visit(entry.pid);
    }
  };
  visit(pid);
  return found;
}

/** Still running: exists and is not a zombie (an exited process nobody has reaped yet). */
export function isRunning(pid: number): boolean {
  const entry = readEntry(pid);
  return entry !== null && entry.state !== 'Z';
}
