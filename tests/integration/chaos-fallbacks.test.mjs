// Chaos: fallback chains. The configured chain is followed exactly, in order; a context-window
// error takes context_window_fallbacks and a content-policy refusal content_policy_fallbacks
// (never the plain chain); a client's own list (body "fallbacks", body "models", header
// x-llmgw-fallbacks) replaces the configured chain and never reaches the upstream, which, like
// OpenAI, rejects parameters it does not know.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { openaiError, startOpenAIMock } from '../mocks/openai-mock.mjs';
import { attemptsOf, chaosConfig, dep, postStream, withGateway } from './lib/chaos.mjs';
import { errorOf, postJSON, startGateway, UPSTREAM_KEY, USER_HELLO } from './lib/gateway.mjs';

const NAMES = ['a', 'b', 'c', 'cw', 'cp'];
const m = {};
let gw;

before(async () => {
  for (const n of NAMES) m[n] = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  gw = await startGateway({
    config: chaosConfig(NAMES.map((n) => dep(`${n}-0`, { alias: n, upstream: m[n].url })), {
      num_retries: 0, // one call per alias: the order of calls is the order of the chain
      disable_cooldowns: true,
      fallbacks: [{ a: ['b', 'c'] }],
      context_window_fallbacks: [{ a: ['cw'] }],
      content_policy_fallbacks: [{ a: ['cp'] }],
    }),
  });
});
after(async () => {
  await gw?.stop();
  for (const n of NAMES) await m[n]?.close();
});
beforeEach(() => { for (const n of NAMES) m[n].reset(); });

const chat = (model, extra = {}, headers = {}) =>
  postJSON(`${gw.url}/v1/chat/completions`, { model, messages: [USER_HELLO], ...extra }, { headers, signal: AbortSignal.timeout(20_000) });
const calls = () => Object.fromEntries(NAMES.map((n) => [n, m[n].requests.length]));
/** The aliases called, in arrival order. */
const order = () => NAMES.flatMap((n) => m[n].requests.map((r) => [r.arrivedAt, n])).sort((x, y) => x[0] - y[0]).map(([, n]) => n);

const contextTooLong = openaiError("This model's maximum context length is 128000 tokens. However, your messages resulted " +
  'in 130512 tokens. Please reduce the length of the messages.', { param: 'messages', code: 'context_length_exceeded' });
const filtered = (code) => openaiError("The response was filtered due to the prompt triggering Azure OpenAI's content " +
  'management policy. Please modify your prompt and retry.', { param: 'prompt', code });

test('precondition: the mock rejects "fallbacks" and "models" as OpenAI does, so a 200 proves they were stripped', async () => {
  for (const extra of [{ fallbacks: ['b'] }, { models: ['a', 'b'] }]) {
    const res = await postJSON(`${m.a.url}/v1/chat/completions`, { model: 'gpt-4o-mini', messages: [USER_HELLO], ...extra },
      { headers: { authorization: `Bearer ${UPSTREAM_KEY}` } });
    assert.equal(res.status, 400, res.text);
    assert.match(errorOf(res).message, /Unrecognized request argument/);
  }
});

describe('configured chains', () => {
  test('a and b fail → a, b, c in that order; c answers', async () => {
    m.a.enqueue({ status: 500, times: 5 });
    m.b.enqueue({ status: 503, times: 5 });
    const res = await chat('a');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-llmgw-deployment'), 'c-0');
    assert.equal(attemptsOf(res), 3);
    assert.deepEqual(order(), ['a', 'b', 'c']);
  });

  test('a fails, b answers: c is not called', async () => {
    m.a.enqueue({ status: 529, times: 5 });
    const res = await chat('a');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-llmgw-deployment'), 'b-0');
    assert.deepEqual(order(), ['a', 'b']);
  });

  test('400 context_length_exceeded → context_window_fallbacks, not the plain chain', async () => {
    m.a.enqueue({ status: 400, body: contextTooLong, times: 5 });
    const res = await chat('a');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-llmgw-deployment'), 'cw-0');
    assert.deepEqual(order(), ['a', 'cw']);
  });

  for (const code of ['content_filter', 'content_policy_violation']) {
    test(`400 ${code} → content_policy_fallbacks, not the plain chain`, async () => {
      m.a.enqueue({ status: 400, body: filtered(code), times: 5 });
      const res = await chat('a');
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.get('x-llmgw-deployment'), 'cp-0');
      assert.deepEqual(order(), ['a', 'cp']);
    });
  }

  test('a plain 400 takes no chain at all', async () => {
    const bad = openaiError("Invalid value for 'temperature': must be at most 2.", { param: 'temperature', code: 'invalid_value' });
    m.a.enqueue({ status: 400, body: bad, times: 5 });
    const res = await chat('a');
    assert.equal(res.status, 400, res.text);
    assert.equal(errorOf(res).message, bad.error.message);
    assert.deepEqual(calls(), { a: 1, b: 0, c: 0, cw: 0, cp: 0 });
  });

  test('the whole chain failing: the client gets the last error, after one call each', async () => {
    for (const n of ['a', 'b', 'c']) m[n].enqueue({ status: 503, times: 5 });
    const res = await chat('a');
    assert.equal(res.status, 503, res.text);
    errorOf(res);
    assert.deepEqual(order(), ['a', 'b', 'c']);
    assert.equal(attemptsOf(res), 3);
  });
});

