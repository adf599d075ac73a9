// What the session player is asked to play (`POST /__local/rtk/sessions/play`, `npm run session`).
import { z } from 'zod';
import { RtkApiError } from '../realtimekit/rtk-envelope.ts';
import { firstIssue } from '../realtimekit/rtk-schemas.ts';

const flag = z.boolean().optional();

export const playOptions = z.object({
  meetingId: z.string({ error: '`meetingId` is required' }),
  /** Participants already added to the meeting (as an app's join flow adds them), who take part first; an id
   * listed twice joins from two devices. */
  participantIds: z.array(z.string(), { error: 'participantIds must be participant ids' }).optional(),
  /** More participants to add: default 3 without `participantIds`, else 0. */
  participants: z.number().int().min(0).optional(),
  /** How long it lasted (it ends now); default 10. */
  minutes: z
    .number()
    .gt(0, 'minutes must be within (0, 1440]')
    .max(24 * 60, 'minutes must be within (0, 1440]')
    .optional(),
  record: flag,
  recordingOutcome: z.enum(['UPLOADED', 'ERRORED']).optional(),
  livestream: flag,
  /** Default: twice the participants added. */
  chatMessages: z.number().int().min(0).optional(),
  /** Default true. */
  transcript: flag,
  /** Default true (with a transcript). */
  summary: flag,
  duplicate: flag,
  reorder: flag,
  drop: flag,
  seed: z.number().optional(),
  /** Of the post-meeting download URLs. */
  urlTtlSeconds: z.number().positive().optional(),
  /** How long the answer waits for first delivery attempts; default 10 s. */
  waitMs: z.number().min(0).optional(),
});

export type PlayOptions = z.infer<typeof playOptions>;

export function parsePlayOptions(input: unknown): PlayOptions {
  const parsed = playOptions.safeParse(input);
  if (!parsed.success) throw new RtkApiError(400, firstIssue(parsed.error));
  return parsed.data;
}
