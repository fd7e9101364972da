// Same-dialect passthrough, Anthropic flavour: Anthropic client (raw fetch) → gateway
// (/v1/messages, /v1/messages/count_tokens) → Anthropic upstream (the mock). The upstream gets the
// client's bytes with only the model value replaced, the client's anthropic-version / anthropic-beta
// headers and the deployment's key (never the client's); the client gets the upstream's bytes
// unchanged, streams included. Upstream errors keep their status and Anthropic error type; errors
// the gateway raises itself are Anthropic-shaped too.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import { anthropicError } from '../mocks/anthropic-validate.mjs';
import { MOCK_TEXT, startAnthropicMock, WEATHER_INPUTS } from '../mocks/anthropic-mock.mjs';
import {
  ANTHROPIC_UPSTREAM_KEY, anthropicDeployment, anthropicErrorOf, gatewayConfig, postJSON, readSSE, request, sseEventName,
  startGateway, RELAY_AS_IS } from './lib/gateway.mjs';

const MASTER = 'sk-gw-master-7c1d0e9f-anthropic-client';
const ALIAS = 'claude-alias';
const UPSTREAM_MODEL = 'claude-sonnet-4-5';
const MAX_BODY = 64 * 1024;
const BETA = 'prompt-caching-2024-07-31,token-efficient-tools-2025-02-19';
let mock;
let gw;
let messagesUrl;
let countUrl;

before(async () => {
  mock = await startAnthropicMock({ apiKey: ANTHROPIC_UPSTREAM_KEY });
  gw = await startGateway({
    config: gatewayConfig({
      masterKey: MASTER,
      router: RELAY_AS_IS,
      server: { max_body_bytes: MAX_BODY },
      deployments: [
        anthropicDeployment({ alias: ALIAS, model: UPSTREAM_MODEL, upstream: mock.url }),
        anthropicDeployment({ alias: UPSTREAM_MODEL, model: UPSTREAM_MODEL, upstream: mock.url }),
      ],
    }),
  });
  messagesUrl = `${gw.url}/v1/messages`;
  countUrl = `${gw.url}/v1/messages/count_tokens`;
});
after(async () => {
  await gw?.stop();
  await mock?.close();
});
beforeEach(() => mock.reset({ cache: true }));

const H = { 'x-api-key': MASTER, 'anthropic-version': '2023-06-01' };

// Odd but valid JSON: key order (model last), spacing, tabs, CRLF, \u escapes, 1.0, an unknown field
// inside a block, cache_control on a system block and on a tool. Any re-serialisation changes it.
const bodyText = ({ stream = false } = {}) => '{\r\n\t"messages" : [ {"content":[{"type":"text","text":"h\\u00e9llo \\"quoted\\" \\/ \u00fc",' +
  '"x_unknown_field" : {"keep":[1, 2.50 ,true]}}] ,"role":"user"} ],\n' +
  '  "system":[{"cache_control":{"type":"ephemeral"},"type":"text","text":"Be terse."}],\n' +
  '  "tools" : [{"name":"get_weather","input_schema":{"type":"object","properties":{"location":{"type":"string"}}},' +
  '"cache_control":{"type" :"ephemeral"}}],\n' +
  `  "temperature": 1.0, "metadata": {"user_id":"u-42"},${stream ? ' "stream" : true ,' : ''}\n` +
  `  "max_tokens"  :  256,\t"model" :  "${ALIAS}"   }`;
const upstreamText = (opts) => bodyText(opts).replace(`"${ALIAS}"`, `"${UPSTREAM_MODEL}"`);

function assertNoClientKey(rec) {
  for (let i = 1; i < rec.rawHeaders.length; i += 2) {
    assert.ok(!rec.rawHeaders[i].includes(MASTER), `client key forwarded in ${rec.rawHeaders[i - 1]}`);
  }
}

