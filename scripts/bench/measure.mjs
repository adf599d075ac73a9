const WARM_UP_CALLS = 5;

/** Runs `request` sequentially `count` times (after a short warm-up); every answer must be 2xx. */
export async function measure(name, count, request) {
  await warmUp(request);
  const times = [];
  for (let i = 0; i < count; i++) {
    const { elapsed, response } = await timed(request);
    times.push(elapsed);
    if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  }
  return summarize(name, times);
}

/**
 * Like `measure` for several `{ name, request }` at once, taking turns (one of each per round): load that comes
 * and goes on the machine, and state that grows with every request (tables, the local cloud's document), weigh
 * on every row alike. Every answer (warm-up too) is checked; after the run, any that was not 2xx fails it, with
 * the counts per status.
 */
export async function measureInterleaved(count, entries) {
  const results = entries.map(() => ({ times: [], failures: new Map() }));
  for (let round = -WARM_UP_CALLS; round < count; round++) {
    for (const [index, { request }] of entries.entries()) {
      const { elapsed, response } = await timed(request);
      const result = results[index];
      if (round >= 0) result.times.push(elapsed);
      if (!response.ok) result.failures.set(response.status, (result.failures.get(response.status) ?? 0) + 1);
    }
  }
  const failed = entries.flatMap(({ name }, index) =>
    [...results[index].failures].map(([status, times]) => `${name}: ${times} × HTTP ${status}`),
  );
  if (failed.length) {
    throw new Error(`Requests failed (of ${count + WARM_UP_CALLS} each, warm-up included):\n  ${failed.join('\n  ')}`);
  }
  return entries.map(({ name }, index) => summarize(name, results[index].times));
}

/** A few unmeasured calls first: JIT, connection pools and caches are warm when timing starts. */
async function warmUp(request) {
  for (let i = 0; i < WARM_UP_CALLS; i++) await (await request()).arrayBuffer();
}

/** One request, body read to the end. */
async function timed(request) {
  const started = performance.now();
  const response = await request();
  await response.arrayBuffer();
  return { elapsed: performance.now() - started, response };
}

function summarize(name, times) {
  times.sort((a, b) => a - b);
  const at = (fraction) => times[Math.min(times.length - 1, Math.floor(fraction * times.length))];
  return { name, count: times.length, median: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** Prints each row with its median and p99 as ratios of the baseline row's, measured in the same run. */
export function printTable(rows, baseline) {
  console.log(
    'route'.padEnd(34),
    'n'.padStart(5),
    'median ms'.padStart(10),
    'p95 ms'.padStart(8),
    'p99 ms'.padStart(8),
    'ratio'.padStart(7),
    'p99 ratio'.padStart(10),
  );
  for (const row of rows) {
    console.log(
      row.name.padEnd(34),
      String(row.count).padStart(5),
      row.median.toFixed(2).padStart(10),
      row.p95.toFixed(2).padStart(8),
      row.p99.toFixed(2).padStart(8),
      `${(row.median / baseline.median).toFixed(1)}×`.padStart(7),
      `${(row.p99 / baseline.p99).toFixed(1)}×`.padStart(10),
    );
  }
}
