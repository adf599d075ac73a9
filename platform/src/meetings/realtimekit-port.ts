/**
 * What the meetings domain needs from RealtimeKit, in its own words. The production adapter
 * (rtk-adapter.ts) implements it over the typed RTK REST client; nothing else talks to RTK.
 */
export interface RealtimeKitMeetings {
  createMeeting(input: RtkMeetingInput): Promise<{ id: string }>;
  setMeetingStatus(rtkMeetingId: string, status: 'ACTIVE' | 'INACTIVE'): Promise<void>;
  addParticipant(
    rtkMeetingId: string,
    participant: { name: string; presetName: string; customParticipantId: string },
  ): Promise<{ id: string; token: string }>;
  removeParticipant(rtkMeetingId: string, rtkParticipantId: string): Promise<void>;
  refreshParticipantToken(rtkMeetingId: string, rtkParticipantId: string): Promise<{ token: string }>;
  setParticipantPreset(rtkMeetingId: string, rtkParticipantId: string, presetName: string): Promise<void>;
  kickAll(rtkMeetingId: string): Promise<void>;
  kickParticipants(rtkMeetingId: string, rtkParticipantIds: string[]): Promise<void>;
  muteAll(rtkMeetingId: string): Promise<void>;
}

export interface RtkMeetingInput {
  title: string;
  status: 'ACTIVE' | 'INACTIVE';
  recordOnStart: boolean;
  persistChat: boolean;
  transcribeOnEnd: boolean;
  summarizeOnEnd: boolean;
}
