/** Runs `request` sequentially `count` times (after a short warm-up); every answer must be 2xx. */
export async function measure(name, count, request) {
  for (let i = 0; i < 5; i++) await (await request()).arrayBuffer();
  const times = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await request();
    await response.arrayBuffer();
    times.push(performance.now() - started);
    if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
  }
  times.sort((a, b) => a - b);
  const at = (fraction) => times[Math.min(times.length - 1, Math.floor(fraction * times.length))];
  return { name, count, median: at(0.5), p95: at(0.95), p99: at(0.99) };
}

/** Prints each row with its median as a ratio of the baseline row measured in the same run. */
export function printTable(rows, baseline) {
  console.log(
    'route'.padEnd(34),
    'n'.padStart(5),
    'median ms'.padStart(10),
    'p95 ms'.padStart(8),
    'p99 ms'.padStart(8),
    'ratio'.padStart(7),
  );
  for (const row of rows) {
    console.log(
      row.name.padEnd(34),
      String(row.count).padStart(5),
      row.median.toFixed(2).padStart(10),
      row.p95.toFixed(2).padStart(8),
      row.p99.toFixed(2).padStart(8),
      `${(row.median / baseline.median).toFixed(1)}×`.padStart(7),
    );
  }
}
