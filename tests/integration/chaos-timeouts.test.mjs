// Chaos: timeouts, broken streams and the commit point. Before anything reached the client a
// hang (first_byte_timeout), a stream that stalls or resets before its first complete event
// moves the call to the next deployment. After the first byte reached the client, a stall
// (stream_timeout), a reset or a truncated stream ends the client's stream with an OpenAI error
// event and nothing is retried. An upstream that answered 200 is never called twice: a malformed
// body is a 502. Slow but steady answers are not cut.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { attemptsOf, chaosConfig, dep, postStream, streamErrorOf, untilHit } from './lib/chaos.mjs';
import { errorOf, postJSON, startGateway, UPSTREAM_KEY, USER_HELLO } from './lib/gateway.mjs';

let x;
let y;
let gw;
before(async () => {
  x = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  y = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  const timeouts = { first_byte_timeout: 0.5, stream_timeout: 0.5, timeout: 4 };
  gw = await startGateway({
    config: chaosConfig([
      // 'pool': X and Y under one alias; the first attempt lands on either.
      dep('pool-X', { alias: 'pool', upstream: x.url, ...timeouts }),
      dep('pool-Y', { alias: 'pool', upstream: y.url, ...timeouts }),
      // 'x' → X alone, falling back to 'y' → Y: X is always tried first.
      dep('x-0', { alias: 'x', upstream: x.url, ...timeouts }),
      dep('y-0', { alias: 'y', upstream: y.url, ...timeouts }),
    ], { num_retries: 2, disable_cooldowns: true, allowed_fails: 1000, fallbacks: [{ x: ['y'] }] }),
  });
});
after(async () => {
  await gw?.stop();
  await x?.close();
  await y?.close();
});
beforeEach(() => { x.reset(); y.reset(); });

const url = () => `${gw.url}/v1/chat/completions`;
const chat = (model, extra = {}) => postJSON(url(), { model, messages: [USER_HELLO], ...extra }, { signal: AbortSignal.timeout(20_000) });
const stream = (model) => postStream(url(), { model, messages: [USER_HELLO], stream: true, stream_options: { include_usage: true } });

/** A complete, clean OpenAI stream: chunks that all parse, one role chunk, usage, [DONE]. */
function assertCompleteStream(s) {
  assert.equal(s.status, 200, s.text);
  assert.equal(s.error, null, `the stream broke: ${s.error}`);
  assert.equal(s.data.at(-1), '[DONE]');
  const chunks = s.events.slice(0, -1);
  for (const e of chunks) assert.equal(e.json?.object, 'chat.completion.chunk', `not a chunk: ${e.raw}`);
  assert.equal(chunks.filter((e) => e.json.choices[0]?.delta?.role === 'assistant').length, 1, 'one stream, not two spliced');
}

describe('before the first byte: the next deployment answers', () => {
  test('hang before headers → first_byte_timeout (0.5 s) → the other deployment', async () => {
    x.enqueue({ hang: true, times: 100 });
    const { res } = await untilHit(x, () => chat('pool'));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-llmgw-deployment'), 'pool-Y');
    assert.equal(attemptsOf(res), 2);
    assert.ok(res.ms >= 450 && res.ms < 2500, `answered after ${res.ms.toFixed(0)} ms (first_byte_timeout 0.5 s, timeout 4 s)`);
    const closed = await Promise.race([x.requests[0].closed, new Promise((r) => setTimeout(() => r(null), 3000))]);
    assert.ok(closed, 'the gateway left the hung upstream connection open');
  });

  test('streamed: hang before headers → the other deployment\'s complete stream', async () => {
    x.enqueue({ hang: true, times: 100 });
    const { res: s } = await untilHit(x, () => stream('pool'));
    assertCompleteStream(s);
    assert.equal(s.headers.get('x-llmgw-deployment'), 'pool-Y');
    assert.ok(s.ms >= 450 && s.ms < 2500, `took ${s.ms.toFixed(0)} ms`);
  });

  test('200 and stream headers, then silence (no event) → first_byte_timeout → the other deployment', async () => {
    x.enqueue({ stallMidStream: true, cutAfter: 0, times: 100 });
    const { res: s } = await untilHit(x, () => stream('pool'));
    assertCompleteStream(s);
    assert.equal(s.headers.get('x-llmgw-deployment'), 'pool-Y');
    assert.equal(attemptsOf(s), 2);
    assert.ok(s.ms < 2500, `took ${s.ms.toFixed(0)} ms`);
  });

  test('half an event, then silence: nothing complete reached the client → the other deployment', async () => {
    x.enqueue({ stallMidStream: true, stallHalfFrame: true, cutAfter: 0, times: 100 });
    const { res: s } = await untilHit(x, () => stream('pool'));
    assertCompleteStream(s);
    assert.equal(s.headers.get('x-llmgw-deployment'), 'pool-Y');
  });

  test('reset before the first event → the other deployment at once', async () => {
    x.enqueue({ resetMidStream: true, cutAfter: 0, times: 100 });
    const { res: s } = await untilHit(x, () => stream('pool'));
    assertCompleteStream(s);
    assert.equal(s.headers.get('x-llmgw-deployment'), 'pool-Y');
    assert.ok(s.ms < 1000, `took ${s.ms.toFixed(0)} ms`);
  });
});

