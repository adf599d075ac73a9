// The files behind download URLs: recordings (a tiny MP4-looking blob), transcripts (JSON/CSV/SRT/VTT),
// summaries (markdown), chat exports (CSV) and HLS playlists.
import type { Session } from '../state/rtk-records.ts';
import type { Rendered } from './downloads.ts';

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csv = (header: string[], rows: unknown[][]) =>
  [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';

const clock = (ms: number, sep: string) => {
  const t = Math.max(0, ms);
  const h = String(Math.floor(t / 3_600_000)).padStart(2, '0');
  const m = String(Math.floor((t % 3_600_000) / 60_000)).padStart(2, '0');
  const s = String(Math.floor((t % 60_000) / 1000)).padStart(2, '0');
  return `${h}:${m}:${s}${sep}${String(t % 1000).padStart(3, '0')}`;
};

/** `format`: JSON (default), CSV, SRT or VTT. */
export function transcriptFile(session: Session, format: string): Rendered {
  const start = Date.parse(session.started_at);
  const lines = session.transcript;
  switch (format) {
    case 'CSV':
      return {
        type: 'text/csv',
        body: csv(
          ['id', 'name', 'peerId', 'userId', 'customParticipantId', 'transcript', 'timestamp'],
          lines.map((l) => [
            l.id,
            l.name,
            l.peerId,
            l.userId,
            l.customParticipantId,
            l.transcript,
            new Date(l.timestamp).toISOString(),
          ]),
        ),
      };
    case 'SRT':
      return {
        type: 'application/x-subrip',
        body: lines
          .map(
            (l, i) =>
              `${i + 1}\n${clock(l.timestamp - start, ',')} --> ${clock(l.timestamp - start + 4000, ',')}\n${l.name}: ${l.transcript}\n`,
          )
          .join('\n'),
      };
    case 'VTT':
      return {
        type: 'text/vtt',
        body: `WEBVTT\n\n${lines.map((l) => `${clock(l.timestamp - start, '.')} --> ${clock(l.timestamp - start + 4000, '.')}\n<v ${l.name}>${l.transcript}\n`).join('\n')}`,
      };
    default:
      return { type: 'application/json', body: JSON.stringify(lines) };
  }
}

export const chatFile = (session: Session): Rendered => ({
  type: 'text/csv',
  body: csv(
    [
      'id',
      'participantId',
      'sessionId',
      'meetingId',
      'displayName',
      'pinned',
      'isEdited',
      'payloadType',
      'payload',
      'createdAt',
    ],
    session.chat.map((m) => [
      m.id,
      m.custom_participant_id,
      session.id,
      session.meeting_id,
      m.display_name,
      m.pinned,
      m.is_edited,
      'TEXT_MESSAGE',
      m.text,
      m.created_at,
    ]),
  ),
});

export function recordingFile(size: number): Rendered {
  const bytes = Buffer.alloc(size);
  Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d]).copy(bytes); // "....ftypisom"
  return { type: 'video/mp4', body: bytes };
}

export const hlsPlaylist = (): Rendered => ({
  type: 'application/vnd.apple.mpegurl',
  body: '#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:4\n#EXT-X-MEDIA-SEQUENCE:0\n',
});
