// Delivers RTK webhooks like RTK: POST of the JSON body, signed (rtk-signature), with rtk-uuid and rtk-webhook-id.
// 2xx = delivered; 5xx or a network error/timeout = retried with exponential backoff (same rtk-uuid);
// any other status = failed, not retried (docs/rtk.md#webhook-delivery). First attempts go out in emission order per webhook.
// Every delivery and attempt is kept in a log (last 2,000 deliveries, saved beside the state).
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../error-message.ts';
import type { FaultPlan } from '../faults/fault-plan.ts';
import { isOneOf } from '../http/request-body.ts';
import type { StateStore } from '../state/store.ts';
import type { WebhookBody } from './webhook-payloads.ts';
import type { WebhookSigningKey } from './webhook-signing-key.ts';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Of one attempt. */
  timeoutMs: number;
}

export interface DeliveryAttempt {
  at: string;
  status?: number;
  error?: string;
  duration_ms?: number;
}

export interface Delivery {
  /** Also its `rtk-uuid`. */
  id: string;
  webhook_id: string;
  app_id: string;
  url: string;
  event: string;
  status: 'pending' | 'retrying' | 'delivered' | 'failed' | 'dropped';
  /** The second copy of a duplicated event. */
  duplicate: boolean;
  created_at: string;
  attempts: DeliveryAttempt[];
  next_attempt_at?: string;
  body: string;
}

/** A dropped event is logged, never sent; a duplicate is sent twice (the second copy with its own rtk-uuid). */
export interface Perturbation {
  drop?: boolean;
  duplicate?: boolean;
}

export class WebhookDispatcher {
  readonly store: StateStore;
  readonly key: WebhookSigningKey;
  readonly faults: FaultPlan;
  readonly retry: RetryPolicy;
  readonly file: string;
  /** The last 2,000 deliveries. */
  readonly log: Delivery[];
  /** Per webhook, the first attempts in emission order. */
  readonly #chains = new Map<string, Promise<void>>();
  /** Queued attempts and retries still to run. */
  #pending = 0;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #waiters: (() => void)[] = [];
  #saveTimer: NodeJS.Timeout | null = null;
  #closed = false;

  constructor({
    store,
    key,
    stateDir,
    faults,
    retry = {},
  }: {
    store: StateStore;
    key: WebhookSigningKey;
    stateDir: string;
    faults: FaultPlan;
    retry?: Partial<RetryPolicy>;
  }) {
    this.store = store;
    this.key = key;
    this.faults = faults;
    this.retry = { maxAttempts: 6, baseDelayMs: 2000, maxDelayMs: 5 * 60_000, timeoutMs: 10_000, ...retry };
    this.file = join(stateDir, 'rtk-webhook-deliveries.json');
    this.log = existsSync(this.file) ? JSON.parse(readFileSync(this.file, 'utf8')) : [];
    // Deliveries that were in flight when the cloud stopped are retried on start.
    for (const d of this.log) if (d.status === 'pending' || d.status === 'retrying') this.#schedule(d, 0);
  }

  /** Sends an event to every enabled webhook of the app subscribed to it; returns the delivery records. */
  emit(appId: string, body: WebhookBody, perturb: Perturbation = {}): Delivery[] {
    return this.emitRaw(appId, body.event, JSON.stringify(body), perturb);
  }

  /**
   * As `emit`, for a body given as text (so a test can send what RTK might send but the session engine never
   * does: a payload of another shape, or bytes that are not JSON), to the app's webhooks subscribed to `event`.
   */
  emitRaw(appId: string, event: string, raw: string, perturb: Perturbation = {}): Delivery[] {
    const hooks = this.store.data.rtk.webhooks.filter(
      (w) => w.app_id === appId && w.enabled && isOneOf(w.events, event),
    );
    const records: Delivery[] = [];
    for (const hook of hooks) {
      const copies = perturb.duplicate ? 2 : 1;
      for (let i = 0; i < copies; i++) {
        const record: Delivery = {
          id: randomUUID(),
          webhook_id: hook.id,
          app_id: appId,
          url: hook.url,
          event,
          status: perturb.drop ? 'dropped' : 'pending',
          duplicate: i > 0,
          created_at: new Date().toISOString(),
          attempts: [],
          body: raw,
        };
        this.log.push(record);
        records.push(record);
        if (!perturb.drop) this.#enqueue(record);
      }
    }
    if (this.log.length > 2000) this.log.splice(0, this.log.length - 2000);
    this.#saveSoon();
    return records;
  }

  #enqueue(record: Delivery) {
    this.#pending++;
    const previous = this.#chains.get(record.webhook_id) ?? Promise.resolve();
    const next = previous.then(() => this.#attempt(record));
    this.#chains.set(record.webhook_id, next);
  }

  #schedule(record: Delivery, delayMs: number) {
    this.#pending++;
    record.status = 'retrying';
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#attempt(record);
    }, delayMs);
    this.#timers.add(timer);
  }

  async #attempt(record: Delivery): Promise<void> {
    if (this.#closed) return this.#settle();
    const started = Date.now();
    const attempt: DeliveryAttempt = { at: new Date().toISOString() };
    record.attempts.push(attempt);
    let retryable = false;
    try {
      const fault = this.faults.decide('webhook', 'POST', record.url);
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (fault.timeout) throw new Error('injected timeout');
      if (fault.fail) throw new Error(`injected network error (${fault.fail.status})`);
      const response = await fetch(record.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'RealtimeKit-Webhooks/1.0 (local cloud)',
          'rtk-signature': this.key.sign(record.body),
          'rtk-uuid': record.id,
          'rtk-webhook-id': record.webhook_id,
        },
        body: record.body,
        signal: AbortSignal.timeout(this.retry.timeoutMs),
      });
      await response.arrayBuffer().catch(() => {});
      attempt.status = response.status;
      if (response.ok) record.status = 'delivered';
      else if (response.status >= 500) retryable = true;
      else record.status = 'failed';
    } catch (error) {
      attempt.error = errorMessage(error);
      retryable = true;
    }
    attempt.duration_ms = Date.now() - started;
    if (retryable) {
      if (record.attempts.length < this.retry.maxAttempts && !this.#closed) {
        const delay = Math.min(this.retry.baseDelayMs * 2 ** (record.attempts.length - 1), this.retry.maxDelayMs);
        record.next_attempt_at = new Date(Date.now() + delay).toISOString();
        this.#schedule(record, delay);
      } else record.status = 'failed';
    }
    this.#saveSoon();
    this.#settle();
  }

  #settle() {
    this.#pending--;
    if (this.#pending === 0) for (const resolve of this.#waiters.splice(0)) resolve();
  }

  /** Resolves when nothing is queued or waiting for a retry. */
  idle(): Promise<void> {
    if (this.#pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #saveSoon() {
    if (this.#saveTimer) return;
    this.#saveTimer = setTimeout(() => {
      this.#saveTimer = null;
      this.save();
    }, 200);
  }

  save(): void {
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(this.log));
    renameSync(temp, this.file);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    if (this.#saveTimer) clearTimeout(this.#saveTimer);
    this.save();
  }
}
