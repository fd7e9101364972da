// Helpers of the tests that drive governed gateways (virtual keys under a master key): admin
// calls, key generation, waiting until every instance's key cache has a key, and sending many
// requests a few at a time.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { postJSON } from './gateway.mjs';

/** `admin(gw, path, body)`: an admin API call with `master`. */
export const adminWith = (master) => (gw, p, body) =>
  postJSON(`${gw.url}${p}`, body, { headers: { authorization: `Bearer ${master}` } });

/** A new virtual key (`/key/generate` with `body` through `admin`); asserts a 200. */
export async function generateKey(admin, gw, body) {
  const res = await admin(gw, '/key/generate', body);
  assert.equal(res.status, 200, res.text);
  return res.json.key;
}

/**
 * Waits until every gateway's key cache has `key`: a chat request for a model no alias names is
 * refused in phase 5 (404), before any limit counts it, so no request is spent.
 */
export async function visibleEverywhere(gws, key, chatBody) {
  for (const gw of gws) {
    const end = Date.now() + 3000;
    for (;;) {
      const res = await postJSON(`${gw.url}/v1/chat/completions`, { ...chatBody, model: 'no-such-model' },
        { headers: { authorization: `Bearer ${key}` } });
      if (res.status === 404) break;
      assert.ok(Date.now() < end, `key not visible on ${gw.url}: ${res.status}`);
      await sleep(50);
    }
  }
}

/** Sends `n` requests, `concurrency` at a time, request i through `pick(i)`; returns the answers. */
export async function blast(n, concurrency, pick) {
  const out = new Array(n);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < n) {
      const i = next++;
      out[i] = await pick(i);
    }
  }));
  return out;
}
