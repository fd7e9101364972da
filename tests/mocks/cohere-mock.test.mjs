// Self-test of the mock Cohere upstream: it must reject what Cohere rejects and speak its format.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { postJSON, readSSE } from '../integration/lib/gateway.mjs';
import { MOCK_TEXT, startCohereMock, TOOL_PLAN } from './cohere-mock.mjs';
import { withStandalone } from './lib/self-test.mjs';

const KEY = 'co-mock-self-test';
const AUTH = { authorization: `Bearer ${KEY}` };
const HELLO = { model: 'command-a-03-2025', messages: [{ role: 'user', content: 'hi' }] };
const TOOL = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } };
let mock;
let url;
before(async () => { mock = await startCohereMock({ apiKey: KEY }); url = `${mock.url}/v2/chat`; });
after(() => mock.close());
beforeEach(() => mock.reset());
const chat = (body, headers = AUTH) => postJSON(url, body, { headers });

describe('rejects what Cohere rejects', () => {
  const expect = async (body, status, re, headers) => {
    const r = await chat(body, headers);
    assert.equal(r.status, status, r.text);
    assert.match(r.json.message, re);
  };
  test('bad token', () => expect(HELLO, 401, /invalid api token/, { authorization: 'Bearer nope' }));
  test('unknown field', () => expect({ ...HELLO, top_p: 0.5 }, 400, /unknown field `top_p`/));
  test('empty messages', () => expect({ ...HELLO, messages: [] }, 400, /messages cannot be empty/));
  test('bad role', () => expect({ ...HELLO, messages: [{ role: 'developer', content: 'x' }] }, 400, /invalid role/));
  test('lower-case tool_choice', () => expect({ ...HELLO, tools: [TOOL], tool_choice: 'required' }, 400, /invalid tool_choice/));
  test('tool result for no call', () => expect({ ...HELLO, messages: [HELLO.messages[0], { role: 'tool', tool_call_id: 'x', content: 'y' }] },
    400, /does not match any previous tool call/));
});

describe('answers', () => {
  test('text and usage', async () => {
    const r = await chat(HELLO);
    assert.equal(r.json.message.content[0].text, MOCK_TEXT);
    assert.equal(r.json.finish_reason, 'COMPLETE');
    assert.ok(r.json.usage.tokens.input_tokens > 0);
  });
  test('tool plan and two calls', async () => {
    const r = await chat({ ...HELLO, messages: [{ role: 'user', content: 'weather?' }], tools: [TOOL] });
    assert.equal(r.json.message.tool_plan, TOOL_PLAN);
    assert.equal(r.json.message.tool_calls.length, 2);
    assert.equal(r.json.finish_reason, 'TOOL_CALL');
  });
  test('stream events', async () => {
    const res = await fetch(url, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' }, body: JSON.stringify({ ...HELLO, stream: true }) });
    const events = [];
    for await (const e of readSSE(res.body)) events.push(e.json);
    assert.equal(events[0].type, 'message-start');
    assert.equal(events.at(-1).type, 'message-end');
    assert.equal(events.filter((e) => e.type === 'content-delta').map((e) => e.delta.message.content.text).join(''), MOCK_TEXT);
  });
});

test('standalone', async () => {
  await withStandalone(new URL('./cohere-mock.mjs', import.meta.url), ['--port', '0'], async (port) => {
    assert.equal((await postJSON(`http://127.0.0.1:${port}/v2/chat`, HELLO)).status, 200);
  });
});

describe('/v2/embed', () => {
  const embed = (body, headers = AUTH) => postJSON(`${mock.url}/v2/embed`, body, { headers });
  const BASE = { model: 'embed-v4.0', texts: ['a', 'b'], input_type: 'search_document', embedding_types: ['float'] };
  test('float embeddings by type, billed input tokens, output_dimension on v4', async () => {
    const r = await embed({ ...BASE, output_dimension: 256 });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.response_type, 'embeddings_by_type');
    assert.equal(r.json.embeddings.float.length, 2);
    assert.equal(r.json.embeddings.float[0].length, 256);
    assert.ok(r.json.meta.billed_units.input_tokens > 0);
  });
  test('rejects what Cohere rejects', async () => {
    const expect400 = async (body, re) => {
      const r = await embed(body);
      assert.equal(r.status, 400, r.text);
      assert.match(r.json.message, re);
    };
    await expect400({ ...BASE, input_type: undefined }, /input_type is required/);
    await expect400({ ...BASE, model: 'embed-english-v3.0', output_dimension: 256 }, /only supported for embed-v4/);
    await expect400({ ...BASE, output_dimension: 300 }, /must be one of/);
    await expect400({ ...BASE, texts: Array.from({ length: 97 }, () => 't') }, /at most 96/);
    await expect400({ ...BASE, input: 'x' }, /unknown field `input`/);
    assert.equal((await embed(BASE, { authorization: 'Bearer nope' })).status, 401);
  });
});

describe('usage.cached_tokens (Cohere\'s own prefix cache)', () => {
  test('a repeated prefix of at least minCacheTokens is reported, in the stream too; a short one is not', async () => {
    const m = await startCohereMock({ apiKey: KEY, minCacheTokens: 64 });
    try {
      const LONG = 'You answer questions about the weather, briefly and precisely. '.repeat(20);
      const body = (q) => ({ ...HELLO, messages: [{ role: 'system', content: LONG }, { role: 'user', content: q }] });
      const u = `${m.url}/v2/chat`;
      const first = await postJSON(u, body('hi'), { headers: AUTH });
      assert.equal(first.status, 200, first.text);
      assert.equal(first.json.usage.cached_tokens, 0);
      const again = await postJSON(u, body('and tomorrow?'), { headers: AUTH });
      assert.ok(again.json.usage.cached_tokens >= 64 && again.json.usage.cached_tokens <= again.json.usage.billed_units.input_tokens,
        JSON.stringify(again.json.usage));
      const res = await fetch(u, { method: 'POST', headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ ...body('and the day after?'), stream: true }) });
      let end = null;
      for await (const e of readSSE(res.body)) if (e.json?.type === 'message-end') end = e.json;
      assert.ok(end?.delta.usage.cached_tokens >= 64, JSON.stringify(end));
      const short = await postJSON(u, { ...HELLO, messages: [{ role: 'user', content: 'hi' }] }, { headers: AUTH });
      assert.equal(short.json.usage.cached_tokens, 0);
    } finally {
      await m.close();
    }
  });
});
