import sodium from 'libsodium-wrappers';
import { seal } from '../src/github/seal.js';

// Known-answer vector (STYLE.md / API-FACTS §4.9).
const PUBLIC_KEY = 'GxtY3VDqFLYNoXt5DNAnVNlwybq4ZOuzwPMBb+UdP1c=';
const PRIVATE_KEY = 'XOhu+3X6TixBD0bhben2rK4aFwNShlG2m8F2wIi+8+4=';
const SEALED = '3xtOtVNjygB3CwncHDiIJaDzEhhFQzbecmNLOlPmKEjGjIYB3Q/0dHsN++gMePorHbMh1NgFG17sRM/QB/mI/pY=';
const ORIGINAL = () => sodium.base64_variants.ORIGINAL;

function open(sealedBase64: string): string {
  const opened = sodium.crypto_box_seal_open(
    sodium.from_base64(sealedBase64, ORIGINAL()),
    sodium.from_base64(PUBLIC_KEY, ORIGINAL()),
    sodium.from_base64(PRIVATE_KEY, ORIGINAL())
  );
  return sodium.to_string(opened);
}

beforeAll(async () => {
  await sodium.ready;
});

test('the seed 0x01×32 gives the known key pair', () => {
  const pair = sodium.crypto_box_seed_keypair(new Uint8Array(32).fill(1));
  expect(sodium.to_base64(pair.publicKey, ORIGINAL())).toBe(PUBLIC_KEY);
  expect(sodium.to_base64(pair.privateKey, ORIGINAL())).toBe(PRIVATE_KEY);
});

test('the known sealed box opens to its plaintext', () => {
  expect(open(SEALED)).toBe('vercel_tok_ABC123');
});

test('seal() round-trips, with standard padded base64 of 48 + n bytes', async () => {
  const sealed = await seal('vercel_tok_ABC123', PUBLIC_KEY);
  expect(sealed).toMatch(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/);
  expect(Buffer.from(sealed, 'base64')).toHaveLength(48 + 17);
  expect(open(sealed)).toBe('vercel_tok_ABC123');
});

test('two seals of one value differ, and a flipped byte does not open', async () => {
  const [a, b] = await Promise.all([seal('same', PUBLIC_KEY), seal('same', PUBLIC_KEY)]);
  expect(a).not.toBe(b);
  const bytes = Buffer.from(a, 'base64');
  bytes[40] = (bytes[40] ?? 0) ^ 1;
  expect(() => open(bytes.toString('base64'))).toThrow();
});
