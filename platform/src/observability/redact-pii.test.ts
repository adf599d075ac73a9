import { describe, expect, it } from 'vitest';
import { redactPii, redactText } from './redact-pii';

describe('PII redaction', () => {
  it('removes emails, IPs, bearer tokens and JWTs from text', () => {
    const text = redactText(
      'login failed for ada@example.com from 203.0.113.7 / 2001:db8:0:0:0:0:2:1 with Bearer abc.def-123 eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl',
    );
    expect(text).not.toMatch(/ada@example\.com|203\.0\.113\.7|2001:db8|abc\.def-123|eyJhbGciOi/);
    expect(text).toContain('[email]');
    expect(text).toContain('[ip]');
  });

  it('scrubs a whole event: user, headers, cookies, query secrets, exception messages, breadcrumbs', () => {
    const event = redactPii({
      user: { id: 'U1', email: 'ada@example.com', ip_address: '198.51.100.1' },
      request: {
        url: 'https://castio.example/register?invite=SECRETINVITE&x=1',
        headers: { Authorization: 'Bearer secret-token', Cookie: '__Host-castio_rt=refresh', 'User-Agent': 'test' },
        cookies: { rt: 'refresh' },
        data: '{"password":"hunter22"}',
      },
      exception: { values: [{ type: 'Error', value: 'no user bob@example.org' }] },
      breadcrumbs: [{ message: 'fetch from 192.0.2.4' }],
      extra: { password: 'hunter22', nested: { token: 'abc' } },
    });
    const serialised = JSON.stringify(event);
    for (const secret of [
      'ada@example.com',
      '198.51.100.1',
      'secret-token',
      'refresh',
      'SECRETINVITE',
      'hunter22',
      'bob@example.org',
      '192.0.2.4',
      '"abc"',
    ]) {
      expect(serialised).not.toContain(secret);
    }
    expect(event.user).toEqual({ id: 'U1' });
    expect(event.request?.headers?.['User-Agent']).toBe('test');
  });
});