describe('request bytes and headers', () => {
  test('upstream body = client body byte for byte, except the model value', async () => {
    const res = await postJSON(messagesUrl, bodyText(), { headers: H });
    assert.equal(res.status, 200, res.text);
    assert.equal(mock.requests.length, 1);
    const rec = mock.requests[0];
    assert.equal(rec.method, 'POST');
    assert.equal(rec.path.split('?')[0], '/v1/messages');
    assert.equal(rec.body.toString('utf8'), upstreamText());
    assert.ok(rec.body.equals(Buffer.from(upstreamText(), 'utf8')), 'bytes differ');
  });

  test('stream request body passes byte for byte too', async () => {
    const res = await postJSON(messagesUrl, bodyText({ stream: true }), { headers: H });
    assert.equal(res.status, 200, res.text);
    assert.ok(mock.requests[0].body.equals(Buffer.from(upstreamText({ stream: true }), 'utf8')), 'bytes differ');
  });

  test('client anthropic-version and anthropic-beta are forwarded', async () => {
    const res = await postJSON(messagesUrl, bodyText(), { headers: { ...H, 'anthropic-version': '2023-01-01', 'anthropic-beta': BETA } });
    assert.equal(res.status, 200, res.text);
    const rec = mock.requests[0];
    assert.equal(rec.headers['anthropic-version'], '2023-01-01', 'the client\'s anthropic-version must win on passthrough');
    assert.equal(rec.headers['anthropic-beta'], BETA);
  });

  test('a client that leaves out anthropic-version gets the upstream\'s own error: none is added', async () => {
    const res = await postJSON(messagesUrl, bodyText(), { headers: { 'x-api-key': MASTER } });
    assert.equal(res.status, 400, res.text);
    assert.match(res.text, /anthropic-version: header is required/);
    assert.equal(mock.requests.length, 1, 'the request reached the upstream, which refused it');
    assert.equal(mock.requests[0].headers['anthropic-version'], undefined, 'no anthropic-version was added');
  });

  test('x-api-key: the deployment key goes upstream, the client key never does', async () => {
    await postJSON(messagesUrl, bodyText(), { headers: { ...H, 'anthropic-beta': BETA } });
    const rec = mock.requests[0];
    assert.equal(rec.headers['x-api-key'], ANTHROPIC_UPSTREAM_KEY);
    assert.equal(rec.headers.authorization, undefined);
    assertNoClientKey(rec);
  });

  test('Authorization: Bearer <master> is accepted and not forwarded either', async () => {
    const res = await postJSON(messagesUrl, bodyText(), { headers: { authorization: `Bearer ${MASTER}`, 'anthropic-version': '2023-06-01' } });
    assert.equal(res.status, 200, res.text);
    const rec = mock.requests[0];
    assert.equal(rec.headers['x-api-key'], ANTHROPIC_UPSTREAM_KEY);
    assert.equal(rec.headers.authorization, undefined);
    assertNoClientKey(rec);
  });
});

describe('response bytes', () => {
  test('non-stream: the client gets the upstream bytes unchanged', async () => {
    const res = await postJSON(messagesUrl, bodyText(), { headers: H });
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(res.raw.toString('utf8'), mock.requests[0].responseBody.toString('utf8'));
    assert.ok(res.raw.equals(mock.requests[0].responseBody), 'bytes differ');
    assert.equal(res.json.model, UPSTREAM_MODEL);
    assert.deepEqual(res.json.content, [{ type: 'text', text: MOCK_TEXT }]);
  });

  test('stream: the client gets the upstream SSE bytes unchanged, message_stop last', async () => {
    const res = await fetch(messagesUrl, { method: 'POST', headers: { ...H, 'content-type': 'application/json' }, body: bodyText({ stream: true }) });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/event-stream/);
    const events = [];
    for await (const e of readSSE(res.body)) events.push(e);
    const raw = Buffer.from(events.map((e) => e.raw).join(''), 'utf8');
    const upstream = mock.requests[0].responseBody;
    assert.equal(raw.toString('utf8'), upstream.toString('utf8'));
    assert.ok(raw.equals(upstream), 'bytes differ');
    assert.equal(sseEventName(events[0]), 'message_start');
    assert.equal(sseEventName(events.at(-1)), 'message_stop');
    assert.ok(!events.some((e) => e.incomplete), 'a truncated event');
  });

  test('stream with two tool_use blocks: bytes unchanged, inputs reassemble', async () => {
    const body = JSON.stringify({ model: ALIAS, max_tokens: 256, stream: true, tools: [{ name: 'get_weather', input_schema: { type: 'object' } }],
      messages: [{ role: 'user', content: 'What is the weather in Paris and London?' }] });
    const res = await postJSON(messagesUrl, body, { headers: H });
    assert.equal(res.status, 200, res.text);
    assert.ok(res.raw.equals(mock.requests[0].responseBody), 'bytes differ');
    const datas = res.text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)));
    const inputs = [0, 1].map((i) => JSON.parse(datas.filter((d) => d.type === 'content_block_delta' && d.index === i)
      .map((d) => d.delta.partial_json).join('')));
    assert.deepEqual(inputs, WEATHER_INPUTS);
  });
});

