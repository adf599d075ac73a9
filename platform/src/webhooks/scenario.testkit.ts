/**
 * A played meeting session and its ground truth (test-only): the events RTK would send for it, and the rows
 * the platform must end with. Used to check that duplicates, reordering, drops and failures change nothing.
 */
import { type FakeRtk, meetingObject } from './fake-rtk.testkit';

export interface PeerPlan {
  peerId: string;
  customParticipantId: string;
  name: string;
  joinedAt: string;
  leftAt: string;
  isUser: boolean;
}

export interface Scenario {
  rtkMeetingId: string;
  rtkSessionId: string;
  events: { key: string; payload: any }[];
  truth: {
    startedAt: string;
    endedAt: string;
    durationSeconds: number;
    totalParticipants: number;
    peak: number;
    peers: Record<string, { joinedAt: string; leftAt: string; durationSeconds: number }>;
    recordingId: string;
    recordingStatuses: string[];
    transcriptFinalEntries: number;
    summary: string;
    chatMessages: number;
    pinnedMessages: number;
    notifiedUsers: string[];
  };
}

const at = (base: number, seconds: number) => new Date(base + seconds * 1000).toISOString();

/** Peak concurrency by a sweep over [join, leave) intervals (a leave at t happens before a join at t). */
export function peakOf(intervals: { joinedAt: string; leftAt: string }[]) {
  const points = intervals.flatMap((interval) => [
    { t: interval.joinedAt, d: 1 },
    { t: interval.leftAt, d: -1 },
  ]);
  points.sort((a, b) => a.t.localeCompare(b.t) || a.d - b.d);
  let current = 0;
  let peak = 0;
  for (const point of points) {
    current += point.d;
    peak = Math.max(peak, current);
  }
  return peak;
}

