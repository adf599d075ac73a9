// Seeded perturbation of a webhook event stream: drop some, duplicate some, swap some neighbours. When a
// perturbation is asked for, it happens at least once, so a test can rely on it.
import { mulberry32 } from '../faults/seeded-random.ts';

/**
 * @param {{ appId: string, body: any }[]} events in true order
 * @param {{ drop?: boolean, duplicate?: boolean, reorder?: boolean, seed?: number }} options
 * @returns {{ appId: string, body: any, drop: boolean, duplicate: boolean, index: number }[]} delivery order
 */
export function perturb(events, { drop = false, duplicate = false, reorder = false, seed = 1 }) {
  const random = mulberry32(seed);
  const out = events.map((e, index) => ({ ...e, index, drop: false, duplicate: false }));
  const pickAtLeastOne = (flag, probability, apply) => {
    if (!flag || !out.length) return;
    let applied = false;
    for (let i = 0; i < out.length; i++) if (random() < probability && apply(i)) applied = true;
    // Nothing was hit by chance: apply it to the first eligible event from a random starting point.
    const from = Math.floor(random() * out.length);
    for (let k = 0; !applied && k < out.length; k++) applied = apply((from + k) % out.length);
  };
  // Never drop meeting.started: the rest of a session would make no sense to anyone.
  pickAtLeastOne(drop, 0.15, (i) => {
    if (out[i].body.event === 'meeting.started' || out[i].drop) return false;
    out[i].drop = true;
    return true;
  });
  pickAtLeastOne(duplicate, 0.2, (i) => {
    if (out[i].drop || out[i].duplicate) return false;
    out[i].duplicate = true;
    return true;
  });
  if (reorder && out.length > 1) {
    let swapped = false;
    for (let i = 0; i + 1 < out.length; i++) {
      if (random() < 0.3) {
        [out[i], out[i + 1]] = [out[i + 1], out[i]];
        swapped = true;
        i++;
      }
    }
    if (!swapped) {
      const i = Math.floor(random() * (out.length - 1));
      [out[i], out[i + 1]] = [out[i + 1], out[i]];
    }
  }
  return out;
}
