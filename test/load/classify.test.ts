import { describe, expect, it } from 'vitest';
import { classifyTransportError, transportErrorText } from '../../src/load/classify.js';

describe('a transport failure in the error samples', () => {
  it('keeps an errno code alone, and gives any other code its message', () => {
    expect(transportErrorText({ code: 'ECONNRESET', message: 'read ECONNRESET' })).toBe('ECONNRESET');
    expect(transportErrorText({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' })).toBe(
      'ECONNREFUSED',
    );
    expect(
      transportErrorText({
        code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
        message: 'unable to verify the first certificate',
      }),
    ).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE: unable to verify the first certificate');
    expect(
      transportErrorText({
        code: 'ERR_TLS_CERT_ALTNAME_INVALID',
        message: "Hostname/IP does not match certificate's altnames",
      }),
    ).toBe("ERR_TLS_CERT_ALTNAME_INVALID: Hostname/IP does not match certificate's altnames");
    expect(transportErrorText({ message: 'socket hang up' })).toBe('socket hang up');
  });

  it('classes a refused certificate as other, not as a reset or a timeout', () => {
    expect(classifyTransportError({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' })).toBe(
      'other',
    );
  });
});