export function buildScenario(
  fake: FakeRtk,
  input: { rtkMeetingId: string; users: { id: string }[]; guests: number; seed: number; startMs?: number },
): Scenario {
  const base = input.startMs ?? Date.UTC(2026, 10, 20, 10, 0, 0);
  const rtkSessionId = `sess-${input.seed}-${crypto.randomUUID().slice(0, 8)}`;
  const duration = 1800 + (input.seed % 7) * 60;
  const peers: PeerPlan[] = [];
  let n = 0;
  for (const user of input.users) {
    const join = 5 + ((input.seed + n * 37) % 300);
    const leave = n % 2 === 0 ? duration : Math.min(duration, join + 200 + ((input.seed * 13 + n) % 900));
    peers.push({
      peerId: `peer-${rtkSessionId}-${n}`,
      customParticipantId: user.id,
      name: `User ${n}`,
      joinedAt: at(base, join),
      leftAt: at(base, leave),
      isUser: true,
    });
    n++;
  }
  for (let guest = 0; guest < input.guests; guest++) {
    const join = 30 + ((input.seed + n * 53) % 600);
    const leave = Math.min(duration, join + 120 + ((input.seed + n * 7) % 400));
    peers.push({
      peerId: `peer-${rtkSessionId}-${n}`,
      customParticipantId: `guest-${rtkSessionId}-${guest}`,
      name: `Guest ${guest}`,
      joinedAt: at(base, join),
      leftAt: at(base, leave),
      isUser: false,
    });
    n++;
  }
  // One user drops and rejoins: a second peer for the same person.
  if (input.users.length > 0) {
    const first = peers[0]!;
    peers.push({
      ...first,
      peerId: `${first.peerId}-re`,
      joinedAt: at(base, duration - 100),
      leftAt: at(base, duration),
    });
    peers[0] = { ...first, leftAt: at(base, Math.min(duration - 150, 400)) };
  }
  const startedAt = at(base, 0);
  const endedAt = at(base, duration);
  const meeting = (ended = false) =>
    meetingObject(input.rtkMeetingId, rtkSessionId, { startedAt, ...(ended ? { endedAt } : {}) });
  const recordingId = `rec-${rtkSessionId}`;
  const events: Scenario['events'] = [{ key: 'started', payload: { event: 'meeting.started', meeting: meeting() } }];
  for (const peer of peers) {
    const participant = {
      peerId: peer.peerId,
      userDisplayName: peer.name,
      customParticipantId: peer.customParticipantId,
      clientSpecificId: peer.customParticipantId,
      joinedAt: peer.joinedAt,
    };
    events.push({
      key: `join-${peer.peerId}`,
      payload: { event: 'meeting.participantJoined', meeting: meeting(), participant },
    });
    events.push({
      key: `leave-${peer.peerId}`,
      payload: {
        event: 'meeting.participantLeft',
        meeting: meeting(),
        participant: { ...participant, leftAt: peer.leftAt },
      },
    });
  }
  const recordingStatuses = ['INVOKED', 'RECORDING', 'UPLOADING', 'UPLOADED'];
  for (const status of recordingStatuses) {
    const uploaded = status === 'UPLOADED';
    events.push({
      key: `rec-${status}`,
      payload: {
        event: 'recording.statusUpdate',
        meeting: meeting(),
        recording: {
          id: recordingId,
          recordingId,
          status,
          meetingId: input.rtkMeetingId,
          organizationId: 'o',
          downloadUrl: uploaded ? `${'https://files.rtk.test'}/rec/${recordingId}.mp4` : null,
          downloadUrlExpiry: uploaded ? at(base, 7 * 86400) : null,
          startedTime: at(base, 10),
          stoppedTime: uploaded ? endedAt : null,
          fileSize: uploaded ? '1048576' : null,
          recordingDuration: uploaded ? duration - 10 : null,
        },
      },
    });
  }
  fake.recordings.set(recordingId, {
    id: recordingId,
    status: 'UPLOADED',
    download_url: `https://files.rtk.test/rec/${recordingId}.mp4`,
    download_url_expiry: at(base, 7 * 86400),
    recording_duration: duration - 10,
    file_size: 1048576,
    video_config: { codec: 'H264' },
    storage_config: null,
  });
  events.push({
    key: 'ended',
    payload: { event: 'meeting.ended', meeting: meeting(true), reason: 'ALL_PARTICIPANTS_LEFT' },
  });
  const transcript = peers.flatMap((peer, index) => [
    {
      id: `t${index}a`,
      name: peer.name,
      peerId: peer.peerId,
      customParticipantId: peer.customParticipantId,
      transcript: `Partial ${index}`,
      isPartialTranscript: true,
      timestamp: Date.parse(peer.joinedAt) + 1000,
    },
    {
      id: `t${index}b`,
      name: peer.name,
      peerId: peer.peerId,
      customParticipantId: peer.customParticipantId,
      transcript: `Point number ${index}.`,
      isPartialTranscript: false,
      timestamp: Date.parse(peer.joinedAt) + 2000,
    },
  ]);
  const transcriptUrl = fake.file(`${rtkSessionId}/transcript.json`, JSON.stringify(transcript));
  events.push({
    key: 'transcript',
    payload: {
      event: 'meeting.transcript',
      meeting: meeting(true),
      transcriptDownloadUrl: transcriptUrl,
      transcriptDownloadUrlExpiry: at(base, 7 * 86400),
    },
  });
  const summary = `## Key points\n- Shipped ${input.seed}\n\n## Action items\n- Follow up`;
  const summaryUrl = fake.file(`${rtkSessionId}/summary.md`, summary, 'text/markdown');
  events.push({
    key: 'summary',
    payload: {
      event: 'meeting.summary',
      meeting: meeting(true),
      summaryDownloadUrl: summaryUrl,
      summaryDownloadUrlExpiry: at(base, 7 * 86400),
    },
  });
  const chat = peers.slice(0, 4).map((peer, index) => ({
    id: `msg-${index}`,
    userId: peer.customParticipantId,
    displayName: peer.name,
    type: 'text',
    payload: index === 1 ? '=SUM(A1)' : `Hello ${index}`,
    pinned: index === 0,
    isPrivate: false,
    targetUserIds: [],
    createdAt: at(base, 60 + index),
  }));
  const chatUrl = fake.file(`${rtkSessionId}/chat.json`, JSON.stringify(chat));
  events.push({
    key: 'chat',
    payload: {
      event: 'meeting.chatSynced',
      sessionId: rtkSessionId,
      meetingId: input.rtkMeetingId,
      title: 'Weekly sync',
      chatDownloadUrl: chatUrl,
      chatDownloadUrlExpiry: at(base, 7 * 86400),
      createdAt: startedAt,
      startedAt,
      endedAt,
      organizedBy: { id: 'x', name: 'y' },
    },
  });
  const durationOf = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 1000);
  return {
    rtkMeetingId: input.rtkMeetingId,
    rtkSessionId,
    events,
    truth: {
      startedAt,
      endedAt,
      durationSeconds: duration,
      totalParticipants: new Set(peers.map((peer) => peer.customParticipantId)).size,
      peak: peakOf(peers),
      peers: Object.fromEntries(
        peers.map((peer) => [
          peer.peerId,
          { joinedAt: peer.joinedAt, leftAt: peer.leftAt, durationSeconds: durationOf(peer.joinedAt, peer.leftAt) },
        ]),
      ),
      recordingId,
      recordingStatuses: recordingStatuses.map((status) => status.toLowerCase()),
      transcriptFinalEntries: peers.length,
      summary,
      chatMessages: chat.length,
      pinnedMessages: 1,
      notifiedUsers: input.users.map((user) => user.id).sort(),
    },
  };
}
