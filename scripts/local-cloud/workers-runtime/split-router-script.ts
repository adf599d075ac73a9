// Source of the tiny Worker that fronts a split deployment (two versions, percentages): each request goes to
// one version, chosen by weight. Scheduled events go to the version with the larger share.

/** `binding`: the service binding to one version's Worker. */
export function splitRouterScript(targets: { binding: string; percentage: number }[]): string {
  return `const TARGETS = ${JSON.stringify(targets)};
function pick() {
  let r = Math.random() * 100;
  for (const t of TARGETS) { if ((r -= t.percentage) < 0) return t.binding; }
  return TARGETS[TARGETS.length - 1].binding;
}
export default {
  fetch(request, env) { return env[pick()].fetch(request); },
};
`;
}
