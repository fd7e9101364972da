// Deterministic embedding vectors the mocks answer with (same input and size, same vector), so
// tests can check that a vector reached the client whole and in input order.

/** A unit vector of `dims` float32s for one input (a string, or anything JSON-able). */
export function vectorFor(item, dims) {
  const text = typeof item === 'string' ? item : JSON.stringify(item);
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0), 16777619) >>> 0;
  const v = new Float32Array(dims);
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    h = Math.imul(h ^ (h >>> 15), 2246822519) >>> 0;
    v[i] = (h / 4294967295) * 2 - 1;
    norm += v[i] * v[i];
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < dims; i++) v[i] /= norm;
  return v;
}

/** Rough token count of texts (≈ 4 bytes a token, at least 1 each), as the mocks bill them. */
export const tokensOfTexts = (texts) => texts.reduce((n, t) => n + Math.max(1, Math.ceil(Buffer.byteLength(t) / 4)), 0);

/** The floats of an OpenAI base64 embedding (little-endian float32). */
export function floatsOfBase64(b64) {
  const buf = Buffer.from(b64, 'base64');
  return Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4));
}
