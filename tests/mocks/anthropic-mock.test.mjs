// Self-test of the mock Anthropic upstream: it must reject what Anthropic rejects, speak its wire
// format (message objects, the SSE event sequence), and account prompt caching as documented, or
// the gateway tests built on it prove nothing.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { postJSON, readSSE } from '../integration/lib/gateway.mjs';
import { MOCK_TEXT, startAnthropicMock, WEATHER_INPUTS } from './anthropic-mock.mjs';
import { validateRequest } from './anthropic-validate.mjs';
import { withStandalone } from './lib/self-test.mjs';

const KEY = 'sk-ant-mock-test-key';
const H = { 'x-api-key': KEY, 'anthropic-version': '2023-06-01' };
const MODEL = 'claude-sonnet-4-5';
const HELLO = [{ role: 'user', content: 'hi' }];
const LONG = 'You are a meticulous assistant who answers questions about the weather. '.repeat(80); // ~1.5k tokens
const WEATHER_TOOL = { name: 'get_weather', description: 'Current weather in a city',
  input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } };
const base = (extra = {}) => ({ model: MODEL, max_tokens: 256, messages: HELLO, ...extra });
const cachedSystem = (text = LONG, cc = { type: 'ephemeral' }) => [{ type: 'text', text, cache_control: cc }];
let mock;

before(async () => { mock = await startAnthropicMock({ apiKey: KEY }); });
after(() => mock.close());
beforeEach(() => mock.reset());

const post = (body, { headers = H, path = '/v1/messages', m = mock } = {}) => postJSON(m.url + path, body, { headers });

function assertError(res, status, type, re) {
  assert.equal(res.status, status, res.text);
  const j = res.json;
  assert.deepEqual(Object.keys(j).sort(), ['error', 'request_id', 'type']);
  assert.equal(j.type, 'error');
  assert.deepEqual(Object.keys(j.error).sort(), ['message', 'type']);
  assert.equal(j.error.type, type);
  if (re) assert.match(j.error.message, re);
  assert.match(j.request_id, /^req_/);
  assert.equal(res.headers.get('request-id'), j.request_id);
}
const expect400 = async (body, re, opts) => assertError(await post(body, opts), 400, 'invalid_request_error', re);

async function stream(body, m = mock) {
  const res = await fetch(`${m.url}/v1/messages`, { method: 'POST', headers: { ...H, 'content-type': 'application/json' },
    body: JSON.stringify({ ...body, stream: true }) });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/event-stream/);
  const events = [];
  for await (const e of readSSE(res.body)) events.push({ name: /^event: (.+)$/m.exec(e.raw)?.[1], data: e.json, raw: e.raw, at: e.at });
  return events;
}

describe('authentication and headers', () => {
  test('missing key → 401 authentication_error', async () =>
    assertError(await post(base(), { headers: { 'anthropic-version': '2023-06-01' } }), 401, 'authentication_error', /x-api-key/));
  test('wrong x-api-key → 401 "invalid x-api-key"', async () =>
    assertError(await post(base(), { headers: { ...H, 'x-api-key': 'nope' } }), 401, 'authentication_error', /^invalid x-api-key$/));
  test('Authorization: Bearer is accepted too', async () => {
    const r = await post(base(), { headers: { authorization: `Bearer ${KEY}`, 'anthropic-version': '2023-06-01' } });
    assert.equal(r.status, 200, r.text);
  });
  test('missing anthropic-version → 400', async () =>
    expect400(base(), /anthropic-version: header is required/, { headers: { 'x-api-key': KEY } }));
  test('anthropic-version 2026-10-21 (the current SDKs\' default) is accepted, with its stricter rules', async () => {
    const h26 = { ...H, 'anthropic-version': '2026-10-21' };
    assert.equal((await post(base(), { headers: h26 })).status, 200);
    await expect400(base({ temperature: 1 }), /^temperature: is not supported in API version 2026-10-21$/, { headers: h26 });
    await expect400(base({ top_k: 5 }), /^top_k: /, { headers: h26 });
    assert.equal((await post(base({ temperature: 0.5, top_k: 5 }))).status, 200); // 2023-06-01 still takes them
    const doc = { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'x' } };
    await expect400(base({ messages: [...HELLO, { role: 'assistant', content: [doc] }, ...HELLO] }),
      /^messages\.1\.content\.0: document blocks are not supported in assistant messages/, { headers: h26 });
    const cited = { type: 'text', text: 'q', citations: [{ type: 'char_location', cited_text: 'x', document_index: 0, start_char_index: 0, end_char_index: 1 }] };
    await expect400(base({ messages: [{ role: 'user', content: [cited] }] }), /citations are not supported in user messages/, { headers: h26 });
    assert.equal((await post(base({ messages: [{ role: 'user', content: [{ ...cited, citations: [] }] }] }), { headers: h26 })).status, 200);
  });
  test('?beta=true is tolerated on both routes', async () => {
    assert.equal((await post(base(), { path: '/v1/messages?beta=true' })).status, 200);
    assert.equal((await post({ model: MODEL, messages: HELLO }, { path: '/v1/messages/count_tokens?beta=true' })).status, 200);
  });
  test('unknown route → 404 not_found_error', async () =>
    assertError(await post(base(), { path: '/v1/complete' }), 404, 'not_found_error'));
});

