import sodium from 'libsodium-wrappers';

/** Starts libsodium's WebAssembly set-up; await it before sealing. Call early to overlap it. */
export const sodiumReady: () => Promise<void> = () => sodium.ready;

/** GitHub's scheme: a libsodium sealed box to the target's public key, standard base64. */
export async function seal(value: string, publicKeyBase64: string): Promise<string> {
  await sodium.ready;
  const key = sodium.from_base64(publicKeyBase64, sodium.base64_variants.ORIGINAL);
  const sealed = sodium.crypto_box_seal(sodium.from_string(value), key);
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL);
}