describe('after the first byte: an error event in the client\'s stream, no retry', () => {
  /** X breaks `behaviour`-wise after 3 events: the client keeps those, then gets one error event. */
  async function brokenAfterFirstByte(behaviour) {
    x.enqueue({ ...behaviour, cutAfter: 3, streamDelayMs: 50 }); // the break comes 50 ms after the 3rd event
    const s = await stream('x');
    assert.equal(s.status, 200, s.text);
    assert.equal(s.headers.get('x-llmgw-deployment'), 'x-0');
    const content = s.events.filter((e) => e.json?.object === 'chat.completion.chunk');
    assert.equal(content.length, 3, `the client got ${content.length} of X's 3 events`);
    const err = streamErrorOf(s);
    assert.ok(!s.data.includes('[DONE]'), 'a broken stream must not end with [DONE]');
    assert.equal(x.requests.length, 1, 'X was called again');
    assert.equal(y.requests.length, 0, 'the fallback was called after the client got bytes');
    return { s, err };
  }

  test('stall after 3 events → stream_timeout (0.5 s) → error event', async () => {
    const { s } = await brokenAfterFirstByte({ stallMidStream: true });
    assert.ok(s.ms >= 450 && s.ms < 3000, `ended after ${s.ms.toFixed(0)} ms (stream_timeout 0.5 s)`);
    const closed = await Promise.race([x.requests[0].closed, new Promise((r) => setTimeout(() => r(null), 3000))]);
    assert.ok(closed, 'the gateway left the stalled upstream connection open');
  });

  test('reset after 3 events → error event at once', async () => {
    const { s } = await brokenAfterFirstByte({ resetMidStream: true });
    assert.ok(s.ms < 1500, `ended after ${s.ms.toFixed(0)} ms`);
  });

  test('connection closed after 3 events → error event', async () => {
    await brokenAfterFirstByte({ destroyMidStream: true });
  });
});

describe('never twice after the upstream answered 200', () => {
  test('200 with a malformed JSON body → 502, not retried', async () => {
    x.enqueue({ status: 200, body: '{"id":"chatcmpl-x","object":"chat.completion","choices":[{"index":0,"mess', times: 5 });
    const res = await chat('x');
    assert.equal(res.status, 502, res.text);
    errorOf(res);
    assert.equal(x.requests.length, 1);
    assert.equal(y.requests.length, 0);
  });

  test('200 JSON cut by a reset half way → 502, not retried', async () => {
    x.enqueue({ resetMidStream: true, times: 5 });
    const res = await chat('x');
    assert.equal(res.status, 502, res.text);
    errorOf(res);
    assert.equal(x.requests.length, 1);
    assert.equal(y.requests.length, 0);
  });

  test('a stream that ends cleanly in the middle of an event (truncated SSE) → error event, not retried', async () => {
    x.enqueue({ truncateStream: true, cutAfter: 3 });
    const s = await stream('x');
    assert.equal(s.status, 200, s.text);
    streamErrorOf(s);
    assert.ok(!s.data.includes('[DONE]'));
    assert.equal(x.requests.length, 1);
    assert.equal(y.requests.length, 0);
  });
});

describe('slow but steady is not a failure', () => {
  test('an answer 300 ms late (first_byte_timeout 0.5 s) comes from the first deployment', async () => {
    x.enqueue({ delayMs: 300 });
    const res = await chat('x');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-llmgw-deployment'), 'x-0');
    assert.equal(attemptsOf(res), 1);
  });

  test('a stream with an event every 200 ms, 2 s+ in all (stream_timeout 0.5 s) is not cut', async () => {
    x.enqueue({ streamDelayMs: 200 });
    const s = await stream('x');
    assertCompleteStream(s);
    assert.ok(s.ms > 1500, `the stream took ${s.ms.toFixed(0)} ms`);
    assert.equal(x.requests.length, 1);
    assert.equal(y.requests.length, 0);
  });
});
