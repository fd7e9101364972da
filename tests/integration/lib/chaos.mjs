// Helpers shared by the chaos tests (tests/integration/chaos-*.test.mjs): configs with router
// settings and deployment ids, streamed calls that keep what broke, and small timing helpers.
import assert from 'node:assert/strict';
import { anthropicDeployment, deployment, gatewayConfig, readSSE, startGateway } from './gateway.mjs';

/** An OpenAI deployment with model_info.id `id` and extra litellm_params. */
export const dep = (id, { alias, upstream, ...params } = {}) => ({
  ...deployment({ alias, upstream, extra: params }), model_info: { id },
});

/** An Anthropic deployment with model_info.id `id` and extra litellm_params. */
export const anthropicDep = (id, { alias, upstream, ...params } = {}) => ({
  ...anthropicDeployment({ alias, upstream, extra: params }), model_info: { id },
});

/** A config of `deployments` plus router_settings `router`. */
export function chaosConfig(deployments, router = {}) {
  return { ...gatewayConfig({ deployments }), router_settings: router };
}

/** Starts a gateway on `config`, runs fn(gw), stops it. */
export async function withGateway(config, fn) {
  const gw = await startGateway({ config });
  try { return await fn(gw); } finally { await gw.stop(); }
}

/**
 * POSTs a streamed request and reads it to its end however it ends:
 * { status, headers, events: readSSE events, data: their data strings, error (what broke the
 * read, or null), ms, text (when the answer was not a stream) }.
 */
export async function postStream(url, body, { headers = {}, timeoutMs = 20_000 } = {}) {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const out = { status: res.status, headers: res.headers, events: [], data: [], error: null, ms: 0, text: null };
  if (!/^text\/event-stream/.test(res.headers.get('content-type') ?? '')) {
    out.text = await res.text();
    out.ms = performance.now() - t0;
    return out;
  }
  try {
    for await (const e of readSSE(res.body)) { out.events.push(e); out.data.push(e.data); }
  } catch (e) {
    out.error = e;
  }
  out.ms = performance.now() - t0;
  return out;
}

/** Milliseconds between consecutive arrival times. */
export const gaps = (times) => times.slice(1).map((t, i) => t - times[i]);

/** The attempts header as a number (NaN when absent). */
export const attemptsOf = (res) => Number(res.headers.get('x-llmgw-attempts'));

/**
 * Sends `send()` one call at a time until `mock` has received one more request than before
 * (the pick is the router's: a pool's first attempt lands on either deployment). Returns
 * { res: that call's result, others: how many requests each of `others` (mocks) received during
 * that call }. Fails after `max` calls.
 */
export async function untilHit(mock, send, { others = [], max = 40 } = {}) {
  const before = mock.requests.length;
  for (let i = 0; i < max; i++) {
    const counts = others.map((m) => m.requests.length);
    const res = await send();
    if (mock.requests.length > before) return { res, others: others.map((m, k) => m.requests.length - counts[k]) };
  }
  return assert.fail(`no call reached ${mock.url} in ${max} tries`);
}

/** Resolves at `performance.now() >= t` (a deadline set by the protocol, e.g. a cooldown's end). */
export const sleepUntil = (t) => new Promise((r) => setTimeout(r, Math.max(0, t - performance.now())));

/** The OpenAI error object of a stream's error event, asserting there is exactly one, last (bar [DONE]). */
export function streamErrorOf(s) {
  const errors = s.events.filter((e) => e.json && typeof e.json.error === 'object' && e.json.error !== null);
  assert.equal(errors.length, 1, `expected one error event, got: ${s.data.join(' | ').slice(0, 800)}`);
  assert.equal(s.events.filter((e) => e.data !== '[DONE]').at(-1), errors[0], 'the error event is the last event');
  assert.equal(typeof errors[0].json.error.message, 'string');
  return errors[0].json.error;
}
