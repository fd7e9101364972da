// provider-mistral end to end: OpenAI and Anthropic clients through the gateway to the Mistral
// mock (which refuses unknown members and non-Mistral tool-call ids).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { MOCK_TEXT, startMistralMock } from '../mocks/mistral-mock.mjs';
import { postStream, streamErrorOf } from './lib/chaos.mjs';
import { errorOf, gatewayConfig, postJSON, RELAY_AS_IS, startGateway, USER_HELLO, WEATHER_TOOL } from './lib/gateway.mjs';

const KEY = 'mistral-upstream-key-9f8e7d';
let mock;
let gw;

before(async () => {
  mock = await startMistralMock({ apiKey: KEY });
  const dep = (alias, apiKey, extra = {}) => ({ model_name: alias,
    litellm_params: { model: 'mistral/mistral-small-latest', api_base: mock.url, api_key: apiKey, timeout: 5, ...extra } });
  gw = await startGateway({ config: gatewayConfig({
    deployments: [dep('mistral', KEY, { safe_prompt: true }), dep('mistral-badkey', 'wrong-key')],
    load: ['provider-openai', 'provider-mistral'], router: RELAY_AS_IS }) });
});
after(async () => { await gw?.stop(); await mock?.close(); });
beforeEach(() => mock.reset());

const chat = (body, model = 'mistral') => postJSON(`${gw.url}/v1/chat/completions`, { model, ...body });