describe('count_tokens', () => {
  const countBody = `{ "messages":[{"role":"user","content":"count   me"}],\n "system" : "sys",  "model":"${ALIAS}" }`;
  test('passthrough to /v1/messages/count_tokens: body bytes (model rewritten) and answer bytes', async () => {
    const res = await postJSON(countUrl, countBody, { headers: { ...H, 'anthropic-beta': BETA } });
    assert.equal(res.status, 200, res.text);
    assert.equal(mock.requests.length, 1);
    const rec = mock.requests[0];
    assert.equal(rec.path.split('?')[0], '/v1/messages/count_tokens');
    assert.equal(rec.body.toString('utf8'), countBody.replace(`"${ALIAS}"`, `"${UPSTREAM_MODEL}"`));
    assert.equal(rec.headers['x-api-key'], ANTHROPIC_UPSTREAM_KEY);
    assert.equal(rec.headers['anthropic-beta'], BETA);
    assertNoClientKey(rec);
    assert.ok(res.raw.equals(rec.responseBody), 'bytes differ');
    assert.deepEqual(Object.keys(res.json), ['input_tokens']);
    assert.ok(res.json.input_tokens > 0);
  });
  test('count_tokens upstream error keeps status and type', async () => {
    mock.enqueue({ status: 429, body: anthropicError('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'), times: 5 });
    const res = await postJSON(countUrl, countBody, { headers: H });
    assert.equal(res.status, 429, res.text);
    assert.equal(anthropicErrorOf(res).type, 'rate_limit_error');
  });
});

