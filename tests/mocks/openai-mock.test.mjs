// Self-test of the mock OpenAI upstream: it must reject what OpenAI rejects, speak its wire format,
// and honour the test behaviours, or the gateway tests built on it prove nothing.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, beforeEach, describe, test } from 'node:test';
import { postJSON, readSSE, request, WEATHER_TOOL } from '../integration/lib/gateway.mjs';
import { MOCK_TEXT, startOpenAIMock, WEATHER_ARGUMENTS } from './openai-mock.mjs';
import { withStandalone } from './lib/self-test.mjs';

const KEY = 'sk-mock-test-key';
const AUTH = { authorization: `Bearer ${KEY}` };
const HELLO = [{ role: 'user', content: 'hi' }];
let mock;
let chatUrl;

before(async () => {
  mock = await startOpenAIMock({ apiKey: KEY });
  chatUrl = `${mock.baseURL}/chat/completions`;
});
after(() => mock.close());
beforeEach(() => mock.reset());

const chat = (body, headers = AUTH) => postJSON(chatUrl, body, { headers });

async function expectError(body, status, { param, code, message } = {}, headers = AUTH) {
  const res = await chat(body, headers);
  assert.equal(res.status, status, res.text);
  const e = res.json.error;
  assert.deepEqual(Object.keys(e).sort(), ['code', 'message', 'param', 'type']);
  assert.equal(e.type, 'invalid_request_error');
  if (param !== undefined) assert.equal(e.param, param);
  if (code !== undefined) assert.equal(e.code, code);
  if (message) assert.match(e.message, message);
  return e;
}

async function streamEvents(body) {
  const res = await fetch(chatUrl, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/event-stream/);
  const events = [];
  for await (const ev of readSSE(res.body)) events.push(ev);
  return events;
}

