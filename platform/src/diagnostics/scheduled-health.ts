import type { Env } from '../env';
import { listOrgIds } from '../org/queries';
import { recordHealth, runProbes } from './health';
import { phoneHomeEnabled, sendPhoneHome } from './phone-home';

/** Scheduled health probes: one probe run, one snapshot per org, phone-home where the org allows it (§3.7). */
export async function scheduledHealth(env: Env) {
  const probes = await runProbes(env);
  const orgs = await listOrgIds(env.DB);
  let phoned = 0;
  for (const id of orgs) {
    const report = await recordHealth(env, id, 'scheduled', probes);
    if (await phoneHomeEnabled(env, id)) {
      await sendPhoneHome(env, id, report);
      phoned++;
    }
  }
  return { orgs: orgs.length, phoned };
}
