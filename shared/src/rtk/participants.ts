import { z } from 'zod';
import { pageQuery, type RtkPage, type RtkPageQuery } from './envelope';
import { lenient, rtkId } from './fields';
import { pathPart, type RtkTransport } from './transport';

export const rtkParticipantSchema = z.looseObject({
  id: rtkId,
  name: lenient.string,
  picture: lenient.string,
  preset_name: lenient.string,
  custom_participant_id: lenient.string,
  created_at: lenient.string,
  updated_at: lenient.string,
});
export type RtkParticipant = z.output<typeof rtkParticipantSchema>;

/** The join token is the whole point of adding a participant: without it the answer is unusable. */
const addedParticipantSchema = rtkParticipantSchema.extend({ token: rtkId });
const tokenSchema = z.looseObject({ token: rtkId });

export interface RtkParticipantAdd {
  name: string;
  presetName: string;
  /** Our stable internal id for the person; never an e-mail or phone number (docs/rtk.md#participants). */
  customParticipantId: string;
  picture?: string;
}

export interface RtkParticipantPatch {
  name?: string;
  presetName?: string;
  picture?: string;
}

export interface RtkParticipantsApi {
  add(meetingId: string, input: RtkParticipantAdd): Promise<RtkParticipant & { token: string }>;
  list(meetingId: string, q?: RtkPageQuery): Promise<RtkPage<RtkParticipant>>;
  get(meetingId: string, participantId: string): Promise<RtkParticipant>;
  /** A preset change issues a new token (RTK answers with it; it is kept among the loose fields). */
  update(meetingId: string, participantId: string, patch: RtkParticipantPatch): Promise<RtkParticipant>;
  remove(meetingId: string, participantId: string): Promise<void>;
  /** A fresh join token once the old one expired, instead of adding the person again. */
  refreshToken(meetingId: string, participantId: string): Promise<{ token: string }>;
}

export function participantsApi(rtk: RtkTransport): RtkParticipantsApi {
  const base = (meetingId: string) => `/meetings/${pathPart(meetingId)}/participants`;
  const one = (meetingId: string, participantId: string) => `${base(meetingId)}/${pathPart(participantId)}`;
  return {
    add: (meetingId, input) =>
      rtk.data(
        {
          method: 'POST',
          path: base(meetingId),
          body: {
            name: input.name,
            preset_name: input.presetName,
            custom_participant_id: input.customParticipantId,
            picture: input.picture,
          },
          idempotent: false,
          what: `add a participant to meeting ${meetingId}`,
        },
        addedParticipantSchema,
      ),
    list: (meetingId, q) =>
      rtk.page(
        {
          method: 'GET',
          path: base(meetingId),
          query: pageQuery(q),
          idempotent: true,
          what: `list the participants of meeting ${meetingId}`,
        },
        z.array(rtkParticipantSchema),
      ),
    get: (meetingId, participantId) =>
      rtk.data(
        {
          method: 'GET',
          path: one(meetingId, participantId),
          idempotent: true,
          what: `get participant ${participantId} of meeting ${meetingId}`,
        },
        rtkParticipantSchema,
      ),
    update: (meetingId, participantId, patch) =>
      rtk.data(
        {
          method: 'PATCH',
          path: one(meetingId, participantId),
          body: { name: patch.name, preset_name: patch.presetName, picture: patch.picture },
          idempotent: true,
          what: `update participant ${participantId} of meeting ${meetingId}`,
        },
        rtkParticipantSchema,
      ),
    remove: (meetingId, participantId) =>
      rtk.send({
        method: 'DELETE',
        path: one(meetingId, participantId),
        idempotent: true,
        what: `remove participant ${participantId} from meeting ${meetingId}`,
      }),
    // Not retried: whether RTK revokes the previous token on refresh is undocumented (docs/rtk.md#open-questions q2).
    refreshToken: (meetingId, participantId) =>
      rtk.data(
        {
          method: 'POST',
          path: `${one(meetingId, participantId)}/token`,
          idempotent: false,
          what: `refresh the token of participant ${participantId}`,
        },
        tokenSchema,
      ),
  };
}
