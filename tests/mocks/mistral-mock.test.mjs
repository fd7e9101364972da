// Self-test of the mock Mistral upstream: it must reject what Mistral rejects and speak its format.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { postJSON, readSSE } from '../integration/lib/gateway.mjs';
import { MOCK_TEXT, startMistralMock } from './mistral-mock.mjs';
import { withStandalone } from './lib/self-test.mjs';

const KEY = 'mistral-mock-self-test';
const AUTH = { authorization: `Bearer ${KEY}` };
const HELLO = { model: 'mistral-small-latest', messages: [{ role: 'user', content: 'hi' }] };
const TOOL = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } };
let mock;
let url;
before(async () => { mock = await startMistralMock({ apiKey: KEY }); url = `${mock.url}/v1/chat/completions`; });
after(() => mock.close());
beforeEach(() => mock.reset());
const chat = (body, headers = AUTH) => postJSON(url, body, { headers });

describe('rejects what Mistral rejects', () => {
  test('no or wrong key → 401 Unauthorized', async () => {
    for (const h of [{}, { authorization: 'Bearer nope' }]) {
      const r = await chat(HELLO, h);
      assert.equal(r.status, 401);
      assert.equal(r.json.message, 'Unauthorized');
    }
  });
  test('unknown members → 422 extra_forbidden', async () => {
    for (const body of [{ ...HELLO, seed: 1 }, { ...HELLO, stream_options: { include_usage: true } },
      { ...HELLO, messages: [{ role: 'user', content: [{ type: 'text', text: 'x', cache_control: { type: 'ephemeral' } }] }] }]) {
      const r = await chat(body);
      assert.equal(r.status, 422, r.text);
      assert.equal(r.json.message.detail[0].type, 'extra_forbidden');
    }
  });
  test('tool-call ids must be 9 alphanumerics; every call answered', async () => {
    const call = (id) => ({ id, type: 'function', function: { name: 'get_weather', arguments: '{}' } });
    let r = await chat({ ...HELLO, messages: [HELLO.messages[0], { role: 'assistant', content: '', tool_calls: [call('call_abc123')] },
      { role: 'tool', tool_call_id: 'call_abc123', content: 'x' }] });
    assert.equal(r.status, 400);
    assert.match(r.json.message, /length of 9/);
    r = await chat({ ...HELLO, messages: [HELLO.messages[0], { role: 'assistant', content: '', tool_calls: [call('abcDEF123'), call('ghiJKL456')] },
      { role: 'tool', tool_call_id: 'abcDEF123', content: 'x' }] });
    assert.equal(r.status, 400);
    assert.match(r.json.message, /Not the same number of function calls and responses/);
  });
  test('tool_choice must be a Mistral value', async () => {
    assert.equal((await chat({ ...HELLO, tools: [TOOL], tool_choice: 'sometimes' })).status, 422);
    assert.equal((await chat({ ...HELLO, tools: [TOOL], tool_choice: 'any' })).status, 200);
  });
});

describe('answers', () => {
  test('text, usage', async () => {
    const r = await chat(HELLO);
    assert.equal(r.json.choices[0].message.content, MOCK_TEXT);
    assert.ok(r.json.usage.prompt_tokens > 0);
  });
  test('parallel tool calls with 9-character ids', async () => {
    const r = await chat({ ...HELLO, messages: [{ role: 'user', content: 'weather?' }], tools: [TOOL] });
    assert.equal(r.json.choices[0].finish_reason, 'tool_calls');
    assert.equal(r.json.choices[0].message.tool_calls.length, 2);
    assert.ok(r.json.choices[0].message.tool_calls.every((t) => /^[a-zA-Z0-9]{9}$/.test(t.id)));
  });
  test('stream: usage on the last chunk, then [DONE]', async () => {
    const res = await fetch(url, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ ...HELLO, stream: true }) });
    const events = [];
    for await (const e of readSSE(res.body)) events.push(e);
    assert.equal(events.at(-1).data, '[DONE]');
    assert.ok(events.at(-2).json.usage.completion_tokens > 0);
    assert.equal(events.slice(0, -1).map((e) => e.json.choices[0].delta.content ?? '').join(''), MOCK_TEXT);
  });
});

test('standalone', async () => {
  await withStandalone(new URL('./mistral-mock.mjs', import.meta.url), ['--port', '0'], async (port) => {
    assert.equal((await postJSON(`http://127.0.0.1:${port}/v1/chat/completions`, HELLO)).status, 200);
  });
});

