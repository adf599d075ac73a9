/** The RTK webhook events Castio registers for and handles (docs/rtk.md#webhook-events). */
export const RTK_EVENT_TYPES = [
  'meeting.started',
  'meeting.ended',
  'meeting.participantJoined',
  'meeting.participantLeft',
  'meeting.chatSynced',
  'recording.statusUpdate',
  'livestreaming.statusUpdate',
  'meeting.transcript',
  'meeting.summary',
] as const;
export type RtkEventType = (typeof RTK_EVENT_TYPES)[number];

export const isKnownEventType = (type: string): type is RtkEventType =>
  (RTK_EVENT_TYPES as readonly string[]).includes(type);
