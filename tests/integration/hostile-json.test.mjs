// Hostile JSON (issue 9, points 1 and 6): bodies nested 100,000 deep, from a client or from an
// upstream, never crash the gateway; each is a clear error in the client's dialect (400 for the
// client's own bytes, a classified 502 for the upstream's), and /health answers after each.
// Client fallback lists are capped (16 names) and refused at once however long; a second
// top-level "model" is a 400.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import {
  anthropicDeployment, anthropicErrorOf, deployment, errorOf, gatewayConfig, postJSON, RELAY_AS_IS, request,
  startGateway, USER_HELLO,
} from './lib/gateway.mjs';

const DEPTH = 100_000;
const deep = (n = DEPTH) => '['.repeat(n) + ']'.repeat(n);

/**
 * An upstream that answers what the test sets in `answer` (status, content type, body) to any
 * POST, and records the requests it got. Deliberately not a faithful mock: it is the hostile
 * server these tests are about.
 */
function startHostileUpstream() {
  const state = { answer: null, requests: [] };
  const server = http.createServer((req, res) => {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => {
      state.requests.push({ path: req.url, body: Buffer.concat(parts).toString('utf8') });
      const a = state.answer ?? { status: 500, type: 'application/json', body: '{"error":{"message":"no answer set"}}' };
      res.writeHead(a.status, { 'content-type': a.type, 'content-length': Buffer.byteLength(a.body) });
      res.end(a.body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address();
    resolve({
      url: `http://127.0.0.1:${port}`,
      state,
      close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
    });
  }));
}

let upstream;
let gw;
let chatUrl;
let messagesUrl;

before(async () => {
  upstream = await startHostileUpstream();
  gw = await startGateway({
    config: gatewayConfig({
      deployments: [
        deployment({ alias: 'gpt', model: 'gpt-4o-mini', upstream: upstream.url }),
        anthropicDeployment({ alias: 'claude', model: 'claude-sonnet-4-5', upstream: upstream.url }),
        deployment({ alias: 'claude-on-openai', model: 'gpt-4o-mini', upstream: upstream.url }),
      ],
      router: RELAY_AS_IS,
    }),
  });
  chatUrl = `${gw.url}/v1/chat/completions`;
  messagesUrl = `${gw.url}/v1/messages`;
});
after(async () => {
  await gw?.stop();
  await upstream?.close();
});
beforeEach(() => {
  upstream.state.answer = null;
  upstream.state.requests = [];
});

async function assertAlive() {
  const res = await request(`${gw.url}/health`);
  assert.equal(res.status, 200, 'the gateway stopped answering /health');
  assert.equal(gw.proc.exitCode, null, `the gateway exited: ${gw.stderr?.() ?? ''}`);
  assert.equal(gw.proc.signalCode, null, `the gateway was killed by ${gw.proc.signalCode}`);
}

const chatBody = (extra = '') => `{"model":"gpt","messages":[{"role":"user","content":"hi"}]${extra}}`;
const messagesBody = (model, extra = '') =>
  `{"model":"${model}","max_tokens":16,"messages":[{"role":"user","content":"hi"}]${extra}}`;

function expectOpenAI400(res, code) {
  assert.equal(res.status, 400, res.text.slice(0, 300));
  const e = errorOf(res);
  assert.equal(e.type, 'invalid_request_error');
  if (code) assert.equal(e.code, code);
  return e;
}

function expectAnthropic400(res) {
  assert.equal(res.status, 400, res.text.slice(0, 300));
  const e = anthropicErrorOf(res);
  assert.equal(e.type, 'invalid_request_error');
  return e;
}

describe('client bodies nested 100,000 deep', () => {
  test('/v1/chat/completions → 400 json_too_deep (OpenAI shape), nothing sent upstream', async () => {
    const res = await postJSON(chatUrl, chatBody(`,"x":${deep()}`));
    const e = expectOpenAI400(res, 'json_too_deep');
    assert.match(e.message, /deeper than 128 levels/);
    assert.equal(upstream.state.requests.length, 0);
    await assertAlive();
  });

  test('/v1/chat/completions: the nesting where the messages are → 400', async () => {
    const res = await postJSON(chatUrl, `{"model":"gpt","messages":[{"role":"user","content":${deep()}}]}`);
    expectOpenAI400(res, 'json_too_deep');
    await assertAlive();
  });

  for (const model of ['claude', 'claude-on-openai']) {
    test(`/v1/messages to ${model} (${model === 'claude' ? 'passthrough' : 'translated'}) → 400 (Anthropic shape)`, async () => {
      const res = await postJSON(messagesUrl, messagesBody(model, `,"metadata":${deep()}`));
      const e = expectAnthropic400(res);
      assert.match(e.message, /deeper than 128 levels/);
      assert.equal(upstream.state.requests.length, 0);
      await assertAlive();
    });
  }

  test('/v1/messages/count_tokens → 400 (Anthropic shape)', async () => {
    const res = await postJSON(`${gw.url}/v1/messages/count_tokens`,
      `{"model":"claude","messages":[{"role":"user","content":${deep()}}]}`);
    expectAnthropic400(res);
    await assertAlive();
  });

  test('the issue\'s 1.6 KB / 790-level body is a 400 too, and 128 levels still pass the scan', async () => {
    expectAnthropic400(await postJSON(messagesUrl, messagesBody('claude', `,"metadata":${deep(790)}`)));
    // 128 levels in all: the root object is one, "x" holds 127.
    upstream.state.answer = { status: 200, type: 'application/json', body: okCompletion() };
    const res = await postJSON(chatUrl, chatBody(`,"x":${deep(127)}`));
    assert.equal(res.status, 200, res.text.slice(0, 300));
    await assertAlive();
  });
});

function okCompletion() {
  return JSON.stringify({
    id: 'chatcmpl-ok', object: 'chat.completion', created: 1, model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  });
}

describe('upstream answers nested 100,000 deep', () => {
  const deepJson = `{"id":"x","object":"chat.completion","type":"message","choices":[],"content":[],"x":${deep()}}`;
  const json = () => ({ status: 200, type: 'application/json', body: deepJson });

  test('non-stream, OpenAI client → OpenAI upstream: 502 (OpenAI shape)', async () => {
    upstream.state.answer = json();
    const res = await postJSON(chatUrl, chatBody());
    assert.equal(res.status, 502, res.text.slice(0, 300));
    const e = errorOf(res);
    assert.equal(e.code, 'upstream_json_too_deep');
    assert.equal(upstream.state.requests.length, 1);
    await assertAlive();
  });

  for (const model of ['claude', 'claude-on-openai']) {
    test(`non-stream, Anthropic client → ${model}: 502 (Anthropic shape)`, async () => {
      upstream.state.answer = json();
      const res = await postJSON(messagesUrl, messagesBody(model));
      assert.equal(res.status, 502, res.text.slice(0, 300));
      const e = anthropicErrorOf(res);
      assert.match(e.message, /deeper than 128 levels/);
      await assertAlive();
    });
  }

  const sse = (events) => ({ status: 200, type: 'text/event-stream', body: events.join('') });

  test('stream, OpenAI client → OpenAI upstream: a first event the gateway must read → 502 (OpenAI shape)', async () => {
    upstream.state.answer = sse([`data: {"choices":[],"usage":${deep()}}\n\n`, 'data: [DONE]\n\n']);
    const res = await postJSON(chatUrl, chatBody(',"stream":true'));
    assert.equal(res.status, 502, res.text.slice(0, 300));
    assert.equal(errorOf(res).code, 'upstream_json_too_deep');
    assert.ok(!res.text.includes('[[[['), 'the deep event reached the client');
    await assertAlive();
  });

  test('stream, Anthropic client → Anthropic upstream (passthrough) → 502 (Anthropic shape)', async () => {
    upstream.state.answer = sse([`event: message_start\ndata: ${deep()}\n\n`,
      'event: message_stop\ndata: {"type":"message_stop"}\n\n']);
    const res = await postJSON(messagesUrl, messagesBody('claude', ',"stream":true'));
    assert.equal(res.status, 502, res.text.slice(0, 300));
    assert.match(anthropicErrorOf(res).message, /deeper than 128 levels/);
    await assertAlive();
  });

  test('stream, Anthropic client → OpenAI upstream (translated) → 502 (Anthropic shape)', async () => {
    // Nothing in this event interests the provider's own watch: the core's translation refuses it.
    upstream.state.answer = sse([`data: {"id":"x","x":${deep()}}\n\n`, 'data: [DONE]\n\n']);
    const res = await postJSON(messagesUrl, messagesBody('claude-on-openai', ',"stream":true'));
    assert.equal(res.status, 502, res.text.slice(0, 300));
    assert.match(anthropicErrorOf(res).message, /deeper than 128 levels/);
    await assertAlive();
  });

  test('stream passthrough: an event nothing in the gateway reads is relayed as it came', async () => {
    // The gateway parses only the events it must (usage, finish_reason, errors): the client's
    // own parser meets this one. The point here is that the gateway itself is unharmed.
    upstream.state.answer = sse([`data: {"id":"x","x":${deep(1000)}}\n\n`,
      'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\n', 'data: [DONE]\n\n']);
    const res = await postJSON(chatUrl, chatBody(',"stream":true'));
    assert.equal(res.status, 200);
    assert.ok(res.text.includes(deep(1000)));
    await assertAlive();
  });
});

describe('duplicate model', () => {
  test('/v1/chat/completions → 400 duplicate_key, param model', async () => {
    const res = await postJSON(chatUrl, '{"model":"gpt","messages":[{"role":"user","content":"hi"}],"model":"claude"}');
    const e = expectOpenAI400(res, 'duplicate_key');
    assert.equal(e.param, 'model');
    assert.equal(upstream.state.requests.length, 0);
  });
  test('/v1/messages → 400 (Anthropic shape)', async () => {
    const res = await postJSON(messagesUrl, messagesBody('claude', ',"model":"claude-on-openai"'));
    assert.match(expectAnthropic400(res).message, /^model: /);
    assert.equal(upstream.state.requests.length, 0);
  });
});

describe('client fallback lists', () => {
  const names = (n, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

  test('"fallbacks" with 17 names → 400 naming the limit (OpenAI shape)', async () => {
    const res = await postJSON(chatUrl, { model: 'gpt', messages: [USER_HELLO], fallbacks: names(17) });
    const e = expectOpenAI400(res);
    assert.equal(e.param, 'fallbacks');
    assert.match(e.message, /more than 16/);
    assert.equal(upstream.state.requests.length, 0);
  });

  test('"models" with 17 names → 400 (Anthropic shape)', async () => {
    const res = await postJSON(messagesUrl, { models: names(17), max_tokens: 8, messages: [USER_HELLO] });
    assert.match(expectAnthropic400(res).message, /more than 16/);
  });

  test('x-llmgw-fallbacks with 17 names → 400', async () => {
    const res = await postJSON(chatUrl, { model: 'gpt', messages: [USER_HELLO] },
      { headers: { 'x-llmgw-fallbacks': names(17).join(', ') } });
    assert.match(expectOpenAI400(res).message, /x-llmgw-fallbacks lists more than 16/);
  });

  test('16 names pass the limit (and are checked as aliases)', async () => {
    const res = await postJSON(chatUrl, { model: 'gpt', messages: [USER_HELLO], fallbacks: names(16) });
    assert.equal(res.status, 400);
    assert.equal(errorOf(res).code, 'model_not_found');  // "m0" is no configured model
    upstream.state.answer = { status: 200, type: 'application/json', body: okCompletion() };
    const dup = await postJSON(chatUrl, { model: 'gpt', messages: [USER_HELLO], fallbacks: Array(16).fill('claude-on-openai') });
    assert.equal(dup.status, 200, dup.text.slice(0, 300));
  });

  test('40,000 names → 400 in under 100 ms, and the next request is not slowed', async () => {
    const body = JSON.stringify({ model: 'gpt', messages: [USER_HELLO], fallbacks: names(40_000) });
    await postJSON(chatUrl, body);  // warm: connection and code paths
    const res = await postJSON(chatUrl, body);
    expectOpenAI400(res);
    assert.ok(res.ms < 100, `took ${res.ms.toFixed(1)} ms`);
    const models = await postJSON(messagesUrl, JSON.stringify({ models: names(40_000), max_tokens: 8, messages: [USER_HELLO] }));
    expectAnthropic400(models);
    assert.ok(models.ms < 100, `took ${models.ms.toFixed(1)} ms`);
    await assertAlive();
  });
});
