import { describe, expect, it } from 'vitest';
import { parseCustomParticipantId, toCustomParticipantId } from './participant-identity';

describe('the RTK participant id of our people', () => {
  it('names the user, else the guest token', () => {
    expect(toCustomParticipantId({ userId: '01ABC', guestTokenId: null })).toBe('user:01ABC');
    expect(toCustomParticipantId({ userId: null, guestTokenId: '01XYZ' })).toBe('guest:01XYZ');
  });

  it('reads back what a join wrote', () => {
    for (const holder of [
      { userId: '01ABC', guestTokenId: null },
      { userId: null, guestTokenId: '01XYZ' },
    ])
      expect(parseCustomParticipantId(toCustomParticipantId(holder))).toEqual(
        holder.userId ? { userId: holder.userId } : { guestTokenId: holder.guestTokenId },
      );
  });

  it('accepts the short prefixes and keeps any other id as raw', () => {
    expect(parseCustomParticipantId('user:01ABC')).toEqual({ userId: '01ABC' });
    expect(parseCustomParticipantId('U_01ABC')).toEqual({ userId: '01ABC' });
    expect(parseCustomParticipantId('g_xyz')).toEqual({ guestTokenId: 'xyz' });
    expect(parseCustomParticipantId('01ABC')).toEqual({ raw: '01ABC' });
    expect(parseCustomParticipantId(null)).toEqual({});
  });
});
