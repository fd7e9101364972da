// Bad client input is answered by the gateway itself, OpenAI-shaped, with the contract's status,
// type, param and code, and never reaches the upstream.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { errorOf, gatewayConfig, postJSON, request, startGateway, UPSTREAM_KEY, USER_HELLO } from './lib/gateway.mjs';

const MAX_BODY = 4096;
let mock;
let gw;
let chatUrl;

before(async () => {
  mock = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  gw = await startGateway({ config: gatewayConfig({ upstream: mock.url, server: { max_body_bytes: MAX_BODY } }) });
  chatUrl = `${gw.url}/v1/chat/completions`;
});
after(async () => {
  await gw?.stop();
  await mock?.close();
});
beforeEach(() => mock.reset());

function expectError(res, status, { type = 'invalid_request_error', param, code } = {}) {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const e = errorOf(res);
  if (type !== undefined) assert.equal(e.type, type);
  if (param !== undefined) assert.equal(e.param, param);
  if (code !== undefined) assert.equal(e.code, code);
  assert.ok(e.message.length > 0);
  assert.equal(mock.requests.length, 0, 'a rejected request reached the upstream');
  return e;
}

describe('chat body validation', () => {
  test('malformed JSON → 400 invalid_request_error', async () => {
    expectError(await postJSON(chatUrl, '{"model": "gpt-4o-mini", "messages": ['), 400);
  });
  test('trailing garbage after the JSON → 400', async () => {
    expectError(await postJSON(chatUrl, `${JSON.stringify({ model: 'gpt-4o-mini', messages: [USER_HELLO] })} x`), 400);
  });
  test('empty body → 400', async () => {
    expectError(await postJSON(chatUrl, ''), 400);
  });
  test('body is an array, not an object → 400', async () => {
    expectError(await postJSON(chatUrl, '[{"model":"gpt-4o-mini"}]'), 400);
  });
  test('body is a string → 400', async () => {
    expectError(await postJSON(chatUrl, '"hello"'), 400);
  });
  test('missing model → 400 param "model"', async () => {
    expectError(await postJSON(chatUrl, { messages: [USER_HELLO] }), 400, { param: 'model' });
  });
  test('model not a string → 400', async () => {
    expectError(await postJSON(chatUrl, { model: 42, messages: [USER_HELLO] }), 400);
  });
  test('model null → 400', async () => {
    expectError(await postJSON(chatUrl, { model: null, messages: [USER_HELLO] }), 400);
  });
  test('missing messages → 400 param "messages"', async () => {
    expectError(await postJSON(chatUrl, { model: 'gpt-4o-mini' }), 400, { param: 'messages' });
  });
  test('messages not an array → 400 param "messages"', async () => {
    expectError(await postJSON(chatUrl, { model: 'gpt-4o-mini', messages: 'hi' }), 400, { param: 'messages' });
  });
  test('unknown alias → 404 model_not_found', async () => {
    const e = expectError(await postJSON(chatUrl, { model: 'no-such-model', messages: [USER_HELLO] }), 404,
      { code: 'model_not_found' });
    assert.match(e.message, /no-such-model/);
  });
  test('unknown alias on a streamed request → 404 JSON, not an event stream', async () => {
    expectError(await postJSON(chatUrl, { model: 'no-such-model', stream: true, messages: [USER_HELLO] }), 404,
      { code: 'model_not_found' });
  });
});

describe('HTTP-level errors', () => {
  const good = JSON.stringify({ model: 'gpt-4o-mini', messages: [USER_HELLO] });

  test('Content-Type text/plain → 415', async () => {
    const res = await request(chatUrl, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: good });
    expectError(res, 415);
  });
  test('no Content-Type → 415', async () => {
    const res = await request(chatUrl, { method: 'POST', body: new Blob([good]) });
    expectError(res, 415);
  });
  test('Content-Type application/json; charset=utf-8 is accepted', async () => {
    const res = await request(chatUrl, { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: good });
    assert.equal(res.status, 200, res.text);
  });
  test(`body over server.max_body_bytes (${MAX_BODY}) → 413`, async () => {
    const big = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x'.repeat(MAX_BODY * 2) }] });
    const res = await postJSON(chatUrl, big);
    expectError(res, 413, { type: undefined });
  });
  test('body over the limit without Content-Length (chunked) → 413', async () => {
    const res = await new Promise((resolve, reject) => {
      const req = http.request(chatUrl, { method: 'POST', headers: { 'content-type': 'application/json' } }, (r) => {
        const parts = [];
        r.on('data', (d) => parts.push(d));
        r.on('end', () => {
          const text = Buffer.concat(parts).toString();
          let json;
          try { json = JSON.parse(text); } catch { json = undefined; }
          resolve({ status: r.statusCode, headers: new Headers(r.headers), text, json });
        });
      });
      req.on('error', reject);
      req.write(`{"model":"gpt-4o-mini","messages":[{"role":"user","content":"${'y'.repeat(MAX_BODY)}`);
      req.end(`${'y'.repeat(MAX_BODY)}"}]}`);
    });
    expectError(res, 413, { type: undefined });
  });
  test('a body just under the limit is accepted', async () => {
    const fill = MAX_BODY - 200;
    const res = await postJSON(chatUrl, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'z'.repeat(fill) }] });
    assert.equal(res.status, 200, res.text);
  });
  test('unknown path → 404', async () => {
    expectError(await request(`${gw.url}/v1/no/such/route`), 404, { type: undefined });
  });
  test('unknown POST path → 404', async () => {
    expectError(await postJSON(`${gw.url}/v1/chat/completion`, good), 404, { type: undefined });
  });
  test('GET /v1/chat/completions → 405 with Allow: POST', async () => {
    const res = await request(chatUrl);
    expectError(res, 405, { type: undefined });
    assert.match(res.headers.get('allow') ?? '', /\bPOST\b/);
  });
  test('DELETE /v1/models → 405 with Allow: GET', async () => {
    const res = await request(`${gw.url}/v1/models`, { method: 'DELETE' });
    expectError(res, 405, { type: undefined });
    assert.match(res.headers.get('allow') ?? '', /\bGET\b/);
  });
});

test('the gateway still serves after all the bad input', async () => {
  const res = await postJSON(chatUrl, { model: 'gpt-4o-mini', messages: [USER_HELLO] });
  assert.equal(res.status, 200, res.text);
});
