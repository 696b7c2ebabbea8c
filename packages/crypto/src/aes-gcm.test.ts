import { describe, expect, it } from 'vitest';
import { open, seal } from './aes-gcm.js';

// Test cases 15 and 16 (AES-256, 96-bit IV) of McGrew & Viega, "The Galois/Counter Mode of
// Operation (GCM)", the vectors NIST's GCM validation uses.
const K = Buffer.from('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308', 'hex');
const IV = Buffer.from('cafebabefacedbaddecaf888', 'hex');
const P = Buffer.from(
  'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255',
  'hex',
);
const C15 =
  '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad';
const A16 = Buffer.from('feedfacedeadbeeffeedfacedeadbeefabaddad2', 'hex');

describe('AES-256-GCM', () => {
  it('matches GCM test case 15 (no associated data)', () => {
    const { ciphertext, tag } = seal(K, IV, P, Buffer.alloc(0));
    expect(ciphertext.toString('hex')).toBe(C15);
    expect(tag.toString('hex')).toBe('b094dac5d93471bdec1a502270e3cc6c');
    expect(open(K, IV, ciphertext, tag, Buffer.alloc(0))).toEqual(P);
  });

  it('matches GCM test case 16 (with associated data)', () => {
    const { ciphertext, tag } = seal(K, IV, P.subarray(0, 60), A16);
    expect(ciphertext.toString('hex')).toBe(C15.slice(0, 120));
    expect(tag.toString('hex')).toBe('76fc6ece0f4e1768cddf8853bb2d551b');
  });

  it('refuses a truncated tag instead of accepting it', () => {
    const { ciphertext, tag } = seal(K, IV, P, A16);
    expect(() => open(K, IV, ciphertext, tag.subarray(0, 4), A16)).toThrow();
    expect(() => open(K, IV, ciphertext, tag, Buffer.from('other'))).toThrow();
  });
});
