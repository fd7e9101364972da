// provider-ollama end to end: OpenAI and Anthropic clients through the gateway to the Ollama mock
// (native /api/chat, NDJSON streams).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { MOCK_TEXT, startOllamaMock, THINKING_TEXT } from '../mocks/ollama-mock.mjs';
import { postStream, streamErrorOf } from './lib/chaos.mjs';
import { errorOf, gatewayConfig, postJSON, RELAY_AS_IS, sseEventName, startGateway, USER_HELLO, WEATHER_TOOL } from './lib/gateway.mjs';

let mock;
let gw;

before(async () => {
  mock = await startOllamaMock({ models: ['llama3.2', 'qwen3'] });
  const dep = (alias, model) => ({ model_name: alias, litellm_params: { model, api_base: mock.url, timeout: 5 } });
  gw = await startGateway({ config: gatewayConfig({
    deployments: [dep('llama', 'ollama_chat/llama3.2'), dep('qwen', 'ollama/qwen3'), dep('missing', 'ollama/llama9')],
    load: ['provider-openai', 'provider-ollama'], router: { ...RELAY_AS_IS, stream_timeout: 2 } }) });
});
after(async () => { await gw?.stop(); await mock?.close(); });
beforeEach(() => mock.reset());

const chat = (body, model = 'llama') => postJSON(`${gw.url}/v1/chat/completions`, { model, ...body });
const stream = (body, model = 'llama') => postStream(`${gw.url}/v1/chat/completions`, { model, stream: true, ...body });
const chunks = (s) => s.events.filter((e) => e.json?.object === 'chat.completion.chunk').map((e) => e.json);

describe('OpenAI client → Ollama', () => {
  test('text (ollama_chat/): options, usage from the eval counts', async () => {
    const res = await chat({ messages: [USER_HELLO], temperature: 0.2, max_tokens: 100, seed: 1 });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.choices[0].message.content, MOCK_TEXT);
    assert.equal(res.json.choices[0].finish_reason, 'stop');
    assert.ok(res.json.usage.prompt_tokens > 0 && res.json.usage.completion_tokens > 0);
    const sent = mock.requests[0].json;
    assert.equal(mock.requests[0].path, '/api/chat');
    assert.equal(sent.stream, false);
    assert.deepEqual(sent.options, { temperature: 0.2, seed: 1, num_predict: 100 });
  });

  test('ollama/ prefix, NDJSON stream → SSE chunks with thinking and a usage chunk', async () => {
    const s = await stream({ messages: [USER_HELLO], reasoning_effort: 'low', stream_options: { include_usage: true } }, 'qwen');
    assert.equal(s.status, 200, s.text);
    const cs = chunks(s);
    assert.equal(cs.map((c) => c.choices[0]?.delta.content ?? '').join(''), MOCK_TEXT);
    assert.equal(cs.map((c) => c.choices[0]?.delta.reasoning_content ?? '').join(''), THINKING_TEXT);
    assert.equal(cs.at(-1).choices.length, 0);
    assert.ok(cs.at(-1).usage.prompt_tokens > 0);
    assert.equal(s.data.at(-1), '[DONE]');
    assert.equal(mock.requests[0].json.think, true);
  });

  test('tools: parallel calls, results mapped back by tool_name; in a stream too', async () => {
    const ask = [{ role: 'user', content: 'What is the weather in Paris and London?' }];
    const res = await chat({ messages: ask, tools: [WEATHER_TOOL] });
    assert.equal(res.status, 200, res.text);
    const msg = res.json.choices[0].message;
    assert.equal(res.json.choices[0].finish_reason, 'tool_calls');
    assert.deepEqual(msg.tool_calls.map((t) => JSON.parse(t.function.arguments).location), ['Paris', 'London']);
    const follow = await chat({ tools: [WEATHER_TOOL], messages: [...ask, msg,
      { role: 'tool', tool_call_id: msg.tool_calls[0].id, content: 'sunny' }, { role: 'tool', tool_call_id: msg.tool_calls[1].id, content: 'rain' }] });
    assert.equal(follow.json.choices[0].message.content, 'Based on the tool results: get_weather=sunny; get_weather=rain');
    assert.deepEqual(mock.requests[1].json.messages[1].tool_calls[0].function.arguments, { location: 'Paris' });
    const s = await stream({ messages: ask, tools: [WEATHER_TOOL] });
    const deltas = chunks(s).flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
    assert.deepEqual(deltas.map((t) => t.index), [0, 1]);
    assert.equal(chunks(s).find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason, 'tool_calls');
  });

  test('structured output via format; finish reason length', async () => {
    const res = await chat({ messages: [USER_HELLO], response_format: { type: 'json_schema', json_schema: { name: 'c',
      schema: { type: 'object', properties: { city: { type: 'string' } } } } } });
    assert.deepEqual(JSON.parse(res.json.choices[0].message.content), { city: 'Paris' });
    assert.deepEqual(mock.requests[0].json.format, { type: 'object', properties: { city: { type: 'string' } } });
    const cut = await chat({ messages: [USER_HELLO], max_completion_tokens: 2 });
    assert.equal(cut.json.choices[0].finish_reason, 'length');
  });

  test('errors: model not pulled → 404, 500, malformed 200, error line mid-stream, reset mid-stream', async () => {
    const nf = await chat({ messages: [USER_HELLO] }, 'missing');
    assert.equal(nf.status, 404, nf.text);
    assert.match(errorOf(nf).message, /try pulling it first/);
    mock.enqueue({ status: 500, body: { error: 'llama runner process has terminated' } });
    const r500 = await chat({ messages: [USER_HELLO] });
    assert.equal(r500.status, 500);
    assert.equal(errorOf(r500).message, 'llama runner process has terminated');
    mock.enqueue({ status: 200, body: '{"model":"llama3.2","message":{"role":"assis' });
    assert.equal((await chat({ messages: [USER_HELLO] })).status, 502);
    mock.enqueue({ streamError: 'an error was encountered while running the model' });
    streamErrorOf(await stream({ messages: [USER_HELLO] }));
    mock.enqueue({ resetMidStream: true, cutAfter: 3, streamDelayMs: 20 });
    streamErrorOf(await stream({ messages: [USER_HELLO] }));
  });
});

describe('Anthropic client → Ollama', () => {
  test('text and stream', async () => {
    const headers = { 'anthropic-version': '2023-06-01' };
    const res = await postJSON(`${gw.url}/v1/messages`, { model: 'llama', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }, { headers });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.content[0].text, MOCK_TEXT);
    const s = await postStream(`${gw.url}/v1/messages`, { model: 'llama', max_tokens: 100, stream: true,
      messages: [{ role: 'user', content: 'hi' }] }, { headers });
    assert.equal(sseEventName(s.events.at(-1)), 'message_stop');
    assert.equal(s.events.filter((e) => e.json?.delta?.type === 'text_delta').map((e) => e.json.delta.text).join(''), MOCK_TEXT);
  });
});