describe('request validation (what Anthropic rejects)', () => {
  const tu = (id, input = { location: 'Paris' }) => ({ type: 'tool_use', id, name: 'get_weather', input });
  const tr = (id, content = 'sunny') => ({ type: 'tool_result', tool_use_id: id, content });
  const cases = [
    ['non-JSON body', '{"model": ', /JSON/],
    ['missing max_tokens', { model: MODEL, messages: HELLO }, /^max_tokens: Field required$/],
    ['negative max_tokens', base({ max_tokens: -1 }), /^max_tokens: Input should be greater than or equal to 0$/],
    ['non-integer max_tokens', base({ max_tokens: 1.5 }), /^max_tokens: Input should be a valid integer$/],
    ['missing model', { max_tokens: 10, messages: HELLO }, /^model: Field required$/],
    ['missing messages', { model: MODEL, max_tokens: 10 }, /^messages: Field required$/],
    ['empty messages', base({ messages: [] }), /at least one message/],
    ['role "system" in messages', base({ messages: [{ role: 'system', content: 'x' }, ...HELLO] }), /messages\.0\.role: Input should be 'user' or 'assistant'/],
    ['unknown parameter', base({ frequency_penalty: 1 }), /^frequency_penalty: Extra inputs are not permitted$/],
    ['empty content before the end', base({ messages: [{ role: 'user', content: '' }, { role: 'assistant', content: 'x' }, ...HELLO] }),
      /messages\.0: all messages must have non-empty content/],
    ['empty text block', base({ messages: [{ role: 'user', content: [{ type: 'text', text: '' }] }] }), /text content blocks must be non-empty/],
    ['final assistant content ending in whitespace', base({ messages: [...HELLO, { role: 'assistant', content: 'Sure ' }] }), /trailing whitespace/],
    ['unknown content block type', base({ messages: [{ role: 'user', content: [{ type: 'video', url: 'x' }] }] }),
      /messages\.0\.content\.0: Input tag 'video' found using 'type' does not match/],
    ['tool_use id with bad characters', base({ messages: [...HELLO, { role: 'assistant', content: [tu('call:1')] }, { role: 'user', content: [tr('call:1')] }] }),
      /messages\.1\.content\.0\.tool_use\.id: String should match pattern/],
    ['tool_result without a tool_use in the previous turn', base({ messages: [...HELLO, { role: 'assistant', content: 'ok' }, { role: 'user', content: [tr('toolu_x')] }] }),
      /messages\.2\.content\.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_x/],
    ['tool_use left without tool_result', base({ messages: [...HELLO, { role: 'assistant', content: [tu('toolu_a'), tu('toolu_b')] }, { role: 'user', content: [tr('toolu_a')] }] }),
      /messages\.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_b/],
    ['tool_result after text in the user turn', base({ messages: [...HELLO, { role: 'assistant', content: [tu('toolu_a')] }, { role: 'user', content: [{ type: 'text', text: 'here' }, tr('toolu_a')] }] }),
      /`tool_use` ids were found without `tool_result` blocks immediately after: toolu_a/],
    ['tool without input_schema', base({ tools: [{ name: 'get_weather' }] }), /^tools\.0\.custom\.input_schema: Field required$/],
    ['tool without name', base({ tools: [{ input_schema: { type: 'object' } }] }), /^tools\.0\.custom\.name: Field required$/],
    ['duplicate tool names', base({ tools: [WEATHER_TOOL, WEATHER_TOOL] }), /Tool names must be unique/],
    ['thinking block without signature', base({ messages: [...HELLO, { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm' }, { type: 'text', text: 'x' }] }, ...HELLO] }),
      /messages\.1\.content\.0\.thinking\.signature: Field required/],
    ['thinking block with a forged signature', base({ messages: [...HELLO, { role: 'assistant', content: [{ type: 'thinking', thinking: 'hm', signature: 'Zm9yZ2Vk' }, { type: 'text', text: 'x' }] }, ...HELLO] }),
      /messages\.1\.content\.0: Invalid `signature` in `thinking` block/],
    ['temperature above 1', base({ temperature: 1.5 }), /^temperature: Input should be less than or equal to 1$/],
    ['temperature below 0', base({ temperature: -0.1 }), /^temperature: Input should be greater than or equal to 0$/],
    ['thinking budget below 1024', base({ max_tokens: 4000, thinking: { type: 'enabled', budget_tokens: 1000 } }),
      /thinking\.enabled\.budget_tokens: Input should be greater than or equal to 1024/],
    ['thinking budget not below max_tokens', base({ max_tokens: 2000, thinking: { type: 'enabled', budget_tokens: 2000 } }),
      /`max_tokens` must be greater than `thinking.budget_tokens`/],
    ['more than 4 cache breakpoints', base({ system: [1, 2, 3, 4, 5].map((i) => ({ type: 'text', text: `s${i}`, cache_control: { type: 'ephemeral' } })) }),
      /A maximum of 4 blocks with cache_control may be provided. Found 5/],
    ['bad cache_control ttl', base({ system: cachedSystem('x', { type: 'ephemeral', ttl: '10m' }) }), /cache_control\.ttl/],
    ['count_tokens with max_tokens', { ...base(), path: '/v1/messages/count_tokens' }, /^max_tokens: Extra inputs are not permitted$/],
  ];
  for (const [name, body, re] of cases) {
    test(`${name} → 400`, async () => {
      const { path, ...rest } = typeof body === 'string' ? {} : body;
      await expect400(typeof body === 'string' ? body : rest, re, path ? { path } : undefined);
    });
  }
  test('count_tokens needs no max_tokens and answers { input_tokens }', async () => {
    const r = await post({ model: MODEL, messages: HELLO }, { path: '/v1/messages/count_tokens' });
    assert.deepEqual(Object.keys(r.json), ['input_tokens']);
    assert.ok(r.json.input_tokens > 0);
  });
  test('consecutive same-role messages and an assistant first turn are accepted (1P API merges turns)', async () => {
    const r = await post(base({ messages: [{ role: 'assistant', content: 'Hi!' }, { role: 'user', content: 'a' }, { role: 'user', content: 'b' }] }));
    assert.equal(r.status, 200, r.text);
    const strict = validateRequest(base({ messages: [{ role: 'assistant', content: 'x' }, ...HELLO] }), { firstMessageUser: true });
    assert.match(strict.message, /first message must use the "user" role/);
  });
  test('max_tokens 0 pre-warms the cache: empty content, stop_reason max_tokens', async () => {
    const r = await post(base({ max_tokens: 0, system: cachedSystem() }));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.content, []);
    assert.equal(r.json.stop_reason, 'max_tokens');
    assert.ok(r.json.usage.cache_creation_input_tokens > 0);
    mock.reset({ cache: true });
  });
  test('thinking on: continuing a tool loop without the thinking block → 400', async () => {
    await expect400(base({ max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 }, tools: [WEATHER_TOOL],
      messages: [...HELLO, { role: 'assistant', content: [tu('toolu_a')] }, { role: 'user', content: [tr('toolu_a')] }] }),
    /messages\.1\.content\.0\.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`/);
  });
  test('a rejected request is still recorded, raw bytes and headers', async () => {
    await post('{"model": ');
    assert.equal(mock.requests[0].body.toString(), '{"model": ');
    assert.equal(mock.requests[0].headers['x-api-key'], KEY);
  });
});

describe('answers', () => {
  test('message object: documented shape, usage, request-id, recorded bytes', async () => {
    const raw = `{"model":"${MODEL}","max_tokens":64,"messages":[{"role":"user","content":"h\\u00e9llo"}]}`;
    const r = await post(raw);
    const m = r.json;
    assert.deepEqual(Object.keys(m), ['id', 'type', 'role', 'model', 'content', 'stop_reason', 'stop_sequence', 'usage']);
    assert.match(m.id, /^msg_01[A-Za-z0-9]{22}$/);
    assert.equal(m.type, 'message');
    assert.equal(m.role, 'assistant');
    assert.equal(m.model, MODEL);
    assert.deepEqual(m.content, [{ type: 'text', text: MOCK_TEXT }]);
    assert.equal(m.stop_reason, 'end_turn');
    assert.equal(m.stop_sequence, null);
    for (const k of ['input_tokens', 'output_tokens', 'cache_creation_input_tokens', 'cache_read_input_tokens']) assert.equal(typeof m.usage[k], 'number');
    assert.match(r.headers.get('request-id'), /^req_/);
    assert.deepEqual(mock.requests[0].body, Buffer.from(raw));
    assert.deepEqual(mock.requests[0].responseBody, r.raw);
  });

  test('stream: exact event sequence, each event its own write, text reassembles', async () => {
    const events = await stream(base());
    const names = events.map((e) => e.name);
    const deltas = names.filter((n) => n === 'content_block_delta').length;
    assert.deepEqual(names, ['message_start', 'content_block_start', 'ping', ...Array(deltas).fill('content_block_delta'),
      'content_block_stop', 'message_delta', 'message_stop']);
    for (const e of events) {
      assert.equal(e.data.type, e.name);
      assert.match(e.raw, /^event: [a-z_]+\ndata: \{.*\}\n\n$/);
    }
    const start = events[0].data.message;
    assert.deepEqual(start.content, []);
    assert.equal(start.stop_reason, null);
    assert.equal(start.usage.output_tokens, 1);
    assert.ok(start.usage.input_tokens > 0 && 'cache_read_input_tokens' in start.usage);
    assert.deepEqual(events[1].data.content_block, { type: 'text', text: '' });
    assert.equal(events.filter((e) => e.name === 'content_block_delta').map((e) => e.data.delta.text).join(''), MOCK_TEXT);
    const md = events.at(-2).data;
    assert.deepEqual(md.delta, { stop_reason: 'end_turn', stop_sequence: null });
    assert.ok(md.usage.output_tokens > 1);
    assert.equal(mock.requests[0].responseChunks.length, events.length);
  });

  test('"weather" + tools → two parallel tool_use blocks; results answered; partial results → 400', async () => {
    const body = base({ tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'What is the weather in Paris and London?' }] });
    const m = (await post(body)).json;
    assert.equal(m.stop_reason, 'tool_use');
    assert.equal(m.content.length, 2);
    m.content.forEach((b, i) => {
      assert.equal(b.type, 'tool_use');
      assert.match(b.id, /^toolu_01[A-Za-z0-9]{22}$/);
      assert.equal(b.name, 'get_weather');
      assert.deepEqual(b.input, WEATHER_INPUTS[i]);
    });
    const results = m.content.map((b, i) => ({ type: 'tool_result', tool_use_id: b.id, content: `r${i}` }));
    const next = (content) => post({ ...body, messages: [...body.messages, { role: 'assistant', content: m.content }, { role: 'user', content }] });
    const follow = await next(results);
    assert.equal(follow.status, 200, follow.text);
    assert.deepEqual(follow.json.content, [{ type: 'text', text: 'Based on the tool results: r0; r1' }]);
    assert.equal(follow.json.stop_reason, 'end_turn');
    assert.equal((await next([results[0]])).status, 400);
  });

  test('a forced tool (tool_choice {type: "tool"}) → exactly one tool_use block for that tool', async () => {
    const other = { name: 'lookup_city', input_schema: { type: 'object' } };
    for (const question of ['What is the weather in Paris and London?', 'hi']) {
      const body = base({ tools: [WEATHER_TOOL, other], tool_choice: { type: 'tool', name: 'lookup_city' },
        messages: [{ role: 'user', content: question }] });
      const m = (await post(body)).json;
      assert.equal(m.stop_reason, 'tool_use');
      assert.equal(m.content.length, 1, JSON.stringify(m.content));
      assert.equal(m.content[0].type, 'tool_use');
      assert.equal(m.content[0].name, 'lookup_city');
      const events = await stream(body);
      assert.equal(events.filter((e) => e.name === 'content_block_start').length, 1);
    }
  });

  test('disable_parallel_tool_use → one tool_use block; tool_choice any without it may call two', async () => {
    const ask = { tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'What is the weather in Paris and London?' }] };
    for (const type of ['auto', 'any']) {
      const one = (await post(base({ ...ask, tool_choice: { type, disable_parallel_tool_use: true } }))).json;
      assert.equal(one.content.length, 1, JSON.stringify(one.content));
      assert.deepEqual(one.content[0].input, WEATHER_INPUTS[0]);
    }
    assert.equal((await post(base({ ...ask, tool_choice: { type: 'any' } }))).json.content.length, 2);
  });

  test('streamed tool_use: start with input {}, input_json_delta split into 3+ pieces', async () => {
    const events = await stream(base({ tools: [WEATHER_TOOL], messages: [{ role: 'user', content: 'weather please' }] }));
    const starts = events.filter((e) => e.name === 'content_block_start').map((e) => e.data);
    assert.equal(starts.length, 2);
    starts.forEach((s, i) => {
      assert.equal(s.index, i);
      assert.equal(s.content_block.type, 'tool_use');
      assert.deepEqual(s.content_block.input, {});
      const parts = events.filter((e) => e.name === 'content_block_delta' && e.data.index === i).map((e) => e.data.delta);
      assert.ok(parts.every((d) => d.type === 'input_json_delta'));
      assert.ok(parts.filter((d) => d.partial_json).length >= 3);
      assert.deepEqual(JSON.parse(parts.map((d) => d.partial_json).join('')), WEATHER_INPUTS[i]);
    });
    assert.equal(events.at(-2).data.delta.stop_reason, 'tool_use');
  });

  test('thinking: a signed thinking block first; passed back unmodified it validates, edited it does not', async () => {
    const body = base({ max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 1024 } });
    const m = (await post(body)).json;
    assert.equal(m.content[0].type, 'thinking');
    assert.ok(m.content[0].signature.length > 20);
    assert.equal(m.content[1].type, 'text');
    const again = (content) => post({ ...body, messages: [...HELLO, { role: 'assistant', content }, ...HELLO] });
    assert.equal((await again(m.content)).status, 200);
    assertError(await again([{ ...m.content[0], thinking: 'edited' }, m.content[1]]), 400, 'invalid_request_error', /Invalid `signature`/);
    const events = await stream(body);
    const d0 = events.filter((e) => e.name === 'content_block_delta' && e.data.index === 0).map((e) => e.data.delta.type);
    assert.equal(d0.at(-1), 'signature_delta');
    assert.ok(d0.slice(0, -1).every((t) => t === 'thinking_delta') && d0.length > 1);
    assert.deepEqual(events[1].data.content_block, { type: 'thinking', thinking: '', signature: '' });
  });

  test('stop_sequences cut the text: stop_reason stop_sequence, stop_sequence set', async () => {
    const m = (await post(base({ stop_sequences: ['nothing', 'upstream'] }))).json;
    assert.equal(m.stop_reason, 'stop_sequence');
    assert.equal(m.stop_sequence, 'upstream');
    assert.equal(m.content[0].text, MOCK_TEXT.slice(0, MOCK_TEXT.indexOf('upstream')));
  });

  test('tiny max_tokens → stop_reason max_tokens, output_tokens = max_tokens', async () => {
    const m = (await post(base({ max_tokens: 3 }))).json;
    assert.equal(m.stop_reason, 'max_tokens');
    assert.equal(m.usage.output_tokens, 3);
    assert.equal(m.content[0].text, 'Hello! I am');
  });
});

describe('prompt caching', () => {
  const usage = async (body) => (await post(body)).json.usage;
  const sum = (u) => u.input_tokens + u.cache_creation_input_tokens + u.cache_read_input_tokens;
  beforeEach(() => mock.reset({ cache: true }));

  test('identical 1024+-token cached system prompt: first creates, second reads', async () => {
    const body = base({ system: cachedSystem() });
    const u1 = await usage(body);
    assert.ok(u1.cache_creation_input_tokens >= 1024);
    assert.equal(u1.cache_read_input_tokens, 0);
    assert.equal(u1.cache_creation.ephemeral_5m_input_tokens, u1.cache_creation_input_tokens);
    const u2 = await usage(body);
    assert.equal(u2.cache_read_input_tokens, u1.cache_creation_input_tokens);
    assert.equal(u2.cache_creation_input_tokens, 0);
    assert.equal(u2.input_tokens, u1.input_tokens);
    const count = await post({ model: MODEL, system: body.system, messages: HELLO }, { path: '/v1/messages/count_tokens' });
    assert.equal(count.json.input_tokens, sum(u2));
    assert.equal(sum(u1), sum(u2));
  });

  test('a changed prefix, model or ttl creates again; a changed suffix still reads', async () => {
    const body = base({ system: cachedSystem() });
    await usage(body);
    assert.ok((await usage(base({ system: cachedSystem(`${LONG}!`) }))).cache_creation_input_tokens > 0);
    assert.ok((await usage({ ...body, model: 'claude-haiku-4-5' })).cache_creation_input_tokens > 0);
    assert.ok((await usage({ ...body, messages: [{ role: 'user', content: 'other question' }] })).cache_read_input_tokens > 0);
    const tools = await usage({ ...body, tools: [WEATHER_TOOL] }); // tools come before system: the prefix changed
    assert.equal(tools.cache_read_input_tokens, 0);
  });

  test('a prefix below the minimum cacheable length is not cached', async () => {
    const body = base({ system: cachedSystem('Be brief.') });
    for (let i = 0; i < 2; i++) {
      const u = await usage(body);
      assert.equal(u.cache_creation_input_tokens, 0);
      assert.equal(u.cache_read_input_tokens, 0);
    }
    assert.equal(mock.cacheSize(), 0);
  });

  test('multi-turn: the breakpoint moves to the last message, the earlier prefix is read back', async () => {
    const turn1 = [{ role: 'user', content: [{ type: 'text', text: 'first question', cache_control: { type: 'ephemeral' } }] }];
    const u1 = await usage(base({ system: LONG, messages: turn1 }));
    assert.ok(u1.cache_creation_input_tokens > 1024);
    const turn2 = [{ role: 'user', content: 'first question' }, { role: 'assistant', content: 'an answer' },
      { role: 'user', content: [{ type: 'text', text: 'second question', cache_control: { type: 'ephemeral' } }] }];
    const u2 = await usage(base({ system: LONG, messages: turn2 }));
    assert.equal(u2.cache_read_input_tokens, u1.cache_creation_input_tokens);
    assert.ok(u2.cache_creation_input_tokens > 0 && u2.cache_creation_input_tokens < 50);
  });

  test('toggling thinking keeps the tools/system cache but not the messages cache', async () => {
    const messages = [{ role: 'user', content: [{ type: 'text', text: 'q', cache_control: { type: 'ephemeral' } }] }];
    const body = base({ max_tokens: 2048, system: cachedSystem(), messages });
    const u1 = await usage(body);
    const u2 = await usage({ ...body, thinking: { type: 'enabled', budget_tokens: 1024 } });
    assert.ok(u2.cache_read_input_tokens > 1024 && u2.cache_read_input_tokens < u1.cache_creation_input_tokens);
    assert.equal(u2.cache_read_input_tokens + u2.cache_creation_input_tokens, u1.cache_creation_input_tokens);
  });

  test('reset() keeps the cache, reset({ cache: true }) clears it; the stream reports cache usage', async () => {
    const body = base({ system: cachedSystem() });
    await usage(body);
    mock.reset();
    const start = (await stream(body))[0].data.message.usage;
    assert.ok(start.cache_read_input_tokens > 0);
    mock.reset({ cache: true });
    assert.ok((await usage(body)).cache_creation_input_tokens > 0);
  });

  test('TTL: 5m entries expire, 1h entries survive; a hit refreshes the entry', async () => {
    let now = 1_000_000;
    const m = await startAnthropicMock({ apiKey: KEY, clock: () => now });
    try {
      const u = async (body) => (await post(body, { m })).json.usage;
      const b5 = base({ system: cachedSystem() });
      const b1h = base({ system: cachedSystem(`${LONG}1h`, { type: 'ephemeral', ttl: '1h' }) });
      assert.ok((await u(b5)).cache_creation_input_tokens > 0);
      assert.ok((await u(b1h)).cache_creation.ephemeral_1h_input_tokens > 0);
      now += 4 * 60_000;
      assert.ok((await u(b5)).cache_read_input_tokens > 0); // refreshed: now + 5m
      now += 4 * 60_000;
      assert.ok((await u(b5)).cache_read_input_tokens > 0);
      now += 5 * 60_000 + 1;
      assert.equal((await u(b5)).cache_read_input_tokens, 0);
      assert.ok((await u(b1h)).cache_read_input_tokens > 0);
      // A hit found by looking back from a later breakpoint refreshes that earlier entry too.
      const q = (text) => ({ role: 'user', content: [{ type: 'text', text, cache_control: { type: 'ephemeral' } }] });
      const t1 = base({ system: LONG, messages: [q('one')] });
      assert.ok((await u(t1)).cache_creation_input_tokens > 0);
      now += 4 * 60_000;
      const t2 = base({ system: LONG, messages: [{ role: 'user', content: 'one' }, { role: 'assistant', content: 'ok' }, q('two')] });
      assert.ok((await u(t2)).cache_read_input_tokens > 0);
      now += 4 * 60_000;
      assert.ok((await u(t1)).cache_read_input_tokens > 0);
    } finally {
      await m.close();
    }
  });
});

describe('behaviours', () => {
  test('raw status/headers, default Anthropic error body, applied `times` times', async () => {
    mock.enqueue({ status: 529, headers: { 'retry-after': '2' }, times: 2 });
    for (let i = 0; i < 2; i++) {
      const r = await post(base());
      assertError(r, 529, 'overloaded_error');
      assert.equal(r.headers.get('retry-after'), '2');
    }
    assert.equal((await post(base())).status, 200);
  });
  test('delayMs delays the answer', async () => {
    mock.enqueue({ delayMs: 300 });
    assert.ok((await post(base())).ms >= 280);
  });
  test('hang never answers; the record sees the client close', async () => {
    mock.enqueue({ hang: true });
    await assert.rejects(postJSON(`${mock.url}/v1/messages`, base(), { headers: H, signal: AbortSignal.timeout(300) }));
    const rec = await mock.requests[0].closed;
    assert.equal(rec.status, null);
    assert.equal(rec.aborted, true);
  });
  test('streamDelayMs spaces the events out', async () => {
    mock.enqueue({ streamDelayMs: 60 });
    const events = await stream(base());
    assert.ok(events.at(-1).at - events[0].at >= 60 * (events.length - 2));
  });
  test('destroyMidStream cuts the stream before message_stop', async () => {
    mock.enqueue({ destroyMidStream: true });
    const res = await fetch(`${mock.url}/v1/messages`, { method: 'POST', headers: { ...H, 'content-type': 'application/json' }, body: JSON.stringify(base({ stream: true })) });
    const seen = [];
    await assert.rejects(async () => { for await (const e of readSSE(res.body)) seen.push(e.raw); });
    assert.ok(seen.length > 0 && !seen.some((r) => r.startsWith('event: message_stop')));
  });
  test('resetMidStream / truncateStream / stallMidStream break a stream after `cutAfter` events', async () => {
    const open = (b) => fetch(`${mock.url}/v1/messages`, { method: 'POST', headers: { ...H, 'content-type': 'application/json' },
      body: JSON.stringify(base({ stream: true })), signal: b?.signal });
    mock.enqueue({ resetMidStream: true, cutAfter: 3 });
    const seen = [];
    const err = await (async () => { try { for await (const e of readSSE((await open()).body)) seen.push(e.raw); } catch (e) { return e; } return null; })();
    assert.equal(err?.cause?.code, 'ECONNRESET', `expected a reset, got ${err}`);
    assert.equal(seen.length, 3);
    mock.enqueue({ truncateStream: true, cutAfter: 2 });
    const cut = [];
    for await (const e of readSSE((await open()).body)) cut.push(e);
    assert.equal(cut.length, 3);
    assert.ok(cut[2].incomplete && !cut.some((e) => e.raw.startsWith('event: message_stop')));
    mock.enqueue({ stallMidStream: true, cutAfter: 1 });
    const stalled = [];
    await assert.rejects(async () => {
      for await (const e of readSSE((await open({ signal: AbortSignal.timeout(400) })).body)) stalled.push(e.raw);
    });
    assert.equal(stalled.length, 1);
    assert.match(stalled[0], /^event: message_start/);
  });
  test('streamError: message_start, then an error event, then the stream ends', async () => {
    mock.enqueue({ streamError: { type: 'overloaded_error', message: 'Overloaded' } });
    const events = await stream(base());
    assert.deepEqual(events.map((e) => e.name), ['message_start', 'error']);
    assert.deepEqual(events[1].data, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });
});

test('standalone: `node anthropic-mock.mjs --port 0` prints "listening on PORT" and serves', async () => {
  await withStandalone(new URL('./anthropic-mock.mjs', import.meta.url), ['--port', '0', '--api-key', KEY], async (port) => {
    assert.equal((await postJSON(`http://127.0.0.1:${port}/v1/messages`, base(), { headers: H })).status, 200);
  });
});

describe('Vertex AI Anthropic publisher (:rawPredict / :streamRawPredict)', () => {
  const P = 'mock-proj';
  const L = 'europe-west1';
  let vmock;
  before(async () => { vmock = await startAnthropicMock({ vertex: { project: P, location: L, authorize: (h) => h === 'Bearer ok' } }); });
  after(() => vmock.close());
  const url = (method, project = P) => `${vmock.url}/v1/projects/${project}/locations/${L}/publishers/anthropic/models/claude-sonnet-4-5@20250929:${method}`;
  const vbody = (extra = {}) => ({ anthropic_version: 'vertex-2023-10-16', max_tokens: 64, messages: HELLO, ...extra });
  const vpost = (body, { method = 'rawPredict', auth = 'Bearer ok', project } = {}) =>
    postJSON(url(method, project), body, { headers: { authorization: auth } });

  test('a Messages body without model answers a message; the stream answers SSE', async () => {
    const r = await vpost(vbody());
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.type, 'message');
    assert.equal(r.json.model, 'claude-sonnet-4-5@20250929');
    assert.equal(r.json.content[0].text, MOCK_TEXT);
    assert.deepEqual(vmock.requests.at(-1).vertex, { project: P, location: L, method: 'rawPredict' });
    const s = await fetch(url('streamRawPredict'), { method: 'POST', headers: { authorization: 'Bearer ok', 'content-type': 'application/json' },
      body: JSON.stringify(vbody({ stream: true })) });
    assert.equal(s.status, 200);
    const names = [];
    for await (const e of readSSE(s.body)) names.push(/^event: (.+)$/m.exec(e.raw)?.[1]);
    assert.equal(names[0], 'message_start');
    assert.equal(names.at(-1), 'message_stop');
  });
  test('rejects a model member, a missing or other anthropic_version, a bad token, another project', async () => {
    for (const [body, re] of [
      [vbody({ model: 'claude-sonnet-4-5' }), /^model: Extra inputs are not permitted/],
      [{ max_tokens: 64, messages: HELLO }, /^anthropic_version: Field required/],
      [vbody({ anthropic_version: '2023-06-01' }), /^anthropic_version: Input should be 'vertex-2023-10-16'/],
      [vbody({ max_tokens: undefined }), /^max_tokens: Field required/],
    ]) {
      const r = await vpost(body);
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.error.type, 'invalid_request_error');
      assert.match(r.json.error.message, re);
    }
    const unauth = await vpost(vbody(), { auth: 'Bearer nope' });
    assert.equal(unauth.status, 401);
    assert.equal(unauth.json.error.status, 'UNAUTHENTICATED');
    const other = await vpost(vbody(), { project: 'someone-else' });
    assert.equal(other.status, 404);
    assert.equal(other.json.error.status, 'NOT_FOUND');
  });
  test('count-tokens:rawPredict counts a count_tokens body naming the model; refuses one without it', async () => {
    const countUrl = `${vmock.url}/v1/projects/${P}/locations/${L}/publishers/anthropic/models/count-tokens:rawPredict`;
    const post = (body) => postJSON(countUrl, body, { headers: { authorization: 'Bearer ok' } });
    const r = await post({ model: 'claude-sonnet-4-5@20250929', messages: HELLO });
    assert.equal(r.status, 200, r.text);
    assert.ok(Number.isInteger(r.json.input_tokens) && r.json.input_tokens > 0, r.text);
    const longer = await post({ model: 'claude-sonnet-4-5@20250929', system: 'Be brief. '.repeat(20), messages: HELLO });
    assert.ok(longer.json.input_tokens > r.json.input_tokens, 'the system prompt was not counted');
    for (const [body, re] of [
      [{ messages: HELLO }, /^model: Field required/],
      [{ model: 'claude-sonnet-4-5@20250929', messages: HELLO, max_tokens: 5 }, /max_tokens/],
      [{ model: 'claude-sonnet-4-5@20250929', messages: HELLO, anthropic_version: '2023-06-01' }, /anthropic_version/],
    ]) {
      const bad = await post(body);
      assert.equal(bad.status, 400, `${JSON.stringify(body)}: ${bad.text}`);
      assert.match(bad.json.error.message, re);
    }
  });
});

describe('scripted stream pieces', () => {
  test('enqueue({ text, pieces }) streams exactly those text_delta pieces; pieces that do not add up are a 500', async () => {
    mock.enqueue({ text: 'ab[X_1]c', pieces: ['ab[X', '_1]c'] });
    const events = await stream(base());
    const deltas = events.filter((e) => e.data?.delta?.type === 'text_delta').map((e) => e.data.delta.text);
    assert.deepEqual(deltas, ['ab[X', '_1]c']);
    mock.enqueue({ text: 'abc', pieces: ['a', 'b'] });
    const r = await post({ ...base(), stream: true });
    assert.equal(r.status, 500);
  });
});
