import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook, verifyWebhook } from './webhook-signature.js';

// The worked example of the Standard Webhooks specification.
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const timestampSeconds = 1614265330;
const body = '{"test": 2432232314}';

describe('Standard Webhooks signatures', () => {
  it('reproduces the specification\'s example signature', () => {
    expect(signWebhook({ secret, id, timestampSeconds, body })).toEqual({
      'webhook-id': id,
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    });
  });

  it('verifies a fresh delivery and refuses altered, stale or unsigned ones', () => {
    const headers = signWebhook({ secret, id, timestampSeconds, body });
    expect(verifyWebhook({ secret, headers, body, nowSeconds: timestampSeconds + 10 })).toEqual({ ok: true });
    expect(verifyWebhook({ secret, headers, body: `${body} `, nowSeconds: timestampSeconds })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyWebhook({ secret, headers, body, nowSeconds: timestampSeconds + 301 })).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifyWebhook({ secret, headers, body, nowSeconds: timestampSeconds - 301 })).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verifyWebhook({ secret, headers: { ...headers, 'webhook-id': 'msg_other' }, body, nowSeconds: timestampSeconds })).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verifyWebhook({ secret, headers: {}, body, nowSeconds: timestampSeconds })).toEqual({ ok: false, reason: 'missing_headers' });
  });

  it('accepts any one of several signatures (secret rotation) and refuses bad secrets', () => {
    const other = generateWebhookSecret();
    expect(other).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const signed = signWebhook({ secret, id, timestampSeconds, body })['webhook-signature'];
    const fromOther = signWebhook({ secret: other, id, timestampSeconds, body })['webhook-signature'];
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(timestampSeconds), 'webhook-signature': `${fromOther} ${signed}` };
    expect(verifyWebhook({ secret, headers, body, nowSeconds: timestampSeconds })).toEqual({ ok: true });
    expect(() => signWebhook({ secret: 'whsec_short', id, timestampSeconds, body })).toThrow(/at least 16 bytes/);
  });
});