describe('OpenAI client → Mistral', () => {
  test('text: seed → random_seed, safe_prompt, no OpenAI-only members', async () => {
    const res = await chat({ messages: [USER_HELLO], seed: 7, max_completion_tokens: 100, user: 'u-1' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.choices[0].message.content, MOCK_TEXT);
    assert.ok(res.json.usage.prompt_tokens > 0);
    const sent = mock.requests[0].json;
    assert.equal(sent.random_seed, 7);
    assert.equal(sent.max_tokens, 100);
    assert.equal(sent.safe_prompt, true);
    assert.equal(sent.seed, undefined);
    assert.equal(mock.requests[0].headers.authorization, `Bearer ${KEY}`);
  });

  test('stream with include_usage: chunks, a usage chunk, [DONE]', async () => {
    const s = await postStream(`${gw.url}/v1/chat/completions`, { model: 'mistral', stream: true, messages: [USER_HELLO],
      stream_options: { include_usage: true } });
    assert.equal(s.status, 200, s.text);
    const chunks = s.events.filter((e) => e.json?.object === 'chat.completion.chunk').map((e) => e.json);
    assert.equal(chunks.map((c) => c.choices[0]?.delta.content ?? '').join(''), MOCK_TEXT);
    assert.equal(chunks.at(-1).choices.length, 0);
    assert.ok(chunks.at(-1).usage.completion_tokens > 0);
    assert.equal(s.data.at(-1), '[DONE]');
    assert.equal(mock.requests[0].json.stream_options, undefined);
  });

  test('tools: required → any; parallel calls; results with OpenAI-style ids mapped to Mistral ids', async () => {
    const ask = [{ role: 'user', content: 'What is the weather in Paris and London?' }];
    const res = await chat({ messages: ask, tools: [WEATHER_TOOL], tool_choice: 'required' });
    assert.equal(res.status, 200, res.text);
    assert.equal(mock.requests[0].json.tool_choice, 'any');
    const msg = res.json.choices[0].message;
    assert.equal(msg.tool_calls.length, 2);
    // A conversation begun elsewhere: ids as OpenAI writes them.
    const calls = msg.tool_calls.map((t, i) => ({ ...t, id: `call_${'x'.repeat(20)}${i}` }));
    const follow = await chat({ tools: [WEATHER_TOOL], messages: [...ask, { ...msg, tool_calls: calls },
      { role: 'tool', tool_call_id: calls[0].id, content: 'sunny' }, { role: 'tool', tool_call_id: calls[1].id, content: 'rain' }] });
    assert.equal(follow.status, 200, follow.text);
    assert.equal(follow.json.choices[0].message.content, 'Based on the tool results: sunny; rain');
    const sent = mock.requests[1].json.messages;
    assert.match(sent[1].tool_calls[0].id, /^[a-zA-Z0-9]{9}$/);
    assert.equal(sent[2].tool_call_id, sent[1].tool_calls[0].id);
    assert.equal(sent[3].tool_call_id, sent[1].tool_calls[1].id);
  });

  test('parallel tool calls in a stream', async () => {
    const s = await postStream(`${gw.url}/v1/chat/completions`, { model: 'mistral', stream: true, tools: [WEATHER_TOOL],
      messages: [{ role: 'user', content: 'weather in Paris and London?' }] });
    const deltas = s.events.filter((e) => e.json?.choices?.[0]?.delta?.tool_calls).flatMap((e) => e.json.choices[0].delta.tool_calls);
    assert.deepEqual(deltas.map((t) => t.index), [0, 1]);
    assert.equal(s.events.find((e) => e.json?.choices?.[0]?.finish_reason)?.json.choices[0].finish_reason, 'tool_calls');
  });

  test('structured output and finish reason length', async () => {
    const res = await chat({ messages: [USER_HELLO], response_format: { type: 'json_schema',
      json_schema: { name: 'c', schema: { type: 'object', properties: { city: { type: 'string' } } } } } });
    assert.deepEqual(JSON.parse(res.json.choices[0].message.content), { city: 'Paris' });
    const cut = await chat({ messages: [USER_HELLO], max_tokens: 2 });
    assert.equal(cut.json.choices[0].finish_reason, 'length');
  });

  test('errors: 401 from a wrong key, 429 with Retry-After, 500, malformed 200, reset mid-stream', async () => {
    const r401 = await chat({ messages: [USER_HELLO] }, 'mistral-badkey');
    assert.equal(r401.status, 401, r401.text);
    assert.equal(errorOf(r401).type, 'authentication_error');
    mock.enqueue({ status: 429, headers: { 'retry-after': '1' }, body: { message: 'Requests rate limit exceeded' } });
    const r429 = await chat({ messages: [USER_HELLO] });
    assert.equal(r429.status, 429);
    assert.ok(r429.headers.get('retry-after') !== null);
    mock.enqueue({ status: 500, body: { object: 'error', message: 'Service unavailable.', type: 'internal_server_error', param: null, code: '1000' } });
    const r500 = await chat({ messages: [USER_HELLO] });
    assert.equal(r500.status, 500);
    assert.equal(errorOf(r500).message, 'Service unavailable.');
    mock.enqueue({ status: 200, body: '{"id":"x","choices":[' });
    assert.equal((await chat({ messages: [USER_HELLO] })).status, 502);
    mock.enqueue({ resetMidStream: true, cutAfter: 3, streamDelayMs: 20 });
    const s = await postStream(`${gw.url}/v1/chat/completions`, { model: 'mistral', stream: true, messages: [USER_HELLO] });
    streamErrorOf(s);
  });
});

describe('Anthropic client → Mistral', () => {
  test('tools: toolu_ ids mapped to Mistral ids and back', async () => {
    const tools = [{ name: 'get_weather', description: 'Weather', input_schema: WEATHER_TOOL.function.parameters }];
    const ask = [{ role: 'user', content: 'weather in Paris and London?' }];
    const post = (messages) => postJSON(`${gw.url}/v1/messages`, { model: 'mistral', max_tokens: 200, tools, messages },
      { headers: { 'anthropic-version': '2023-06-01' } });
    const res = await post(ask);
    assert.equal(res.status, 200, res.text);
    const uses = res.json.content.filter((b) => b.type === 'tool_use');
    assert.equal(uses.length, 2);
    const renamed = uses.map((u, i) => ({ ...u, id: `toolu_01ABCDEFGHIJKLMNOPQRSTU${i}` }));
    const follow = await post([...ask, { role: 'assistant', content: renamed },
      { role: 'user', content: renamed.map((u) => ({ type: 'tool_result', tool_use_id: u.id, content: 'ok' })) }]);
    assert.equal(follow.status, 200, follow.text);
    assert.match(follow.json.content[0].text, /^Based on the tool results/);
  });
});
