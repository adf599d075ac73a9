import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newId } from '@castio/shared/ids';
import { isReservedPresetName, participantPresetName, presetScope } from './preset-scope';

const firstOrg = presetScope(newId(), '');
const orgB = newId();
const scopeB = presetScope(orgB, null);
const orgC = newId();
const scopeC = presetScope(orgC, null);

/** Names an org may choose: the API's preset name pattern, outside the reserved space. */
const choosableName = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/).filter((name) => !isReservedPresetName(name));

describe('preset names per org', () => {
  it('keeps the first org’s plain names and gives every other org names under org-<id>-', () => {
    expect(firstOrg.toRtk('video_host')).toBe('video_host');
    expect(scopeB.toRtk('video_host')).toBe(`org-${orgB}-video_host`);
    expect(scopeB.fromRtk(`org-${orgB}-video_host`)).toBe('video_host');
    expect(firstOrg.fromRtk('my-preset')).toBe('my-preset');
  });

  it('gives no org another org’s presets', () => {
    expect(firstOrg.fromRtk(`org-${orgB}-video_host`)).toBeNull();
    expect(firstOrg.fromRtk(`org-${orgB.toLowerCase()}-video_host`)).toBeNull();
    expect(scopeB.fromRtk('video_host')).toBeNull();
    expect(scopeB.fromRtk(`org-${orgC}-video_host`)).toBeNull();
    expect(scopeC.fromRtk(`org-${orgB}-video_host`)).toBeNull();
    // The bare prefix, and a name of B's that would continue into C's space, are no preset names of B.
    expect(scopeB.fromRtk(`org-${orgB}-`)).toBeNull();
    expect(scopeB.fromRtk(`org-${orgB}-org-${orgC}-x`)).toBeNull();
  });

  it('maps every name an org may choose there and back, and to a name only that org owns', () => {
    fc.assert(
      fc.property(choosableName, (name) => {
        for (const scope of [firstOrg, scopeB, scopeC]) {
          const rtkName = scope.toRtk(name);
          expect(scope.fromRtk(rtkName)).toBe(name);
          const owners = [firstOrg, scopeB, scopeC].filter((other) => other.fromRtk(rtkName) !== null);
          expect(owners).toEqual([scope]);
        }
      }),
    );
  });

  it('reserves exactly org-<ULID>- names, in any case', () => {
    expect(isReservedPresetName(`org-${orgB}-anything`)).toBe(true);
    expect(isReservedPresetName(`ORG-${orgB.toLowerCase()}-x`)).toBe(true);
    for (const name of ['video_host', 'org-sales-host', `org-${orgB.slice(1)}-x`, `org-${orgB}`, `x-org-${orgB}-y`])
      expect(isReservedPresetName(name), name).toBe(false);
  });

  it('shows a participant’s preset by the org’s name, or RTK’s when it is not the org’s', () => {
    expect(participantPresetName(scopeB, `org-${orgB}-video_host`)).toBe('video_host');
    expect(participantPresetName(scopeB, 'video_participant')).toBe('video_participant');
    expect(participantPresetName(scopeB, null)).toBeNull();
  });
});
