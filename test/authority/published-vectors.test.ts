import { createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/canonical-json.ts';
import { formatPublicKey, parsePublicKey, publicKeyOf, signBytes, verifyBytes } from '../../src/core/ed25519.ts';
import { rfc8032Vectors } from './rfc8032-vectors.ts';

const hex = (text: string) => Buffer.from(text, 'hex');

describe('RFC 8032 section 7.1 Ed25519 vectors', () => {
  for (const vector of rfc8032Vectors) {
    it(`${vector.name}: derives the public key, signs and verifies exactly as published`, () => {
      const x = hex(vector.publicKey).toString('base64url');
      const privateKey = createPrivateKey({
        key: { kty: 'OKP', crv: 'Ed25519', d: hex(vector.secretKey).toString('base64url'), x },
        format: 'jwk',
      });
      expect(formatPublicKey(publicKeyOf(privateKey))).toBe(`ed25519:${x}`);
      const publicKey = parsePublicKey(`ed25519:${x}`);
      const message = hex(vector.message);
      expect(Buffer.from(signBytes(privateKey, message)).toString('hex')).toBe(vector.signature);
      expect(verifyBytes(publicKey, message, hex(vector.signature))).toBe(true);
      const flipped = hex(vector.signature);
      flipped[5]! ^= 1;
      expect(verifyBytes(publicKey, message, flipped)).toBe(false);
      expect(verifyBytes(publicKey, Buffer.concat([message, Buffer.from('1')]), hex(vector.signature))).toBe(false);
    });
  }
  it('has the 1023-byte message of TEST 1024', () => {
    expect(hex(rfc8032Vectors[3].message).length).toBe(1023);
  });
});

describe('RFC 8785 canonical JSON', () => {
  it('serializes the example of section 3.2.2 (numbers, string escapes, literals)', () => {
    const input =
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
      ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}';
    expect(canonicalJson(JSON.parse(input))).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts keys by UTF-16 code units (section 3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Integer-like keys ('1') come first in a JS object, so the order is checked on the text itself.
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('serializes the IEEE 754 samples of appendix B', () => {
    const samples: Array<[string, string]> = [
      ['0000000000000000', '0'],
      ['8000000000000000', '0'],
      ['0000000000000001', '5e-324'],
      ['8000000000000001', '-5e-324'],
      ['7fefffffffffffff', '1.7976931348623157e+308'],
      ['ffefffffffffffff', '-1.7976931348623157e+308'],
      ['4340000000000000', '9007199254740992'],
      ['c340000000000000', '-9007199254740992'],
      ['4430000000000000', '295147905179352830000'],
      ['44b52d02c7e14af5', '9.999999999999997e+22'],
      ['44b52d02c7e14af6', '1e+23'],
      ['44b52d02c7e14af7', '1.0000000000000001e+23'],
      ['444b1ae4d6e2ef4e', '999999999999999700000'],
      ['444b1ae4d6e2ef4f', '999999999999999900000'],
      ['444b1ae4d6e2ef50', '1e+21'],
      ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
      ['3eb0c6f7a0b5ed8d', '0.000001'],
    ];
    for (const [bits, expected] of samples) {
      expect(canonicalJson([hex(bits).readDoubleBE(0)])).toBe(`[${expected}]`);
    }
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow();
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow();
  });
});
