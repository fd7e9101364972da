// Upstream failures reach the client OpenAI-shaped: refused connection → 502, timeout → 504 within
// the deployment's timeout, upstream error statuses relayed with the upstream's message.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { openaiError, startOpenAIMock } from '../mocks/openai-mock.mjs';
import {
  closedPort, deployment, errorOf, gatewayConfig, postJSON, readSSE, RELAY_AS_IS, startGateway, UPSTREAM_KEY, USER_HELLO,
} from './lib/gateway.mjs';

let mock;
let gw;
let chatUrl;

before(async () => {
  mock = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  const dead = await closedPort();
  gw = await startGateway({
    config: gatewayConfig({
      router: RELAY_AS_IS,  // one upstream answer per request: what the client gets of it
      deployments: [
        deployment({ alias: 'gpt-4o-mini', upstream: mock.url, timeout: 5 }),
        deployment({ alias: 'slow', upstream: mock.url, timeout: 1 }),
        deployment({ alias: 'dead', apiBase: `http://127.0.0.1:${dead}/v1`, timeout: 5 }),
      ],
    }),
  });
  chatUrl = `${gw.url}/v1/chat/completions`;
});
after(async () => {
  await gw?.stop();
  await mock?.close();
});
beforeEach(() => mock.reset());

const body = (model = 'gpt-4o-mini', extra = {}) => ({ model, messages: [USER_HELLO], ...extra });

describe('transport failures', () => {
  test('upstream refuses the connection → 502 api_error upstream_unreachable', async () => {
    const res = await postJSON(chatUrl, body('dead'));
    assert.equal(res.status, 502, res.text);
    const e = errorOf(res);
    assert.equal(e.type, 'api_error');
    assert.equal(e.code, 'upstream_unreachable');
    assert.ok(res.ms < 5000, `took ${res.ms} ms`);
  });

  test('streamed request to a refused upstream → 502 JSON before any event', async () => {
    const res = await postJSON(chatUrl, body('dead', { stream: true }));
    assert.equal(res.status, 502, res.text);
    assert.equal(errorOf(res).code, 'upstream_unreachable');
  });

  test('upstream hangs → 504 upstream_timeout within the deployment timeout (1 s)', async () => {
    mock.enqueue({ hang: true, times: 20 });
    const res = await postJSON(chatUrl, body('slow'), { signal: AbortSignal.timeout(15_000) });
    assert.equal(res.status, 504, res.text);
    const e = errorOf(res);
    assert.equal(e.code, 'upstream_timeout');
    assert.ok(res.ms >= 900, `answered after ${res.ms.toFixed(0)} ms: before the timeout`);
    assert.ok(res.ms < 5000, `answered after ${res.ms.toFixed(0)} ms`);
    assert.ok(mock.requests.length >= 1);
  });

  test('after a timeout the gateway closed the hung upstream connection', async () => {
    mock.enqueue({ hang: true, times: 20 });
    await postJSON(chatUrl, body('slow'), { signal: AbortSignal.timeout(15_000) });
    const rec = mock.requests[0];
    const closed = await Promise.race([rec.closed, new Promise((r) => setTimeout(() => r(null), 3000))]);
    assert.ok(closed, 'hung upstream connection still open 3 s after the 504');
  });

  test('streamed request whose upstream hangs → 504', async () => {
    mock.enqueue({ hang: true, times: 20 });
    const res = await postJSON(chatUrl, body('slow', { stream: true }), { signal: AbortSignal.timeout(15_000) });
    assert.equal(res.status, 504, res.text);
    assert.equal(errorOf(res).code, 'upstream_timeout');
  });
});

describe('upstream error statuses', () => {
  const rateLimited = openaiError('Rate limit reached for gpt-4o-mini in organization org-x on tokens per min (TPM): ' +
    'Limit 200000, Used 199000, Requested 2000. Please try again in 1s.', { type: 'tokens', code: 'rate_limit_exceeded' });
  const serverError = openaiError('The server had an error while processing your request. Sorry about that!',
    { type: 'server_error' });
  const contextTooLong = openaiError("This model's maximum context length is 128000 tokens. However, your messages " +
    'resulted in 130512 tokens. Please reduce the length of the messages.', { param: 'messages', code: 'context_length_exceeded' });

  test('429 → 429 with the upstream message', async () => {
    mock.enqueue({ status: 429, body: rateLimited, headers: { 'retry-after': '1' }, times: 20 });
    const res = await postJSON(chatUrl, body(), { signal: AbortSignal.timeout(30_000) });
    assert.equal(res.status, 429, res.text);
    assert.equal(errorOf(res).message, rateLimited.error.message);
  });

  test('429 → the Retry-After header reaches the client', async () => {
    mock.enqueue({ status: 429, body: rateLimited, headers: { 'retry-after': '1' }, times: 20 });
    const res = await postJSON(chatUrl, body(), { signal: AbortSignal.timeout(30_000) });
    assert.equal(res.status, 429);
    assert.ok(res.headers.get('retry-after') !== null, 'no Retry-After on the 429');
  });

  test('500 → 500 with the upstream message', async () => {
    mock.enqueue({ status: 500, body: serverError, times: 20 });
    const res = await postJSON(chatUrl, body(), { signal: AbortSignal.timeout(30_000) });
    assert.equal(res.status, 500, res.text);
    assert.equal(errorOf(res).message, serverError.error.message);
  });

  test('400 → 400 with the upstream message and code, not retried', async () => {
    mock.enqueue({ status: 400, body: contextTooLong, times: 20 });
    const res = await postJSON(chatUrl, body());
    assert.equal(res.status, 400, res.text);
    const e = errorOf(res);
    assert.equal(e.message, contextTooLong.error.message);
    assert.equal(e.code, 'context_length_exceeded');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(mock.requests.length, 1, 'a 400 was retried');
  });

  test('401 from the upstream (bad deployment key) is not reported as the client\'s own 200', async () => {
    mock.enqueue({ status: 401, body: openaiError('Incorrect API key provided: sk-up***2d.', { code: 'invalid_api_key' }), times: 20 });
    const res = await postJSON(chatUrl, body());
    assert.ok(res.status >= 400, `status ${res.status}`);
    errorOf(res);
  });

  test('streamed request, upstream 500 before the first event → 500 JSON, not a 200 stream', async () => {
    mock.enqueue({ status: 500, body: serverError, times: 20 });
    const res = await postJSON(chatUrl, body('gpt-4o-mini', { stream: true }), { signal: AbortSignal.timeout(30_000) });
    assert.equal(res.status, 500, res.text);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(errorOf(res).message, serverError.error.message);
  });

  test('upstream drops the connection mid-stream → the client stream ends, no [DONE] invented', async () => {
    mock.enqueue({ destroyMidStream: true, streamDelayMs: 50 });
    const t0 = performance.now();
    const res = await fetch(chatUrl, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body('gpt-4o-mini', { stream: true })), signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 200);
    const data = [];
    try {
      for await (const ev of readSSE(res.body)) data.push(ev.data);
    } catch { /* a reset connection is an acceptable way to end it */ }
    assert.ok(performance.now() - t0 < 5000, 'client stream did not end after the upstream dropped');
    assert.ok(data.length > 0);
    assert.ok(!data.includes('[DONE]'), 'gateway claimed a complete stream that was cut');
  });

  test('the gateway still serves after the failures', async () => {
    const res = await postJSON(chatUrl, body());
    assert.equal(res.status, 200, res.text);
  });
});
