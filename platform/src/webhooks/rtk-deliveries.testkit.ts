/**
 * Test kit (imported only by tests): the RTK webhook deliveries the local cloud made to one test file's channel
 * of the capture server (see local-rtk.testkit.ts), in the order RTK made them, each exactly as it arrived.
 */
import { inject } from 'vitest';
import type { CapturedRequest } from '../../test/capture-server';
import { localCloudUrl } from '../../test/helpers';

/** One delivery as RTK made it: the raw body and the headers it was sent with. */
export interface RtkDelivery {
  /** `rtk-uuid`: one per delivery, the same on RTK's retries. */
  uuid: string;
  event: string;
  headers: Record<string, string>;
  body: string;
}

interface LoggedDelivery {
  id: string;
  event: string;
  status: string;
}

/** Connection headers belong to the hop from the local cloud to the capture server, not to the delivery. */
const HOP_BY_HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding']);
const WAIT_MS = 15_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function loggedDeliveries(webhookId: string) {
  const response = await fetch(`${localCloudUrl}/__local/rtk/webhook-deliveries?webhook_id=${webhookId}`);
  return (await response.json<{ deliveries: LoggedDelivery[] }>()).deliveries;
}

/** What the capture server received on one channel (capture-server.ts). */
export async function channelRequests(channel: string) {
  const response = await fetch(`${inject('captureServerUrl')}/__channels/${channel}`);
  return response.json<CapturedRequest[]>();
}

const asDelivery = (logged: LoggedDelivery, request: CapturedRequest): RtkDelivery => ({
  uuid: logged.id,
  event: logged.event,
  headers: Object.fromEntries(Object.entries(request.headers).filter(([name]) => !HOP_BY_HOP.has(name))),
  body: request.body,
});

/** Reads the deliveries of one webhook from the local cloud's delivery log and the capture server's channel. */
export function deliveryCollector(channel: string, webhookId: string) {
  const handedOut = new Set<string>();
  return {
    /**
     * The deliveries RTK made since the last call, in RTK's order, once every one it did not drop has arrived
     * (RTK delivers in the background).
     */
    async collect(): Promise<RtkDelivery[]> {
      const deadline = Date.now() + WAIT_MS;
      for (;;) {
        const fresh = (await loggedDeliveries(webhookId)).filter(
          (delivery) => delivery.status !== 'dropped' && !handedOut.has(delivery.id),
        );
        const arrived = new Map(
          (await channelRequests(channel)).map((request) => [request.headers['rtk-uuid'], request]),
        );
        if (fresh.every((delivery) => arrived.has(delivery.id))) {
          for (const delivery of fresh) handedOut.add(delivery.id);
          return fresh.map((delivery) => asDelivery(delivery, arrived.get(delivery.id)!));
        }
        if (Date.now() > deadline) throw new Error(`RTK deliveries did not arrive within ${WAIT_MS} ms`);
        await sleep(20);
      }
    },
  };
}
