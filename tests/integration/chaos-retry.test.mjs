// Chaos: retries. An upstream's Retry-After (seconds, retry-after-ms, HTTP-date) is honoured
// before the same deployment is called again; retryable failures (408/409/429/5xx/529, refused
// connections) move the call to another deployment of the pool at once, while 400/401/403/404
// are answered after exactly one upstream call; num_retries bounds the calls, retry_after
// spaces them, and router_settings.timeout caps the whole request. Embeddings calls take the same
// retries (the core's one attempt loop).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { openaiError, startOpenAIMock } from '../mocks/openai-mock.mjs';
import { attemptsOf, chaosConfig, dep, gaps, untilHit, withGateway } from './lib/chaos.mjs';
import { closedPort, errorOf, postJSON, startGateway, UPSTREAM_KEY, USER_HELLO } from './lib/gateway.mjs';

let a;
let b;
before(async () => {
  a = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  b = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
});
after(async () => {
  await a?.close();
  await b?.close();
});
beforeEach(() => { a.reset(); b.reset(); });

const chat = (gw, model, extra = {}) =>
  postJSON(`${gw.url}/v1/chat/completions`, { model, messages: [USER_HELLO], ...extra }, { signal: AbortSignal.timeout(20_000) });
const rateLimited = openaiError('Rate limit reached for gpt-4o-mini in organization org-x on requests per min (RPM): ' +
  'Limit 3, Used 3, Requested 1. Please try again in 2s.', { type: 'requests', code: 'rate_limit_exceeded' });

describe('Retry-After is honoured before the same deployment is called again', () => {
  let gw;
  before(async () => { gw = await startGateway({ config: chaosConfig([dep('solo-0', { alias: 'solo', upstream: a.url })], { num_retries: 2 }) }); });
  after(() => gw?.stop());

  async function retriedAfter(headers) {
    a.enqueue({ status: 429, body: rateLimited, headers });
    const res = await chat(gw, 'solo');
    assert.equal(res.status, 200, res.text);
    assert.equal(a.requests.length, 2, 'one 429, then one retry');
    assert.equal(attemptsOf(res), 2);
    assert.equal(res.headers.get('x-llmgw-deployment'), 'solo-0');
    assert.equal(res.headers.get('retry-after'), null, 'the 429\'s headers are not relayed with the 200');
    return { gap: gaps(a.arrivals())[0], ms: res.ms };
  }

  test('Retry-After: 2 → no second call within 2 s, then the client gets the 200', async () => {
    const { gap, ms } = await retriedAfter({ 'retry-after': '2' });
    assert.ok(gap >= 1995, `the retry arrived ${gap.toFixed(0)} ms after the 429 (Retry-After: 2)`);
    assert.ok(ms < 4000, `took ${ms.toFixed(0)} ms`);
  });

  test('an embeddings call is retried the same way (429, retry-after-ms: 300 → one retry, then the list)', async () => {
    a.enqueue({ status: 429, body: rateLimited, headers: { 'retry-after-ms': '300' } });
    const res = await postJSON(`${gw.url}/v1/embeddings`, { model: 'solo', input: ['alpha', 'beta'] }, { signal: AbortSignal.timeout(20_000) });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.object, 'list');
    assert.equal(res.json.data.length, 2);
    assert.equal(a.requests.length, 2, 'one 429, then one retry');
    assert.ok(a.requests.every((r) => r.path === '/v1/embeddings'));
    assert.equal(attemptsOf(res), 2);
    assert.ok(gaps(a.arrivals())[0] >= 295, 'the retry came before retry-after-ms');
  });

  test('retry-after-ms: 1200 → no second call within 1.2 s', async () => {
    const { gap, ms } = await retriedAfter({ 'retry-after-ms': '1200' });
    assert.ok(gap >= 1195, `the retry arrived ${gap.toFixed(0)} ms after the 429 (retry-after-ms: 1200)`);
    assert.ok(ms < 3200, `took ${ms.toFixed(0)} ms`);
  });

  test('x-ratelimit-reset-requests: 1.5s with none remaining → no second call within 1.5 s', async () => {
    const { gap, ms } = await retriedAfter({ 'x-ratelimit-remaining-requests': '0', 'x-ratelimit-reset-requests': '1.5s',
      'x-ratelimit-remaining-tokens': '90000', 'x-ratelimit-reset-tokens': '6ms' });
    assert.ok(gap >= 1495, `the retry arrived ${gap.toFixed(0)} ms after the 429 (requests reset in 1.5 s)`);
    assert.ok(ms < 3500, `took ${ms.toFixed(0)} ms`);
  });

  test('Retry-After as an HTTP-date → no second call before that date', async () => {
    const until = new Date(Date.now() + 3000); // the header has 1 s resolution: 2–3 s from now
    const { gap, ms } = await retriedAfter({ 'retry-after': until.toUTCString() });
    const floor = Math.floor(until.getTime() / 1000) * 1000 - a.requests[0].receivedAt;
    assert.ok(gap >= Math.min(1900, floor - 50), `the retry arrived ${gap.toFixed(0)} ms after the 429 (date ${floor} ms ahead)`);
    assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
  });
});