describe('upstream errors reach the client with their status and Anthropic type', () => {
  const cases = [
    [400, 'invalid_request_error', 'messages.0.content: Input should be a valid list'],
    [401, 'authentication_error', 'invalid x-api-key'],
    [403, 'permission_error', 'Your API key does not have permission to use the specified resource.'],
    [404, 'not_found_error', 'model: claude-nonexistent'],
    [413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.'],
    [429, 'rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'],
    [500, 'api_error', 'Internal server error'],
    [529, 'overloaded_error', 'Overloaded'],
  ];
  for (const [status, type, message] of cases) {
    for (const stream of [false, true]) {
      test(`${status} ${type}${stream ? ' (stream request, before the first byte)' : ''}`, async () => {
        const headers = status === 429 ? { 'retry-after': '7' } : {};
        mock.enqueue({ status, body: anthropicError(type, message, 'req_011CupstreamErr'), headers, times: 5 });
        const res = await postJSON(messagesUrl, bodyText({ stream }), { headers: H });
        assert.equal(res.status, status, res.text);
        assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
        const e = anthropicErrorOf(res);
        assert.equal(e.type, type);
        assert.ok(e.message.includes(message), `message lost: ${res.text}`);
        if (status === 429) assert.equal(res.headers.get('retry-after'), '7');
        assert.ok(!res.text.includes(ANTHROPIC_UPSTREAM_KEY));
      });
    }
  }

  test('a mid-stream `event: error` reaches the client after message_start', async () => {
    mock.enqueue({ streamError: { type: 'overloaded_error', message: 'Overloaded' } });
    const res = await fetch(messagesUrl, { method: 'POST', headers: { ...H, 'content-type': 'application/json' }, body: bodyText({ stream: true }) });
    assert.equal(res.status, 200);
    const events = [];
    for await (const e of readSSE(res.body)) events.push(e);
    assert.deepEqual(events.map(sseEventName), ['message_start', 'error']);
    assert.deepEqual(events[1].json, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
    const raw = Buffer.from(events.map((e) => e.raw).join(''), 'utf8');
    assert.ok(raw.equals(mock.requests[0].responseBody), 'bytes differ');
  });
});

describe('an upstream that cuts the stream', () => {
  test('the client is told: an `event: error` after the forwarded bytes, or a broken connection — not a clean end', async () => {
    mock.enqueue({ destroyMidStream: true });
    const res = await fetch(messagesUrl, { method: 'POST', headers: { ...H, 'content-type': 'application/json' }, body: bodyText({ stream: true }),
      signal: AbortSignal.timeout(10_000) });
    assert.equal(res.status, 200);
    const events = [];
    let transportError = null;
    try {
      for await (const e of readSSE(res.body)) events.push(e);
    } catch (e) {
      transportError = e;
    }
    const names = events.map(sseEventName);
    assert.ok(names.length > 1 && names[0] === 'message_start', names.join(','));
    assert.ok(!names.includes('message_stop'), 'the gateway claimed a complete stream that was cut');
    // What the upstream sent before it died is forwarded unchanged.
    const upstream = mock.requests[0].responseBody.toString('utf8');
    assert.ok(events.map((e) => e.raw).join('').startsWith(upstream), 'forwarded bytes differ from the upstream\'s');
    const last = events.at(-1);
    const errorEvent = sseEventName(last) === 'error' && last.json?.type === 'error' && typeof last.json?.error?.type === 'string';
    assert.ok(transportError || errorEvent,
      `the stream ended cleanly after ${names.length} events (${names.slice(-3).join(',')}): a client cannot tell the answer was cut. ` +
      'Expected a final `event: error` (as the translated paths send) or a reset connection.');
  });
});

describe('gateway-side errors are Anthropic-shaped and never reach the upstream', () => {
  const expectError = (res, status, type, re) => {
    assert.equal(res.status, status, res.text);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const e = anthropicErrorOf(res);
    assert.equal(e.type, type);
    if (re) assert.match(e.message, re);
    assert.equal(mock.requests.length, 0, 'the upstream was called');
  };
  test('missing max_tokens → 400 invalid_request_error', async () =>
    expectError(await postJSON(messagesUrl, { model: ALIAS, messages: [{ role: 'user', content: 'hi' }] }, { headers: H }),
      400, 'invalid_request_error', /max_tokens/));
  test('bad JSON → 400 invalid_request_error', async () =>
    expectError(await postJSON(messagesUrl, '{"model": "claude-alias", "max_tokens": 5,', { headers: H }), 400, 'invalid_request_error'));
  test('unknown model → 404 not_found_error', async () =>
    expectError(await postJSON(messagesUrl, { model: 'no-such-claude', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }, { headers: H }),
      404, 'not_found_error', /no-such-claude/));
  test('unknown model on count_tokens → 404 not_found_error', async () =>
    expectError(await postJSON(countUrl, { model: 'no-such-claude', messages: [{ role: 'user', content: 'hi' }] }, { headers: H }),
      404, 'not_found_error'));
  test('wrong x-api-key → 401 authentication_error', async () =>
    expectError(await postJSON(messagesUrl, bodyText(), { headers: { ...H, 'x-api-key': 'sk-wrong' } }), 401, 'authentication_error'));
  test('no key at all → 401 authentication_error', async () =>
    expectError(await postJSON(messagesUrl, bodyText(), { headers: { 'anthropic-version': '2023-06-01' } }), 401, 'authentication_error'));
  test(`body over server.max_body_bytes (${MAX_BODY}) → 413 request_too_large`, async () => {
    const big = JSON.stringify({ model: ALIAS, max_tokens: 5, messages: [{ role: 'user', content: 'x'.repeat(MAX_BODY * 2) }] });
    expectError(await postJSON(messagesUrl, big, { headers: H }), 413, 'request_too_large');
  });
  test('body over the limit without Content-Length (chunked) → 413 request_too_large', async () => {
    const res = await new Promise((resolve, reject) => {
      const req = http.request(messagesUrl, { method: 'POST', headers: { ...H, 'content-type': 'application/json' } }, (r) => {
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
      req.write(`{"model":"${ALIAS}","max_tokens":5,"messages":[{"role":"user","content":"${'y'.repeat(MAX_BODY)}`);
      req.end(`${'y'.repeat(MAX_BODY)}"}]}`);
    });
    expectError(res, 413, 'request_too_large');
  });
  test('GET /v1/messages → 405 (not forwarded)', async () => {
    const res = await request(messagesUrl, { headers: H });
    assert.equal(res.status, 405);
    assert.equal(mock.requests.length, 0);
  });
});
