import type { MeetingStatus } from './schemas';

/**
 * The meeting lifecycle of spec §6.3 as data: which event moves a meeting from which status to which, and what
 * RealtimeKit must be told for it. Pure; the lifecycle service performs the RTK effect and the D1 write.
 */
export const MEETING_EVENTS = ['schedule', 'start', 'activate', 'end', 'cancel'] as const;
export type MeetingEvent = (typeof MEETING_EVENTS)[number];

/**
 * - `create_active_meeting`: POST /meetings (RTK meetings are ACTIVE when created), then record its id.
 * - `deactivate_and_kick`: kick everyone from the live session and PATCH the meeting INACTIVE.
 * - `deactivate_if_created`: PATCH INACTIVE when an RTK meeting exists (none for a meeting never started).
 */
export type RtkEffect = 'none' | 'create_active_meeting' | 'deactivate_and_kick' | 'deactivate_if_created';

interface Transition {
  from: MeetingStatus;
  event: MeetingEvent;
  to: MeetingStatus;
  rtk: RtkEffect;
}

export const TRANSITIONS: readonly Transition[] = [
  { from: 'draft', event: 'schedule', to: 'scheduled', rtk: 'none' },
  { from: 'draft', event: 'start', to: 'active', rtk: 'create_active_meeting' },
  { from: 'scheduled', event: 'activate', to: 'active', rtk: 'create_active_meeting' },
  // A host starting a scheduled meeting early is the same transition as the cron activating it.
  { from: 'scheduled', event: 'start', to: 'active', rtk: 'create_active_meeting' },
  { from: 'active', event: 'end', to: 'ended', rtk: 'deactivate_and_kick' },
  // "any → cancelled" (§6.3) for every status a meeting can still be used in; ended meetings are history.
  { from: 'draft', event: 'cancel', to: 'cancelled', rtk: 'none' },
  { from: 'scheduled', event: 'cancel', to: 'cancelled', rtk: 'deactivate_if_created' },
  { from: 'active', event: 'cancel', to: 'cancelled', rtk: 'deactivate_and_kick' },
];

export type TransitionResult =
  | { ok: true; to: MeetingStatus; rtk: RtkEffect }
  | { ok: false; from: MeetingStatus; event: MeetingEvent; allowed: MeetingEvent[] };

/** Where `event` takes a meeting in status `from`, or why it cannot happen (with the events that could). */
export function transition(from: MeetingStatus, event: MeetingEvent): TransitionResult {
  const found = TRANSITIONS.find((candidate) => candidate.from === from && candidate.event === event);
  if (found) return { ok: true, to: found.to, rtk: found.rtk };
  const allowed = TRANSITIONS.filter((candidate) => candidate.from === from).map((candidate) => candidate.event);
  return { ok: false, from, event, allowed };
}

const EVENT_WORDS: Record<MeetingEvent, string> = {
  schedule: 'scheduled',
  start: 'started',
  activate: 'activated',
  end: 'ended',
  cancel: 'cancelled',
};

/** Plain-language reason for a refused transition, e.g. "A meeting that has ended cannot be started." */
export function refusalMessage(from: MeetingStatus, event: MeetingEvent): string {
  const state: Record<MeetingStatus, string> = {
    draft: 'is a draft',
    scheduled: 'is scheduled',
    active: 'is already running',
    ended: 'has ended',
    cancelled: 'was cancelled',
  };
  return `This meeting ${state[from]}, so it cannot be ${EVENT_WORDS[event]}.`;
}