describe('retryable vs not, on a pool of two', () => {
  let gw;
  // Cooldowns off (and allowed_fails high for good measure): every call picks freely, so the
  // failing deployment keeps getting first attempts.
  before(async () => {
    gw = await startGateway({ config: chaosConfig([dep('X', { alias: 'pool', upstream: a.url }), dep('Y', { alias: 'pool', upstream: b.url })],
      { num_retries: 2, allowed_fails: 1000, disable_cooldowns: true }) });
  });
  after(() => gw?.stop());

  for (const status of [500, 503, 529, 408, 409, 429]) {
    test(`${status} → the other deployment at once; the client gets its 200`, async () => {
      a.enqueue({ status, times: 100 });
      const { res } = await untilHit(a, () => chat(gw, 'pool'));
      assert.equal(res.status, 200, res.text);
      assert.equal(res.headers.get('x-llmgw-deployment'), 'Y');
      assert.equal(attemptsOf(res), 2);
      assert.equal(a.requests.length, 1, 'the failing deployment was called once');
      const wait = b.requests.at(-1).arrivedAt - a.requests[0].arrivedAt;
      assert.ok(wait >= 0 && wait < 250, `the other deployment was called ${wait.toFixed(0)} ms after the failure (no backoff expected)`);
    });
  }

  const rejections = {
    400: openaiError("Invalid 'messages[0].content': string too long.", { param: 'messages[0].content', code: 'string_above_max_length' }),
    401: openaiError('Incorrect API key provided: sk-up***2d.', { code: 'invalid_api_key' }),
    403: openaiError('Project `proj_x` does not have access to model `gpt-4o-mini`', { code: 'model_not_found' }),
    404: openaiError('The model `gpt-4o-mini` does not exist or you do not have access to it.', { code: 'model_not_found' }),
  };
  for (const [status, body] of Object.entries(rejections).map(([s, v]) => [Number(s), v])) {
    test(`${status} → never retried: one upstream call, ${status} passed through OpenAI-shaped`, async () => {
      a.enqueue({ status, body, times: 100 });
      const { res, others } = await untilHit(a, () => chat(gw, 'pool'), { others: [b] });
      assert.equal(res.status, status, res.text);
      const e = errorOf(res);
      // The gateway masks key fragments in an upstream 401's message; the others pass as they are.
      if (status !== 401) assert.equal(e.message, body.error.message);
      assert.equal(a.requests.length, 1, 'called once');
      assert.deepEqual(others, [0], 'the other deployment was not tried');
      assert.equal(attemptsOf(res), 1);
    });
  }

  test('a refused connection → the other deployment at once', async () => {
    const refused = `http://127.0.0.1:${await closedPort()}`;
    const config = chaosConfig([dep('R', { alias: 'pool', upstream: refused }), dep('Y', { alias: 'pool', upstream: b.url })],
      { num_retries: 2, disable_cooldowns: true, allowed_fails: 1000 });
    await withGateway(config, async (g) => {
      for (let i = 0; i < 40; i++) {
        const res = await chat(g, 'pool');
        assert.equal(res.status, 200, res.text);
        assert.equal(res.headers.get('x-llmgw-deployment'), 'Y');
        if (attemptsOf(res) === 2) {
          assert.ok(res.ms < 1000, `the retry took ${res.ms.toFixed(0)} ms`);
          return;
        }
      }
      assert.fail('no call was first sent to the refusing deployment');
    });
  });
});

