// Chaos, Anthropic side: an Anthropic client (/v1/messages) on Anthropic upstreams. A 429 with
// retry-after is waited out and retried; 529 overloaded is retried; a stream that breaks after
// its first byte ends with Anthropic's `event: error`, and nothing is retried; errors the client
// gets are Anthropic-shaped.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { anthropicError } from '../mocks/anthropic-validate.mjs';
import { startAnthropicMock } from '../mocks/anthropic-mock.mjs';
import { anthropicDep, attemptsOf, chaosConfig, gaps, postStream } from './lib/chaos.mjs';
import { ANTHROPIC_UPSTREAM_KEY, anthropicErrorOf, postJSON, sseEventName, startGateway } from './lib/gateway.mjs';

let an1;
let an2;
let gw;
before(async () => {
  an1 = await startAnthropicMock({ apiKey: ANTHROPIC_UPSTREAM_KEY });
  an2 = await startAnthropicMock({ apiKey: ANTHROPIC_UPSTREAM_KEY });
  const t = { first_byte_timeout: 0.5, stream_timeout: 0.5, timeout: 4 };
  gw = await startGateway({
    config: chaosConfig([
      anthropicDep('solo-0', { alias: 'solo', upstream: an1.url, ...t }),
      anthropicDep('ax-0', { alias: 'ax', upstream: an1.url, ...t }),
      anthropicDep('ay-0', { alias: 'ay', upstream: an2.url, ...t }),
    ], { num_retries: 2, retry_after: 0.2, disable_cooldowns: true, allowed_fails: 1000, fallbacks: [{ ax: ['ay'] }] }),
  });
});
after(async () => {
  await gw?.stop();
  await an1?.close();
  await an2?.close();
});
beforeEach(() => { an1.reset({ cache: true }); an2.reset({ cache: true }); });

const H = { 'anthropic-version': '2023-06-01' };
const body = (model, extra = {}) => ({ model, max_tokens: 256, messages: [{ role: 'user', content: 'Say hello.' }], ...extra });
const messages = (model, extra) => postJSON(`${gw.url}/v1/messages`, body(model, extra), { headers: H, signal: AbortSignal.timeout(20_000) });
const stream = (model) => postStream(`${gw.url}/v1/messages`, body(model, { stream: true }), { headers: H });

test('429 with retry-after: 1 → no second call within 1 s, then the 200 message', async () => {
  an1.enqueue({ status: 429, headers: { 'retry-after': '1' },
    body: anthropicError('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit', 'req_011CRL') });
  const res = await messages('solo');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.type, 'message');
  assert.equal(an1.requests.length, 2);
  assert.equal(attemptsOf(res), 2);
  const [gap] = gaps(an1.arrivals());
  assert.ok(gap >= 995, `the retry came ${gap.toFixed(0)} ms after the 429 (retry-after: 1)`);
});

test('529 overloaded is retried: once → the retry answers', async () => {
  an1.enqueue({ status: 529, body: anthropicError('overloaded_error', 'Overloaded', 'req_011COV') });
  const res = await messages('solo');
  assert.equal(res.status, 200, res.text);
  assert.equal(an1.requests.length, 2);
  assert.equal(attemptsOf(res), 2);
  assert.ok(gaps(an1.arrivals())[0] >= 195, 'retry_after (0.2 s) spaces retries on the same deployment');
});

test('529 on every retry → the fallback answers; a stream too', async () => {
  an1.enqueue({ status: 529, times: 100 });
  const res = await messages('ax');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers.get('x-llmgw-deployment'), 'ay-0');
  assert.equal(an1.requests.length, 3, 'one call and num_retries (2) retries before the fallback');
  const s = await stream('ax');
  assert.equal(s.status, 200, s.text);
  assert.equal(s.error, null);
  assert.equal(sseEventName(s.events.at(-1)), 'message_stop');
  assert.equal(s.headers.get('x-llmgw-deployment'), 'ay-0');
});

test('529 with nowhere left to go → 529 overloaded_error, Anthropic-shaped, after 1 + num_retries calls', async () => {
  an1.enqueue({ status: 529, times: 100 });
  const res = await messages('solo');
  assert.equal(res.status, 529, res.text);
  assert.equal(anthropicErrorOf(res).type, 'overloaded_error');
  assert.equal(an1.requests.length, 3);
});

/** The client's stream after an1 broke it: an1's events, then exactly one `event: error`. */
function assertErrorEvent(s, { upstreamEvents }) {
  assert.equal(s.status, 200, s.text);
  const names = s.events.map(sseEventName);
  assert.deepEqual(names.slice(0, upstreamEvents), ['message_start', 'content_block_start', 'ping'].slice(0, upstreamEvents));
  assert.equal(names.filter((n) => n === 'error').length, 1, `events: ${names.join(', ')}`);
  assert.equal(names.at(-1), 'error', `events: ${names.join(', ')}`);
  assert.ok(!names.includes('message_stop'), 'a broken stream must not end with message_stop');
  const err = s.events.at(-1).json;
  assert.equal(err.type, 'error');
  assert.equal(typeof err.error?.type, 'string');
  assert.equal(typeof err.error?.message, 'string');
  assert.equal(an1.requests.length, 1, 'the broken stream was retried');
  assert.equal(an2.requests.length, 0, 'the fallback was called after the client got bytes');
}

test('reset after 3 events → event: error, no retry', async () => {
  an1.enqueue({ resetMidStream: true, cutAfter: 3, streamDelayMs: 50 });
  assertErrorEvent(await stream('ax'), { upstreamEvents: 3 });
});

test('stall after 3 events → stream_timeout (0.5 s) → event: error, no retry', async () => {
  an1.enqueue({ stallMidStream: true, cutAfter: 3 });
  const s = await stream('ax');
  assertErrorEvent(s, { upstreamEvents: 3 });
  assert.ok(s.ms >= 450 && s.ms < 3000, `ended after ${s.ms.toFixed(0)} ms`);
});

test('the upstream\'s own error event mid-stream reaches the client once; no retry', async () => {
  an1.enqueue({ streamError: { type: 'overloaded_error', message: 'Overloaded' } });
  const s = await stream('ax');
  assertErrorEvent(s, { upstreamEvents: 1 });
  assert.deepEqual(s.events.at(-1).json.error, { type: 'overloaded_error', message: 'Overloaded' });
});

test('hang before headers → first_byte_timeout → the fallback\'s stream', async () => {
  an1.enqueue({ hang: true, times: 100 });
  const s = await stream('ax');
  assert.equal(s.status, 200, s.text);
  assert.equal(s.error, null);
  assert.equal(sseEventName(s.events.at(-1)), 'message_stop');
  assert.equal(s.headers.get('x-llmgw-deployment'), 'ay-0');
  assert.equal(an2.requests.length, 1);
  assert.ok(s.ms < 5000, `took ${s.ms.toFixed(0)} ms`);
});
