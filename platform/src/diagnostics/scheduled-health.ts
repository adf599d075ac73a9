import type { Env } from '../env';
import { recordHealth, runProbes } from './health';
import { phoneHomeEnabled, sendPhoneHome } from './phone-home';

/** Scheduled health probes: one probe run, one snapshot per org, phone-home where the org allows it (§3.7). */
export async function scheduledHealth(env: Env) {
  const probes = await runProbes(env);
  const { results: orgs } = await env.DB.prepare('SELECT id FROM organizations').all<{ id: string }>();
  let phoned = 0;
  for (const { id } of orgs) {
    const report = await recordHealth(env, id, 'scheduled', probes);
    if (await phoneHomeEnabled(env, id)) {
      await sendPhoneHome(env, id, report);
      phoned++;
    }
  }
  return { orgs: orgs.length, phoned };
}