describe('/v1/embeddings', () => {
  const embed = (body, headers = AUTH) => postJSON(`${mock.url}/v1/embeddings`, body, { headers });
  test('OpenAI-shaped list, output_dimension on codestral-embed, usage', async () => {
    let r = await embed({ model: 'mistral-embed', input: ['a', 'b'] });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.data.map((d) => d.index), [0, 1]);
    assert.equal(r.json.data[0].embedding.length, 1024);
    assert.ok(r.json.usage.prompt_tokens > 0);
    r = await embed({ model: 'codestral-embed', input: 'def f(): pass', output_dimension: 256 });
    assert.equal(r.json.data[0].embedding.length, 256);
  });
  test('rejects what Mistral rejects', async () => {
    let r = await embed({ model: 'mistral-embed', input: 'a', dimensions: 8 });
    assert.equal(r.status, 422);
    assert.equal(r.json.message.detail[0].type, 'extra_forbidden');
    r = await embed({ model: 'mistral-embed', input: [[1, 2]] });
    assert.equal(r.status, 422);
    assert.equal(r.json.message.detail[0].type, 'string_type');
    r = await embed({ model: 'mistral-embed', input: 'a', output_dimension: 256 });
    assert.equal(r.status, 400);
    assert.match(r.json.message, /does not support output_dimension/);
    assert.equal((await embed({ model: 'mistral-embed', input: 'a' }, {})).status, 401);
  });
});

describe('prompt caching (prompt_cache_key)', () => {
  const LONG = 'You answer questions about the weather, briefly and precisely. '.repeat(40);
  const body = (key, q = 'hi') => ({ ...HELLO, prompt_cache_key: key, messages: [{ role: 'system', content: LONG }, { role: 'user', content: q }] });
  test('a repeated prefix under the same key is reported in whole 64-token blocks; another key misses', async () => {
    const first = await chat(body('s-1'));
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.usage.prompt_tokens_details.cached_tokens, 0);
    const again = await chat(body('s-1', 'and tomorrow?'));
    const cached = again.json.usage.prompt_tokens_details.cached_tokens;
    assert.ok(cached >= 512 && cached % 64 === 0 && cached <= again.json.usage.prompt_tokens, JSON.stringify(again.json.usage));
    assert.equal((await chat(body('s-2', 'and tomorrow?'))).json.usage.prompt_tokens_details.cached_tokens, 0);
    assert.equal((await chat({ ...HELLO, messages: body('x').messages })).json.usage.prompt_tokens_details.cached_tokens, 0);
  });
  test('a prompt_cache_key that is not a string → 422 string_type', async () => {
    const r = await chat({ ...HELLO, prompt_cache_key: 42 });
    assert.equal(r.status, 422, r.text);
    assert.equal(r.json.message.detail[0].type, 'string_type');
  });
});

describe("Vertex AI's Mistral publisher", () => {
  let vm;
  const TOKEN = 'ya29.mistral-self-test';
  const base = (model, method) => `/v1/projects/p-1/locations/europe-west4/publishers/mistralai/models/${model}:${method}`;
  const post = (path, body, token = TOKEN) => postJSON(`${vm.url}${path}`, body, { headers: { authorization: `Bearer ${token}` } });
  before(async () => { vm = await startMistralMock({ vertex: { project: 'p-1', location: 'europe-west4', authorize: (h) => h === `Bearer ${TOKEN}` } }); });
  after(() => vm.close());
  const BODY = { model: 'mistral-small-2503', messages: [{ role: 'user', content: 'hi' }] };

  test('rawPredict: Mistral\'s answer, the route recorded', async () => {
    const r = await post(base('mistral-small-2503@001', 'rawPredict'), BODY);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.choices[0].message.content, MOCK_TEXT);
    assert.deepEqual(vm.requests.at(-1).vertex, { project: 'p-1', location: 'europe-west4', model: 'mistral-small-2503@001', method: 'rawPredict' });
  });
  test('streamRawPredict: SSE ending with [DONE]', async () => {
    const res = await fetch(`${vm.url}${base('codestral-2501', 'streamRawPredict')}`, { method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...BODY, model: 'codestral-2501', stream: true }) });
    const events = [];
    for await (const e of readSSE(res.body)) events.push(e);
    assert.equal(events.at(-1).data, '[DONE]');
  });
  test("Google's 401, 404 (project, model) and 400 (body model or stream flag against the URL)", async () => {
    let r = await post(base('mistral-small-2503@001', 'rawPredict'), BODY, 'wrong');
    assert.equal(r.status, 401);
    assert.equal(r.json.error.status, 'UNAUTHENTICATED');
    r = await post(base('mistral-small-2503', 'rawPredict').replace('p-1', 'p-2'), BODY);
    assert.equal(r.status, 404);
    r = await post(base('gemini-2.5-flash', 'rawPredict'), BODY);
    assert.equal(r.status, 404);
    assert.match(r.json.error.message, /Publisher Model/);
    r = await post(base('mistral-small-2503@001', 'rawPredict'), { ...BODY, model: 'mistral-small-2503@001' });
    assert.equal(r.status, 400);
    assert.equal(r.json.error.status, 'INVALID_ARGUMENT');
    r = await post(base('mistral-small-2503', 'rawPredict'), { ...BODY, stream: true });
    assert.equal(r.status, 400);
    r = await post(base('mistral-small-2503', 'streamRawPredict'), BODY);
    assert.equal(r.status, 400);
  });
  test("Mistral's own refusals still hold (422 extra_forbidden)", async () => {
    const r = await post(base('mistral-small-2503', 'rawPredict'), { ...BODY, seed: 1 });
    assert.equal(r.status, 422);
    assert.equal(r.json.message.detail[0].type, 'extra_forbidden');
  });
});
