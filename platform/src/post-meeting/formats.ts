/**
 * Parsers for what RTK's download URLs hold (transcripts, chat exports) and the CSV we write. Pure functions.
 * RTK's file formats are only loosely documented (JSON vs CSV for chat, docs/rtk.md#webhook-payloads), so both are accepted and
 * common field spellings are mapped.
 */

/** RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF. Returns rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const input = text.replace(/^\uFEFF/, '');
  for (let index = 0; index < input.length; index++) {
    const char = input[index]!;
    if (quoted) {
      if (char === '"') {
        if (input[index + 1] === '"') {
          cell += '"';
          index++;
        } else quoted = false;
      } else cell += char;
    } else if (char === '"' && cell === '') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && input[index + 1] === '\n') index++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  if (cell !== '' || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((cells) => cells.some((value) => value !== ''));
}

/** One CSV cell. Cells that a spreadsheet would run as a formula are prefixed with a quote (CSV injection). */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const toCsv = (header: string[], rows: unknown[][]) =>
  [header, ...rows].map((cells) => cells.map(csvCell).join(',')).join('\r\n') + '\r\n';

type Obj = Record<string, unknown>;

/** JSON or CSV text → records (objects keyed by the CSV header). */
function records(text: string, listKeys: string[]): Obj[] {
  const trimmed = text.trim();
  if (!trimmed) return [];
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    const parsed: unknown = JSON.parse(trimmed);
    if (Array.isArray(parsed)) return parsed.filter((item): item is Obj => typeof item === 'object' && item !== null);
    const root = parsed as Obj;
    for (const key of listKeys) {
      const value = root[key] ?? (root.data as Obj | undefined)?.[key];
      if (Array.isArray(value)) return value.filter((item): item is Obj => typeof item === 'object' && item !== null);
    }
    if (Array.isArray(root.data)) return (root.data as unknown[]).filter((item): item is Obj => !!item);
    return [];
  }
  const [header, ...rows] = parseCsv(trimmed);
  if (!header) return [];
  const keys = header.map((name) => name.trim());
  return rows.map((cells) => Object.fromEntries(keys.map((key, index) => [key, cells[index] ?? ''])));
}

function pick(record: Obj, names: string[]): unknown {
  for (const name of names) {
    for (const key of Object.keys(record)) {
      if (key.toLowerCase().replace(/[_\s]/g, '') === name.toLowerCase()) {
        const value = record[key];
        if (value !== undefined && value !== null && value !== '') return value;
      }
    }
  }
  return undefined;
}

const text = (value: unknown, max = 20_000) =>
  value === undefined || value === null
    ? null
    : String(typeof value === 'object' ? JSON.stringify(value) : value).slice(0, max);
const truthy = (value: unknown) => value === true || value === 1 || /^(true|1|yes)$/i.test(String(value ?? ''));

function time(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  const numeric = typeof value === 'number' ? value : /^\d+(\.\d+)?$/.test(String(value)) ? Number(value) : null;
  const date = numeric !== null ? new Date(numeric < 1e11 ? numeric * 1000 : numeric) : new Date(String(value));
  return Number.isFinite(date.getTime()) ? date.toISOString() : null;
}

export interface TranscriptEntry {
  speaker: string | null;
  peerId: string | null;
  userId: string | null;
  text: string;
  at: string | null;
}

/** Final transcript entries only (partials are dropped, spec §8.4), in time order. */
export function parseTranscript(input: string): TranscriptEntry[] {
  const entries: TranscriptEntry[] = [];
  for (const record of records(input, ['transcript', 'transcripts', 'entries', 'segments'])) {
    if (truthy(pick(record, ['isPartialTranscript', 'isPartial', 'partial']))) continue;
    const body = text(pick(record, ['transcript', 'text', 'content', 'message']));
    if (!body?.trim()) continue;
    entries.push({
      speaker: text(pick(record, ['name', 'speaker', 'displayName', 'userDisplayName', 'participantName']), 200),
      peerId: text(pick(record, ['peerId']), 200),
      userId: text(pick(record, ['customParticipantId', 'userId']), 200),
      text: body.trim(),
      at: time(pick(record, ['timestamp', 'startTime', 'start', 'time', 'createdAt'])),
    });
  }
  return entries.sort((a, b) => (a.at ?? '').localeCompare(b.at ?? ''));
}

export interface ChatMessage {
  rtkMessageId: string;
  senderUserId: string | null;
  senderName: string | null;
  messageType: 'text' | 'file' | 'image';
  content: string | null;
  fileName: string | null;
  fileUrl: string | null;
  isPinned: boolean;
  isPrivate: boolean;
  recipientUserId: string | null;
  sentAt: string;
}

/** Chat exports (JSON or CSV). Messages without an id get a stable one derived from their position. */
export function parseChat(input: string, fallbackTime: string): ChatMessage[] {
  return records(input, ['messages', 'chat', 'chatMessages']).map((record, index) => {
    const rawType = String(pick(record, ['type', 'messageType']) ?? 'text').toLowerCase();
    const messageType: ChatMessage['messageType'] = rawType.includes('image')
      ? 'image'
      : rawType.includes('file')
        ? 'file'
        : 'text';
    const payload = pick(record, ['payload', 'message', 'text', 'content', 'body']);
    const payloadObj = typeof payload === 'object' && payload !== null ? (payload as Obj) : null;
    const targets = pick(record, ['targetUserIds', 'targets', 'recipients', 'recipientUserId', 'targetUserId']);
    const targetList = Array.isArray(targets)
      ? targets.map(String)
      : typeof targets === 'string' && targets
        ? targets.split(/[;|]/).filter(Boolean)
        : [];
    return {
      rtkMessageId: text(pick(record, ['id', 'messageId', 'chatId']), 200) ?? `pos-${index}`,
      senderUserId: text(pick(record, ['customParticipantId', 'userId', 'senderId', 'participantId']), 200),
      senderName: text(pick(record, ['displayName', 'senderName', 'userDisplayName', 'name']), 200),
      messageType,
      content: payloadObj ? text(payloadObj.text ?? payloadObj.message ?? null) : text(payload),
      fileName: text(pick(record, ['fileName', 'name_of_file']) ?? payloadObj?.name ?? null, 500),
      fileUrl: text(pick(record, ['fileUrl', 'link', 'url']) ?? payloadObj?.link ?? payloadObj?.url ?? null, 4096),
      isPinned: truthy(pick(record, ['pinned', 'isPinned'])),
      isPrivate: truthy(pick(record, ['private', 'isPrivate'])) || targetList.length > 0,
      recipientUserId: targetList[0] ?? null,
      sentAt: time(pick(record, ['createdAt', 'timestamp', 'sentAt', 'time'])) ?? fallbackTime,
    };
  });
}
