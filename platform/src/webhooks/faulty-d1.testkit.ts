/**
 * Test kit (imported only by tests): storage failures for the real D1 binding. workerd's D1 has no fault
 * injection, so this wraps it: every query still runs against the real database, except the chosen one, which
 * throws as a D1 outage would. The local cloud plays the same part for RTK.
 */

const QUERY_METHODS = new Set<PropertyKey>(['run', 'first', 'all', 'raw']);

/** A D1 binding whose n-th next operation (a statement's query or a batch) throws once. */
export function faultyDb(real: D1Database) {
  let countdown = 0;
  const realOf = new WeakMap<object, D1PreparedStatement>();
  const tick = () => {
    if (countdown > 0 && --countdown === 0) throw new Error('D1_ERROR: injected failure');
  };
  const forward = (target: object, property: PropertyKey) => {
    const value: unknown = Reflect.get(target, property, target);
    return typeof value === 'function' ? value.bind(target) : value;
  };
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(statement, {
      get(target, property) {
        if (property === 'bind') return (...values: unknown[]) => wrap(target.bind(...values));
        const value = forward(target, property);
        if (!QUERY_METHODS.has(property) || typeof value !== 'function') return value;
        // Async, so the failure is a rejected promise, as D1's own errors are.
        return async (...args: unknown[]) => {
          tick();
          return value(...args);
        };
      },
    });
    realOf.set(proxy, statement);
    return proxy;
  };
  const db = new Proxy(real, {
    get(target, property) {
      if (property === 'prepare') return (sql: string) => wrap(target.prepare(sql));
      if (property === 'batch')
        return async (statements: D1PreparedStatement[]) => {
          tick();
          return target.batch(statements.map((statement) => realOf.get(statement) ?? statement));
        };
      return forward(target, property);
    },
  });
  return {
    db,
    /** The n-th D1 operation from now fails (1 = the very next one); 0 disarms. */
    failAt(n: number) {
      countdown = n;
    },
  };
}
