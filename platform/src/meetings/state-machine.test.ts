import { describe, expect, it } from 'vitest';
import { MEETING_STATUSES, type MeetingStatus } from './schemas';
import { MEETING_EVENTS, type MeetingEvent, refusalMessage, transition } from './state-machine';

// Written out by hand from the §6.3 diagram and table, so the module is checked against the spec, not itself.
const LEGAL: Record<string, [MeetingStatus, string]> = {
  'draft:schedule': ['scheduled', 'none'],
  'draft:start': ['active', 'create_active_meeting'],
  'draft:cancel': ['cancelled', 'none'],
  'scheduled:activate': ['active', 'create_active_meeting'],
  'scheduled:start': ['active', 'create_active_meeting'],
  'scheduled:cancel': ['cancelled', 'deactivate_if_created'],
  'active:end': ['ended', 'deactivate_and_kick'],
  'active:cancel': ['cancelled', 'deactivate_and_kick'],
};

describe('meeting state machine (§6.3)', () => {
  const cells = MEETING_STATUSES.flatMap((from) => MEETING_EVENTS.map((event) => [from, event] as const));

  it('covers every status × event (5 × 5)', () => {
    expect(cells).toHaveLength(25);
  });

  it.each(cells)('%s + %s', (from: MeetingStatus, event: MeetingEvent) => {
    const result = transition(from, event);
    const expected = LEGAL[`${from}:${event}`];
    if (expected) {
      expect(result).toEqual({ ok: true, to: expected[0], rtk: expected[1] });
    } else {
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.from).toBe(from);
        const allowed = Object.keys(LEGAL)
          .filter((key) => key.startsWith(`${from}:`))
          .map((key) => key.split(':')[1]);
        expect(result.allowed.sort()).toEqual(allowed.sort());
      }
    }
  });

  it('treats ended and cancelled as final', () => {
    for (const event of MEETING_EVENTS) {
      expect(transition('ended', event).ok).toBe(false);
      expect(transition('cancelled', event).ok).toBe(false);
    }
  });

  it('explains a refusal in plain words', () => {
    expect(refusalMessage('ended', 'start')).toBe('This meeting has ended, so it cannot be started.');
    expect(refusalMessage('active', 'activate')).toBe('This meeting is already running, so it cannot be activated.');
  });
});
