/**
 * What a dev command has started (local cloud, platform, its crons, …), stopped newest first and exactly once:
 * on Ctrl-C or SIGTERM, when one of them ends on its own, or when starting the next one fails. Later pieces
 * depend on earlier ones (the platform calls the cloud), hence the order.
 */
export function createServiceStack() {
  const services = [];
  let stopping = null;

  const stopAll = () => {
    stopping ??= (async () => {
      for (const { name, stop } of [...services].reverse()) {
        try {
          await stop();
        } catch (error) {
          console.error(`Stopping ${name} failed: ${error?.message ?? error}`);
        }
      }
    })();
    return stopping;
  };

  /** Stops everything, then exits with `code` (after printing `message`, if any). */
  const exit = async (code, message) => {
    if (message) console.error(message);
    await stopAll();
    process.exit(code);
  };

  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => exit(0));

  return {
    /** @template {{ stop: () => unknown }} T @param {string} name @param {T} service @returns {T} */
    add(name, service) {
      services.push({ name, stop: () => service.stop() });
      return service;
    },
    /** When `ended` resolves while nothing is being stopped, `name` died: take the rest down and fail. */
    exitWhenEnded(name, ended) {
      ended.then((code) => {
        if (!stopping) exit(1, `${name} stopped on its own (exit code ${code}); stopping the rest.`);
      });
    },
    exit,
  };
}