describe('authentication', () => {
  test('missing Authorization → 401 "didn\'t provide an API key"', async () => {
    const e = await expectError({ model: 'gpt-4o-mini', messages: HELLO }, 401, { code: null }, {});
    assert.match(e.message, /didn't provide an API key/);
  });
  test('wrong key → 401 invalid_api_key, key masked', async () => {
    const e = await expectError({ model: 'gpt-4o-mini', messages: HELLO }, 401, { code: 'invalid_api_key' },
      { authorization: 'Bearer sk-wrong-key-123456' });
    assert.doesNotMatch(e.message, /sk-wrong-key-123456/);
  });
  test('right key → 200', async () => {
    assert.equal((await chat({ model: 'gpt-4o-mini', messages: HELLO })).status, 200);
  });
});

describe('request validation', () => {
  const m = 'gpt-4o-mini';
  test('non-JSON body → 400 parse error', async () => {
    await expectError('{"model": ', 400, { param: null, message: /could not parse the JSON body/ });
  });
  test('body not an object → 400', () => expectError('[1,2]', 400, { code: 'invalid_type' }));
  test('missing model → 400', () => expectError({ messages: HELLO }, 400, { message: /must provide a model/ }));
  test('model not a string → 400 param model', () => expectError({ model: 42, messages: HELLO }, 400, { param: 'model', code: 'invalid_type' }));
  test('missing messages → 400 param messages', () => expectError({ model: m }, 400, { param: 'messages', code: 'missing_required_parameter' }));
  test('messages not an array → 400', () => expectError({ model: m, messages: 'hi' }, 400, { param: 'messages', code: 'invalid_type' }));
  test('messages empty → 400', () => expectError({ model: m, messages: [] }, 400, { param: 'messages', code: 'empty_array' }));
  test('message without role → 400', () => expectError({ model: m, messages: [{ content: 'x' }] }, 400, { param: 'messages[0].role' }));
  test('message with an invalid role → 400', () =>
    expectError({ model: m, messages: [{ role: 'wizard', content: 'x' }] }, 400, { param: 'messages[0].role', code: 'invalid_value' }));
  test('unknown parameter → 400', () => expectError({ model: m, messages: HELLO, foo: 1 }, 400, { message: /Unrecognized request argument supplied: foo/ }));
  test('gateway-only fields (LiteLLM fallbacks, OpenRouter models) are unknown to OpenAI → 400', async () => {
    await expectError({ model: m, messages: HELLO, fallbacks: ['b'] }, 400, { message: /Unrecognized request argument supplied: fallbacks/ });
    await expectError({ model: m, messages: HELLO, models: [m, 'b'] }, 400, { message: /Unrecognized request argument supplied: models/ });
  });
  test('stream_options without stream → 400', () =>
    expectError({ model: m, messages: HELLO, stream_options: { include_usage: true } }, 400, { param: 'stream_options' }));
  test('tools not an array → 400', () => expectError({ model: m, messages: HELLO, tools: {} }, 400, { param: 'tools' }));
  test('tool without function.name → 400', () =>
    expectError({ model: m, messages: HELLO, tools: [{ type: 'function', function: {} }] }, 400, { param: 'tools[0].function.name' }));
  test('tool of unknown type → 400', () =>
    expectError({ model: m, messages: HELLO, tools: [{ type: 'retrieval' }] }, 400, { param: 'tools[0].type' }));
  test('tool name with bad characters → 400', () =>
    expectError({ model: m, messages: HELLO, tools: [{ type: 'function', function: { name: 'get weather' } }] }, 400,
      { param: 'tools[0].function.name' }));

  const assistantCall = { role: 'assistant', content: null,
    tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{}' } }] };
  test('tool message without a preceding tool call → 400', () =>
    expectError({ model: m, messages: [...HELLO, { role: 'tool', tool_call_id: 'call_a', content: 'x' }] }, 400,
      { param: 'messages.[1].role', message: /must be a response to a preceeding message with 'tool_calls'/ }));
  test('tool message with an unknown tool_call_id → 400', () =>
    expectError({ model: m, messages: [...HELLO, assistantCall, { role: 'tool', tool_call_id: 'call_b', content: 'x' }] }, 400,
      { param: 'messages.[2].tool_call_id' }));
  test('tool call left unanswered → 400', () =>
    expectError({ model: m, messages: [...HELLO, assistantCall, { role: 'user', content: 'and?' }] }, 400,
      { param: 'messages.[1].role', message: /did not have response messages: call_a/ }));
  test('a well-formed tool round trip is accepted', async () => {
    const res = await chat({ model: m, messages: [...HELLO, assistantCall, { role: 'tool', tool_call_id: 'call_a', content: 'sunny' }] });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.choices[0].message.content, 'Based on the tool results: sunny');
  });
  test('a rejected request is still recorded, raw bytes and headers', async () => {
    await chat('{"model": ');
    assert.equal(mock.requests.length, 1);
    assert.equal(mock.requests[0].body.toString(), '{"model": ');
    assert.equal(mock.requests[0].headers.authorization, `Bearer ${KEY}`);
  });
});

describe('answers', () => {
  test('chat.completion: echoes model, usage with details, records bytes sent', async () => {
    const raw = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"h\\u00e9llo"}]}';
    const res = await chat(raw);
    assert.equal(res.status, 200);
    const c = res.json;
    assert.equal(c.object, 'chat.completion');
    assert.match(c.id, /^chatcmpl-/);
    assert.equal(typeof c.created, 'number');
    assert.equal(c.model, 'gpt-4o-mini');
    assert.equal(c.choices[0].message.role, 'assistant');
    assert.equal(c.choices[0].message.content, MOCK_TEXT);
    assert.equal(c.choices[0].finish_reason, 'stop');
    assert.equal(c.usage.total_tokens, c.usage.prompt_tokens + c.usage.completion_tokens);
    assert.equal(c.usage.prompt_tokens_details.cached_tokens, 0);
    assert.equal(typeof c.usage.completion_tokens_details, 'object');
    assert.deepEqual(mock.requests[0].body, Buffer.from(raw));
    assert.deepEqual(mock.requests[0].responseBody, res.raw);
  });

  test('stream with include_usage: role, deltas, finish, usage chunk with choices [], [DONE]', async () => {
    const events = await streamEvents({ model: 'gpt-4o-mini', messages: HELLO, stream: true, stream_options: { include_usage: true } });
    assert.equal(events.at(-1).data, '[DONE]');
    const chunks = events.slice(0, -1).map((e) => e.json);
    for (const c of chunks) assert.equal(c.object, 'chat.completion.chunk');
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    const usageChunk = chunks.at(-1);
    assert.deepEqual(usageChunk.choices, []);
    assert.ok(usageChunk.usage.total_tokens > 0);
    for (const c of chunks.slice(0, -1)) assert.equal(c.usage, null);
    assert.equal(chunks.at(-2).choices[0].finish_reason, 'stop');
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), MOCK_TEXT);
    assert.equal(Buffer.concat(events.map((e) => Buffer.from(e.raw))).toString(), mock.requests[0].responseBody.toString());
  });

  test('stream without include_usage has no usage chunk and no usage key', async () => {
    const events = await streamEvents({ model: 'gpt-4o-mini', messages: HELLO, stream: true });
    for (const e of events.slice(0, -1)) {
      assert.equal(e.json.choices.length, 1);
      assert.ok(!('usage' in e.json));
    }
  });

  test('"weather" with tools → two parallel tool calls; feeding them back validates', async () => {
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'What is the weather in Paris and Tokyo?' }], tools: [WEATHER_TOOL] };
    const res = await chat(body);
    const msg = res.json.choices[0].message;
    assert.equal(res.json.choices[0].finish_reason, 'tool_calls');
    assert.equal(msg.content, null);
    assert.equal(msg.tool_calls.length, 2);
    assert.notEqual(msg.tool_calls[0].id, msg.tool_calls[1].id);
    msg.tool_calls.forEach((tc, i) => {
      assert.match(tc.id, /^call_[A-Za-z0-9]{24}$/);
      assert.equal(tc.type, 'function');
      assert.equal(tc.function.name, 'get_weather');
      assert.equal(tc.function.arguments, WEATHER_ARGUMENTS[i]);
    });
    const results = msg.tool_calls.map((tc, i) => ({ role: 'tool', tool_call_id: tc.id, content: `r${i}` }));
    const follow = await chat({ ...body, messages: [...body.messages, msg, ...results] });
    assert.equal(follow.status, 200, follow.text);
    assert.equal(follow.json.choices[0].message.content, 'Based on the tool results: r0; r1');
    const partial = await chat({ ...body, messages: [...body.messages, msg, results[0]] });
    assert.equal(partial.status, 400);
  });

  test('streamed tool calls: first delta per index carries id/type/name, arguments split', async () => {
    const events = await streamEvents({ model: 'gpt-4o-mini', stream: true, tools: [WEATHER_TOOL],
      messages: [{ role: 'user', content: 'weather please' }] });
    const calls = [];
    for (const e of events.slice(0, -1)) {
      for (const d of e.json.choices[0]?.delta.tool_calls ?? []) {
        if (!calls[d.index]) {
          assert.match(d.id, /^call_/);
          assert.equal(d.type, 'function');
          assert.equal(d.function.name, 'get_weather');
          assert.equal(d.function.arguments, '');
          calls[d.index] = { id: d.id, args: '', pieces: 0 };
        } else {
          assert.equal(d.id, undefined);
          calls[d.index].args += d.function.arguments;
          calls[d.index].pieces++;
        }
      }
    }
    assert.equal(calls.length, 2);
    calls.forEach((c, i) => {
      assert.equal(c.args, WEATHER_ARGUMENTS[i]);
      assert.ok(c.pieces > 2);
    });
    assert.equal(events.at(-2).json.choices[0].finish_reason, 'tool_calls');
  });

  test('GET /v1/models lists models; unknown path → 404 Invalid URL', async () => {
    const res = await request(`${mock.baseURL}/models`, { headers: AUTH });
    assert.equal(res.json.object, 'list');
    assert.ok(res.json.data.some((d) => d.id === 'gpt-4o-mini' && d.object === 'model'));
    const nf = await request(`${mock.baseURL}/nope`, { headers: AUTH });
    assert.equal(nf.status, 404);
    assert.match(nf.json.error.message, /Invalid URL \(GET \/v1\/nope\)/);
  });
});