describe('per-request fallbacks replace the chain and never reach the upstream', () => {
  test('body "fallbacks": ["c"] (LiteLLM) → a, then c; b is skipped; c gets no "fallbacks"', async () => {
    m.a.enqueue({ status: 500, times: 5 });
    const res = await chat('a', { fallbacks: ['c'] });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-llmgw-deployment'), 'c-0');
    assert.deepEqual(order(), ['a', 'c']);
    for (const r of [...m.a.requests, ...m.c.requests]) assert.equal(r.json.fallbacks, undefined);
  });

  test('body "models": ["a", "c"] (OpenRouter) → a, then c; nobody gets "models"', async () => {
    m.a.enqueue({ status: 500, times: 5 });
    const res = await chat('a', { models: ['a', 'c'] });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-llmgw-deployment'), 'c-0');
    assert.deepEqual(order(), ['a', 'c']);
    for (const r of [...m.a.requests, ...m.c.requests]) assert.equal(r.json.models, undefined);
  });

  test('header x-llmgw-fallbacks: c,b → a, c, b in that order; the header is not forwarded', async () => {
    m.a.enqueue({ status: 500, times: 5 });
    m.c.enqueue({ status: 502, times: 5 });
    const res = await chat('a', {}, { 'x-llmgw-fallbacks': 'c,b' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-llmgw-deployment'), 'b-0');
    assert.deepEqual(order(), ['a', 'c', 'b']);
    for (const n of ['a', 'b', 'c']) for (const r of m[n].requests) assert.equal(r.headers['x-llmgw-fallbacks'], undefined);
  });

  test('a healthy first model: its request carries neither "fallbacks" nor "models"', async () => {
    for (const extra of [{ fallbacks: ['b'] }, { models: ['a', 'b'] }]) {
      const res = await chat('a', extra);
      assert.equal(res.status, 200, `${JSON.stringify(extra)}: ${res.text}`);
      assert.equal(res.headers.get('x-llmgw-deployment'), 'a-0');
    }
    assert.equal(m.a.requests.length, 2);
    for (const r of m.a.requests) assert.deepEqual(Object.keys(r.json).sort(), ['messages', 'model']);
  });

  test('a stream with body fallbacks fails over before its first byte and reaches [DONE]', async () => {
    m.a.enqueue({ status: 500, times: 5 });
    const s = await postStream(`${gw.url}/v1/chat/completions`, { model: 'a', messages: [USER_HELLO], stream: true, fallbacks: ['c'] });
    assert.equal(s.status, 200, s.text);
    assert.equal(s.error, null);
    assert.equal(s.data.at(-1), '[DONE]');
    assert.equal(s.headers.get('x-llmgw-deployment'), 'c-0');
    assert.equal(m.c.requests[0].json.fallbacks, undefined);
  });
});

test('max_fallbacks: 1 → only the first fallback of the chain is tried', async () => {
  const config = chaosConfig(['a', 'b', 'c'].map((n) => dep(`${n}-0`, { alias: n, upstream: m[n].url })),
    { num_retries: 0, disable_cooldowns: true, max_fallbacks: 1, fallbacks: [{ a: ['b', 'c'] }] });
  await withGateway(config, async (g) => {
    m.a.enqueue({ status: 500, times: 5 });
    m.b.enqueue({ status: 500, times: 5 });
    const res = await postJSON(`${g.url}/v1/chat/completions`, { model: 'a', messages: [USER_HELLO] });
    assert.equal(res.status, 500, res.text);
    assert.deepEqual(order(), ['a', 'b']);
  });
});
