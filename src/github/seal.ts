type Sodium = (typeof import('libsodium-wrappers'))['default'];

let loading: Promise<Sodium> | undefined;

/**
 * libsodium, evaluated on first use: its 444 KB of JavaScript take ~25 ms to evaluate, which would
 * otherwise come before the first request. "eager" keeps it in dist/index.js rather than a chunk
 * of its own: with chunks, ncc's licence file lists only the last chunk's packages.
 */
function loadSodium(): Promise<Sodium> {
  loading ??= import(/* webpackMode: "eager" */ 'libsodium-wrappers').then(
    async ({ default: sodium }) => {
      await sodium.ready;
      return sodium;
    },
    (err: unknown) => {
      loading = undefined;
      throw err;
    }
  );
  return loading;
}

/**
 * Loads and sets up libsodium without sealing anything. Call it once a write is certain to follow
 * and requests are in flight, so the work overlaps with waiting on the network.
 */
export const sodiumReady = (): Promise<void> => loadSodium().then(() => undefined);

/** GitHub's scheme: a libsodium sealed box to the target's public key, standard base64. */
export async function seal(value: string, publicKeyBase64: string): Promise<string> {
  const sodium = await loadSodium();
  const key = sodium.from_base64(publicKeyBase64, sodium.base64_variants.ORIGINAL);
  const sealed = sodium.crypto_box_seal(sodium.from_string(value), key);
  return sodium.to_base64(sealed, sodium.base64_variants.ORIGINAL);
}