describe('behaviours', () => {
  const body = { model: 'gpt-4o-mini', messages: HELLO };
  test('raw status/body/headers, applied `times` times, then normal answers', async () => {
    mock.enqueue({ status: 429, body: { error: { message: 'slow down', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
      headers: { 'retry-after': '2' }, times: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await chat(body);
      assert.equal(r.status, 429);
      assert.equal(r.headers.get('retry-after'), '2');
      assert.equal(r.json.error.message, 'slow down');
    }
    assert.equal((await chat(body)).status, 200);
  });

  test('delayMs delays the answer', async () => {
    mock.enqueue({ delayMs: 300 });
    const r = await chat(body);
    assert.equal(r.status, 200);
    assert.ok(r.ms >= 280, `took ${r.ms} ms`);
  });

  test('hang never answers; the record sees the client close', async () => {
    mock.enqueue({ hang: true });
    await assert.rejects(postJSON(chatUrl, body, { headers: AUTH, signal: AbortSignal.timeout(300) }));
    const rec = await mock.requests[0].closed;
    assert.equal(rec.status, null);
    assert.equal(rec.aborted, true);
  });

  test('streamDelayMs spaces the events out', async () => {
    mock.enqueue({ streamDelayMs: 100 });
    const events = await streamEvents({ ...body, stream: true });
    assert.ok(events.length >= 5);
    assert.ok(events.at(-1).at - events[0].at >= 100 * (events.length - 2), 'events were not spaced');
  });

  /** A raw node:http POST: resolves { status, data, error (the socket error's code, or null), ended }. */
  function rawPost(body, { abortAfterMs } = {}) {
    return new Promise((resolve) => {
      const out = { status: null, data: '', error: null, ended: false };
      const req = http.request(chatUrl, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' } }, (res) => {
        out.status = res.statusCode;
        res.setEncoding('utf8');
        res.on('data', (d) => { out.data += d; });
        res.on('end', () => { out.ended = true; resolve(out); });
        res.on('error', (e) => { out.error = e.code ?? e.message; resolve(out); });
        res.on('aborted', () => { out.error ??= 'aborted'; });
      });
      req.on('error', (e) => { out.error = e.code ?? e.message; resolve(out); });
      if (abortAfterMs) setTimeout(() => { req.destroy(); resolve(out); }, abortAfterMs);
      req.end(JSON.stringify(body));
    });
  }
  const framesIn = (data) => data.split('\n\n').filter(Boolean);

  test('resetMidStream resets the connection after `cutAfter` events', async () => {
    mock.enqueue({ resetMidStream: true, cutAfter: 2 });
    const r = await rawPost({ ...body, stream: true });
    assert.equal(r.status, 200);
    assert.ok(!r.ended, 'the response must not end cleanly');
    assert.equal(r.error, 'ECONNRESET');
    assert.equal(framesIn(r.data).length, 2);
    assert.equal(mock.requests[0].eventsSent, 2);
  });

  test('resetMidStream on a JSON answer: half the body, then a reset', async () => {
    mock.enqueue({ resetMidStream: true });
    const r = await rawPost(body);
    assert.equal(r.status, 200);
    assert.equal(r.error, 'ECONNRESET');
    assert.throws(() => JSON.parse(r.data));
  });

  test('stallMidStream: `cutAfter` events, then silence on an open connection', async () => {
    mock.enqueue({ stallMidStream: true, cutAfter: 1 });
    const r = await rawPost({ ...body, stream: true }, { abortAfterMs: 400 });
    assert.equal(r.status, 200);
    assert.ok(!r.ended && r.error === null, 'the stream neither ended nor broke');
    assert.equal(framesIn(r.data).length, 1);
    const rec = await mock.requests[0].closed;
    assert.equal(rec.aborted, true, 'the client ended it');
  });

  test('stallMidStream with cutAfter 0: headers only; stallHalfFrame: a partial event', async () => {
    mock.enqueue({ stallMidStream: true, cutAfter: 0 });
    const r = await rawPost({ ...body, stream: true }, { abortAfterMs: 300 });
    assert.equal(r.status, 200);
    assert.equal(r.data, '');
    mock.enqueue({ stallMidStream: true, stallHalfFrame: true, cutAfter: 0 });
    const h = await rawPost({ ...body, stream: true }, { abortAfterMs: 300 });
    assert.ok(h.data.startsWith('data: {') && !h.data.includes('\n\n'), `not a partial event: ${JSON.stringify(h.data)}`);
  });

  test('truncateStream: the HTTP answer ends cleanly in the middle of an event, no [DONE]', async () => {
    mock.enqueue({ truncateStream: true, cutAfter: 2 });
    const r = await rawPost({ ...body, stream: true });
    assert.equal(r.status, 200);
    assert.ok(r.ended && r.error === null);
    const frames = framesIn(r.data);
    assert.equal(frames.length, 3);
    assert.doesNotThrow(() => JSON.parse(frames[1].slice(6)));
    assert.throws(() => JSON.parse(frames[2].slice(6)), 'the last event is cut off');
    assert.ok(!r.data.includes('[DONE]'));
  });

  test('status 200 with a string body: a malformed answer sent as is', async () => {
    mock.enqueue({ status: 200, body: '{"id":"chatcmpl-x","object":"chat.completion","choices":[{' });
    const r = await chat(body);
    assert.equal(r.status, 200);
    assert.equal(r.json, undefined);
    assert.match(r.headers.get('content-type'), /^application\/json/);
  });

  test('arrivals(): a monotonic arrival time per request', async () => {
    const t0 = performance.now();
    await chat(body);
    await chat(body);
    const [a, b] = mock.arrivals();
    assert.ok(a >= t0 && b >= a && b <= performance.now());
    assert.equal(mock.requests[1].arrivedAt, b);
  });

  test('destroyMidStream cuts the stream before [DONE]', async () => {
    mock.enqueue({ destroyMidStream: true });
    const res = await fetch(chatUrl, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' },
      body: JSON.stringify({ ...body, stream: true }) });
    const seen = [];
    await assert.rejects(async () => { for await (const e of readSSE(res.body)) seen.push(e.data); });
    assert.ok(seen.length > 0 && !seen.includes('[DONE]'));
  });
});

test('standalone: `node openai-mock.mjs --port 0` prints "listening on PORT" and serves', async () => {
  await withStandalone(new URL('./openai-mock.mjs', import.meta.url), ['--port', '0', '--api-key', KEY], async (port) => {
    const res = await postJSON(`http://127.0.0.1:${port}/v1/chat/completions`, { model: 'x', messages: HELLO }, { headers: AUTH });
    assert.equal(res.status, 200);
  });
});

describe('embeddings', () => {
  const embed = (body, headers = AUTH) => postJSON(`${mock.baseURL}/embeddings`, body, { headers });
  test('float vectors of the model size, usage, deterministic', async () => {
    const a = await embed({ model: 'text-embedding-3-small', input: ['x', 'y'] });
    assert.equal(a.status, 200, a.text);
    assert.equal(a.json.data.length, 2);
    assert.equal(a.json.data[0].embedding.length, 1536);
    assert.ok(a.json.usage.prompt_tokens > 0);
    const b = await embed({ model: 'text-embedding-3-small', input: 'x' });
    assert.deepEqual(b.json.data[0].embedding, a.json.data[0].embedding);
  });
  test('base64 with dimensions: little-endian float32 bytes', async () => {
    const r = await embed({ model: 'text-embedding-3-large', input: 'x', dimensions: 4, encoding_format: 'base64' });
    assert.equal(r.status, 200, r.text);
    assert.equal(Buffer.from(r.json.data[0].embedding, 'base64').length, 16);
  });
  for (const [name, body, re] of [
    ['empty string', { model: 'text-embedding-3-small', input: '' }, /input' is invalid/],
    ['empty array', { model: 'text-embedding-3-small', input: [] }, /input' is invalid/],
    ['mixed kinds', { model: 'text-embedding-3-small', input: ['a', 1] }, /input' is invalid/],
    ['unknown member', { model: 'text-embedding-3-small', input: 'x', fallbacks: ['b'] }, /Unrecognized request argument/],
    ['dimensions on ada', { model: 'text-embedding-ada-002', input: 'x', dimensions: 8 }, /does not support specifying dimensions/],
    ['dimensions too large', { model: 'text-embedding-3-small', input: 'x', dimensions: 5000 }, /Must be between 1 and 1536/],
    ['bad encoding', { model: 'text-embedding-3-small', input: 'x', encoding_format: 'int8' }, /encoding_format/],
  ]) {
    test(`rejects ${name}`, async () => {
      const r = await embed(body);
      assert.equal(r.status, 400);
      assert.match(r.json.error.message, re);
    });
  }
  test('wrong key → 401', async () => {
    const r = await embed({ model: 'text-embedding-3-small', input: 'x' }, { authorization: 'Bearer nope' });
    assert.equal(r.status, 401);
  });
});

describe('Vertex AI OpenAI-compatible endpoint (open models)', () => {
  const P = 'mock-proj';
  const L = 'us-central1';
  let vmock;
  before(async () => { vmock = await startOpenAIMock({ vertex: { project: P, location: L, authorize: (h) => h === 'Bearer ok' } }); });
  after(() => vmock.close());
  const url = (project = P) => `${vmock.url}/v1/projects/${project}/locations/${L}/endpoints/openapi/chat/completions`;
  const vpost = (body, { auth = 'Bearer ok', project } = {}) => fetch(url(project), { method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) })
    .then(async (r) => ({ status: r.status, json: await r.json() }));
  const hello = { model: 'meta/llama-3.3-70b-instruct-maas', messages: [{ role: 'user', content: 'Hello' }] };

  test('answers a Chat Completions request naming the model with its publisher', async () => {
    const r = await vpost(hello);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.object, 'chat.completion');
    assert.equal(r.json.model, 'meta/llama-3.3-70b-instruct-maas');
    assert.deepEqual(vmock.requests.at(-1).vertex, { project: P, location: L });
  });
  test('rejects a model without its publisher, a bad token, another project; OpenAI keys are not asked for', async () => {
    const noPublisher = await vpost({ ...hello, model: 'llama-3.3-70b-instruct-maas' });
    assert.equal(noPublisher.status, 400);
    assert.equal(noPublisher.json.error.status, 'INVALID_ARGUMENT');
    const unauth = await vpost(hello, { auth: 'Bearer nope' });
    assert.equal(unauth.status, 401);
    assert.equal(unauth.json.error.status, 'UNAUTHENTICATED');
    const other = await vpost(hello, { project: 'someone-else' });
    assert.equal(other.status, 404);
    const bad = await vpost({ ...hello, top_q: 1 });
    assert.equal(bad.status, 400);
  });
});

describe('scripted stream pieces', () => {
  test('enqueue({ content, pieces }) streams exactly those deltas; pieces that do not add up are a 500', async () => {
    mock.enqueue({ content: 'ab[X_1]c', pieces: ['ab[X', '_1]c'] });
    const events = await streamEvents({ model: 'gpt-4o-mini', messages: HELLO, stream: true });
    const deltas = events.filter((e) => e.json?.choices?.[0]?.delta?.content).map((e) => e.json.choices[0].delta.content);
    assert.deepEqual(deltas, ['ab[X', '_1]c']);
    mock.enqueue({ content: 'abc', pieces: ['a', 'b'] });
    const r = await chat({ model: 'gpt-4o-mini', messages: HELLO, stream: true });
    assert.equal(r.status, 500);
  });
});

describe('Azure OpenAI deployment routes', () => {
  test('api-version required (404), the api-key header checked (401), then the OpenAI answer', async () => {
    const az = await startOpenAIMock({ azure: { apiKey: 'az-key' } });
    try {
      const url = (v) => `${az.url}/openai/deployments/dep-1/embeddings${v ? `?api-version=${v}` : ''}`;
      const body = { model: 'dep-1', input: 'hello' };
      let r = await postJSON(url(null), body, { headers: { 'api-key': 'az-key' } });
      assert.equal(r.status, 404);
      assert.equal(r.json.error.message, 'Resource not found');
      r = await postJSON(url('2024-10-21'), body, { headers: { 'api-key': 'wrong' } });
      assert.equal(r.status, 401);
      assert.match(r.json.error.message, /Access denied/);
      r = await postJSON(url('2024-10-21'), body, { headers: { 'api-key': 'az-key' } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.object, 'list');
      assert.deepEqual(az.requests.at(-1).azure, { deployment: 'dep-1', apiVersion: '2024-10-21' });
      r = await postJSON(`${az.url}/openai/deployments/dep-1/chat/completions?api-version=2024-10-21`,
        { model: 'dep-1', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'api-key': 'az-key' } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.object, 'chat.completion');
    } finally {
      await az.close();
    }
  });
});
