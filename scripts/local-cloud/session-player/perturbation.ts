// Seeded perturbation of a webhook event stream: drop some, duplicate some, swap some neighbours. When a
// perturbation is asked for, it happens at least once, so a test can rely on it.
import { mulberry32 } from '../faults/seeded-random.ts';

/** An event in delivery order: `index` is its place in the true order. */
export type Perturbed<Event> = Event & { index: number; drop: boolean; duplicate: boolean };

/** `events` (in true order) in delivery order, each marked dropped or duplicated or not. */
export function perturb<Event extends { body: { event: string } }>(
  events: Event[],
  {
    drop = false,
    duplicate = false,
    reorder = false,
    seed = 1,
  }: { drop?: boolean; duplicate?: boolean; reorder?: boolean; seed?: number },
): Perturbed<Event>[] {
  const random = mulberry32(seed);
  const out = events.map((e, index) => ({ ...e, index, drop: false, duplicate: false }));
  const at = (i: number) => out[i] as Perturbed<Event>;
  const pickAtLeastOne = (flag: boolean, probability: number, apply: (i: number) => boolean) => {
    if (!flag || !out.length) return;
    let applied = false;
    for (let i = 0; i < out.length; i++) if (random() < probability && apply(i)) applied = true;
    // Nothing was hit by chance: apply it to the first eligible event from a random starting point.
    const from = Math.floor(random() * out.length);
    for (let k = 0; !applied && k < out.length; k++) applied = apply((from + k) % out.length);
  };
  // Never drop meeting.started: the rest of a session would make no sense to anyone.
  pickAtLeastOne(drop, 0.15, (i) => {
    const e = at(i);
    if (e.body.event === 'meeting.started' || e.drop) return false;
    e.drop = true;
    return true;
  });
  pickAtLeastOne(duplicate, 0.2, (i) => {
    const e = at(i);
    if (e.drop || e.duplicate) return false;
    e.duplicate = true;
    return true;
  });
  const swapWithNext = (i: number) => out.splice(i, 2, at(i + 1), at(i));
  if (reorder && out.length > 1) {
    let swapped = false;
    for (let i = 0; i + 1 < out.length; i++) {
      if (random() < 0.3) {
        swapWithNext(i);
        swapped = true;
        i++;
      }
    }
    if (!swapped) swapWithNext(Math.floor(random() * (out.length - 1)));
  }
  return out;
}
