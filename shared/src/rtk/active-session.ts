import { rtkSessionSchema, type RtkSession } from './sessions';
import { pathPart, type RtkTransport } from './transport';

export type RtkActiveSession = RtkSession;

/** Whom a kick or mute is for: RTK participant ids, our custom ids, or both. */
export interface RtkParticipantSelector {
  participantIds?: string[];
  customParticipantIds?: string[];
}

export interface RtkActiveSessionApi {
  /** Null when the meeting has no live session (RTK answers 404). */
  get(meetingId: string): Promise<RtkActiveSession | null>;
  kick(meetingId: string, by: RtkParticipantSelector): Promise<void>;
  /** Ends the session and its recordings: with `status: INACTIVE` the only server-side "end meeting". */
  kickAll(meetingId: string): Promise<void>;
  mute(meetingId: string, by: RtkParticipantSelector): Promise<void>;
  /** `allowUnmute: false` keeps them muted. */
  muteAll(meetingId: string, options?: { allowUnmute?: boolean }): Promise<void>;
}

const selectorBody = (by: RtkParticipantSelector) => ({
  participant_ids: by.participantIds,
  custom_participant_ids: by.customParticipantIds,
});

// Kicking or muting someone twice leaves them kicked or muted: every action here is safe to retry.
export function activeSessionApi(rtk: RtkTransport): RtkActiveSessionApi {
  const base = (meetingId: string) => `/meetings/${pathPart(meetingId)}/active-session`;
  return {
    get: (meetingId) =>
      rtk.dataOrNull(
        {
          method: 'GET',
          path: base(meetingId),
          idempotent: true,
          what: `get the live session of meeting ${meetingId}`,
        },
        rtkSessionSchema,
      ),
    kick: (meetingId, by) =>
      rtk.send({
        method: 'POST',
        path: `${base(meetingId)}/kick`,
        body: selectorBody(by),
        idempotent: true,
        what: `remove participants from the live session of meeting ${meetingId}`,
      }),
    kickAll: (meetingId) =>
      rtk.send({
        method: 'POST',
        path: `${base(meetingId)}/kick-all`,
        idempotent: true,
        what: `end the live session of meeting ${meetingId}`,
      }),
    mute: (meetingId, by) =>
      rtk.send({
        method: 'POST',
        path: `${base(meetingId)}/mute`,
        body: selectorBody(by),
        idempotent: true,
        what: `mute participants in meeting ${meetingId}`,
      }),
    muteAll: (meetingId, options = {}) =>
      rtk.send({
        method: 'POST',
        path: `${base(meetingId)}/mute-all`,
        body: { allow_unmute: options.allowUnmute },
        idempotent: true,
        what: `mute everyone in meeting ${meetingId}`,
      }),
  };
}