describe('num_retries, retry_after and the request deadline', () => {
  const serverError = openaiError('The server had an error while processing your request. Sorry about that!', { type: 'server_error' });

  test('num_retries: 3 → exactly 4 calls, spaced by retry_after (0.3 s), then the 500 OpenAI-shaped', async () => {
    const config = chaosConfig([dep('solo-0', { alias: 'solo', upstream: a.url })], { num_retries: 3, retry_after: 0.3 });
    await withGateway(config, async (gw) => {
      a.enqueue({ status: 500, body: serverError, times: 100 });
      const res = await chat(gw, 'solo');
      assert.equal(res.status, 500, res.text);
      assert.equal(errorOf(res).message, serverError.error.message);
      assert.equal(a.requests.length, 4, 'one call and three retries');
      assert.equal(attemptsOf(res), 4);
      for (const g of gaps(a.arrivals())) assert.ok(g >= 295, `retries ${gaps(a.arrivals()).map((x) => x.toFixed(0))} ms apart`);
    });
  });

  test('num_retries: 0 → exactly one call', async () => {
    const config = chaosConfig([dep('solo-0', { alias: 'solo', upstream: a.url })], { num_retries: 0 });
    await withGateway(config, async (gw) => {
      a.enqueue({ status: 503, times: 100 });
      const res = await chat(gw, 'solo');
      assert.equal(res.status, 503, res.text);
      errorOf(res);
      assert.equal(a.requests.length, 1);
    });
  });

  test('router_settings.timeout (1.5 s) caps retries, waits and hung attempts', async () => {
    const config = chaosConfig([
      dep('flaky-0', { alias: 'flaky', upstream: a.url }),
      dep('stuck-0', { alias: 'stuck', upstream: b.url, timeout: 10 }),
      dep('limited-0', { alias: 'limited', upstream: b.url }),
    ], { num_retries: 20, retry_after: 0.4, timeout: 1.5 });
    await withGateway(config, async (gw) => {
      a.enqueue({ status: 503, times: 100 });
      const flaky = await chat(gw, 'flaky');
      assert.ok(flaky.status >= 500, flaky.text);
      errorOf(flaky);
      assert.ok(flaky.ms < 2000, `503s with retries answered after ${flaky.ms.toFixed(0)} ms (deadline 1.5 s)`);
      assert.ok(a.requests.length >= 2 && a.requests.length <= 5, `${a.requests.length} calls within the deadline`);

      b.enqueue({ hang: true, times: 5 });
      const stuck = await chat(gw, 'stuck');
      assert.ok(stuck.status >= 500, stuck.text);
      errorOf(stuck);
      assert.ok(stuck.ms < 2000, `a hung upstream answered after ${stuck.ms.toFixed(0)} ms (deadline 1.5 s, deployment timeout 10 s)`);
      b.reset();

      b.enqueue({ status: 429, body: rateLimited, headers: { 'retry-after': '30' }, times: 5 });
      const limited = await chat(gw, 'limited');
      assert.equal(limited.status, 429, limited.text);
      assert.ok(limited.ms < 2000, `a Retry-After beyond the deadline held the call ${limited.ms.toFixed(0)} ms`);
      assert.equal(b.requests.length, 1, 'no retry when Retry-After is past the deadline');
    });
  });
});
