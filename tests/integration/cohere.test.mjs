// provider-cohere end to end: OpenAI and Anthropic clients through the gateway to the Cohere v2 mock.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { MOCK_TEXT, startCohereMock, THINKING_TEXT, TOOL_PLAN } from '../mocks/cohere-mock.mjs';
import { postStream, streamErrorOf } from './lib/chaos.mjs';
import { errorOf, gatewayConfig, postJSON, RELAY_AS_IS, sseEventName, startGateway, USER_HELLO, WEATHER_TOOL } from './lib/gateway.mjs';

const KEY = 'co-upstream-key-1234';
let mock;
let gw;

before(async () => {
  mock = await startCohereMock({ apiKey: KEY });
  const dep = (alias, apiKey) => ({ model_name: alias,
    litellm_params: { model: 'cohere/command-a-03-2025', api_base: mock.url, api_key: apiKey, timeout: 5 } });
  gw = await startGateway({ config: gatewayConfig({ deployments: [dep('cohere', KEY), dep('cohere-badkey', 'wrong')],
    load: ['provider-openai', 'provider-cohere'], router: RELAY_AS_IS }) });
});
after(async () => { await gw?.stop(); await mock?.close(); });
beforeEach(() => mock.reset());

const chat = (body, model = 'cohere') => postJSON(`${gw.url}/v1/chat/completions`, { model, ...body });
const stream = (body) => postStream(`${gw.url}/v1/chat/completions`, { model: 'cohere', stream: true, ...body });
const chunks = (s) => s.events.filter((e) => e.json?.object === 'chat.completion.chunk').map((e) => e.json);

describe('OpenAI client → Cohere', () => {
  test('text: translated request (p, k, stop_sequences, thinking), usage', async () => {
    const res = await chat({ messages: [{ role: 'system', content: 'Be brief.' }, USER_HELLO], top_p: 0.5, top_k: 5, stop: ['END'],
      reasoning_effort: 'low' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.choices[0].message.content, MOCK_TEXT);
    assert.equal(res.json.choices[0].message.reasoning_content, THINKING_TEXT);
    assert.ok(res.json.usage.prompt_tokens > 0);
    const sent = mock.requests[0].json;
    assert.equal(sent.p, 0.5);
    assert.equal(sent.k, 5);
    assert.deepEqual(sent.stop_sequences, ['END']);
    assert.deepEqual(sent.thinking, { type: 'enabled', token_budget: 1024 });
    assert.equal(mock.requests[0].path, '/v2/chat');
  });

  test('stream with usage chunk', async () => {
    const s = await stream({ messages: [USER_HELLO], stream_options: { include_usage: true } });
    assert.equal(s.status, 200, s.text);
    const cs = chunks(s);
    assert.equal(cs.map((c) => c.choices[0]?.delta.content ?? '').join(''), MOCK_TEXT);
    assert.equal(cs.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason, 'stop');
    assert.ok(cs.at(-1).usage.prompt_tokens > 0);
    assert.equal(s.data.at(-1), '[DONE]');
  });

  test('tools: REQUIRED, parallel calls, results by id; and streamed with split arguments', async () => {
    const ask = [{ role: 'user', content: 'What is the weather in Paris and London?' }];
    const res = await chat({ messages: ask, tools: [WEATHER_TOOL], tool_choice: 'required' });
    assert.equal(res.status, 200, res.text);
    assert.equal(mock.requests[0].json.tool_choice, 'REQUIRED');
    const msg = res.json.choices[0].message;
    assert.equal(res.json.choices[0].finish_reason, 'tool_calls');
    assert.equal(msg.reasoning_content, TOOL_PLAN);
    assert.deepEqual(msg.tool_calls.map((t) => JSON.parse(t.function.arguments).location), ['Paris', 'London']);
    const follow = await chat({ tools: [WEATHER_TOOL], messages: [...ask, msg,
      { role: 'tool', tool_call_id: msg.tool_calls[0].id, content: 'sunny' }, { role: 'tool', tool_call_id: msg.tool_calls[1].id, content: 'rain' }] });
    assert.equal(follow.status, 200, follow.text);
    assert.equal(follow.json.choices[0].message.content, 'Based on the tool results: sunny; rain');
    const s = await stream({ messages: ask, tools: [WEATHER_TOOL] });
    const calls = [];
    for (const t of chunks(s).flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])) {
      calls[t.index] = (calls[t.index] ?? '') + t.function.arguments;
    }
    assert.deepEqual(calls.map((a) => JSON.parse(a).location), ['Paris', 'London']);
  });

  test('structured output and MAX_TOKENS → length', async () => {
    const res = await chat({ messages: [USER_HELLO], response_format: { type: 'json_schema', json_schema: { name: 'c',
      schema: { type: 'object', properties: { city: { type: 'string' } } } } } });
    assert.deepEqual(JSON.parse(res.json.choices[0].message.content), { city: 'Paris' });
    assert.equal((await chat({ messages: [USER_HELLO], max_tokens: 2 })).json.choices[0].finish_reason, 'length');
  });

  test('errors: 401, 429 with Retry-After, 500, malformed 200, error at message-end, reset mid-stream', async () => {
    const r401 = await chat({ messages: [USER_HELLO] }, 'cohere-badkey');
    assert.equal(r401.status, 401, r401.text);
    assert.equal(errorOf(r401).type, 'authentication_error');
    mock.enqueue({ status: 429, headers: { 'retry-after': '1' }, body: { id: 'x', message: 'You are using a Trial key, which is limited to 10 API calls / minute.' } });
    const r429 = await chat({ messages: [USER_HELLO] });
    assert.equal(r429.status, 429);
    assert.ok(r429.headers.get('retry-after') !== null);
    mock.enqueue({ status: 500, body: { id: 'x', message: 'internal server error' } });
    assert.equal((await chat({ messages: [USER_HELLO] })).status, 500);
    mock.enqueue({ status: 200, body: '{"id":"x","message":{"role":"assis' });
    assert.equal((await chat({ messages: [USER_HELLO] })).status, 502);
    mock.enqueue({ streamError: 'model crashed' });
    assert.match(streamErrorOf(await stream({ messages: [USER_HELLO] })).message, /model crashed/);
    mock.enqueue({ resetMidStream: true, cutAfter: 3, streamDelayMs: 20 });
    streamErrorOf(await stream({ messages: [USER_HELLO] }));
  });
});

describe('Anthropic client → Cohere', () => {
  test('text stream', async () => {
    const s = await postStream(`${gw.url}/v1/messages`, { model: 'cohere', max_tokens: 100, stream: true,
      messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'anthropic-version': '2023-06-01' } });
    assert.equal(sseEventName(s.events.at(-1)), 'message_stop');
    assert.equal(s.events.filter((e) => e.json?.delta?.type === 'text_delta').map((e) => e.json.delta.text).join(''), MOCK_TEXT);
  });
});
