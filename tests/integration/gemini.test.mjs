// provider-gemini end to end: the real gateway translating OpenAI and Anthropic clients to the
// Gemini mock (which rejects what Gemini rejects): text, streams, tools with parallel calls (and
// their results mapped back), structured output, usage with cached and reasoning tokens, finish
// reasons, upstream errors as Google sends them, and count_tokens answered by Gemini's own
// :countTokens.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startGeminiMock, MOCK_TEXT, THOUGHT_SIGNATURE, THOUGHT_TEXT } from '../mocks/gemini-mock.mjs';
import { postStream, streamErrorOf } from './lib/chaos.mjs';
import {
  anthropicErrorOf, errorOf, gatewayConfig, postJSON, RELAY_AS_IS, sseEventName, startGateway, USER_HELLO, WEATHER_TOOL,
} from './lib/gateway.mjs';

const KEY = 'AIzaIntegrationUpstreamKey-5b2d';
const MODEL = 'gemini-2.5-flash';
let mock;
let gw;

const geminiDeployment = (alias, { apiKey = KEY, extra = {} } = {}) => ({
  model_name: alias,
  litellm_params: { model: `gemini/${MODEL}`, api_base: mock.url, api_key: apiKey, timeout: 5, ...extra },
});

before(async () => {
  mock = await startGeminiMock({ apiKey: KEY, models: [MODEL], minCacheTokens: 256 });
  gw = await startGateway({
    config: gatewayConfig({
      deployments: [geminiDeployment('gemini'), geminiDeployment('gemini-badkey', { apiKey: 'AIzaWrongKey-0000' })],
      load: ['provider-openai', 'provider-gemini'],
      router: { ...RELAY_AS_IS, stream_timeout: 2 },
    }),
  });
});
after(async () => {
  await gw?.stop();
  await mock?.close();
});
beforeEach(() => mock.reset());

const chat = (body, model = 'gemini') => postJSON(`${gw.url}/v1/chat/completions`, { model, ...body },
  { signal: AbortSignal.timeout(20_000) });
const stream = (body, model = 'gemini') => postStream(`${gw.url}/v1/chat/completions`, { model, stream: true, ...body });
const chunksOf = (s) => s.events.filter((e) => e.json?.object === 'chat.completion.chunk').map((e) => e.json);

/** What a client assembles from a chat stream. */
function assemble(s) {
  const out = { content: '', reasoning: '', finish: null, calls: [], usage: null, role: null };
  for (const c of chunksOf(s)) {
    if (c.usage) out.usage = c.usage;
    const ch = c.choices[0];
    if (!ch) continue;
    out.role ??= ch.delta.role ?? null;
    out.content += ch.delta.content ?? '';
    out.reasoning += ch.delta.reasoning_content ?? '';
    for (const t of ch.delta.tool_calls ?? []) {
      out.calls[t.index] ??= { id: '', name: '', arguments: '' };
      if (t.id) out.calls[t.index].id = t.id;
      if (t.function?.name) out.calls[t.index].name = t.function.name;
      out.calls[t.index].arguments += t.function?.arguments ?? '';
    }
    if (ch.finish_reason) out.finish = ch.finish_reason;
  }
  return out;
}

describe('OpenAI client → Gemini', () => {
  test('text: translated request, canonical answer', async () => {
    const res = await chat({ messages: [{ role: 'system', content: 'Be brief.' }, USER_HELLO], temperature: 0.3, max_tokens: 200 });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.object, 'chat.completion');
    assert.equal(res.json.choices[0].message.content, MOCK_TEXT);
    assert.equal(res.json.choices[0].finish_reason, 'stop');
    assert.ok(res.json.usage.prompt_tokens > 0 && res.json.usage.completion_tokens > 0);
    const rec = mock.requests[0];
    assert.equal(rec.path, `/v1beta/models/${MODEL}:generateContent`);
    assert.equal(rec.headers['x-goog-api-key'], KEY);
    assert.equal(rec.headers.authorization, undefined);
    assert.deepEqual(rec.json.systemInstruction, { parts: [{ text: 'Be brief.' }] });
    assert.deepEqual(rec.json.contents, [{ role: 'user', parts: [{ text: USER_HELLO.content }] }]);
    assert.deepEqual(rec.json.generationConfig, { temperature: 0.3, maxOutputTokens: 200 });
  });

  test('stream: SSE chunks, finish, usage chunk, [DONE]', async () => {
    const s = await stream({ messages: [USER_HELLO], stream_options: { include_usage: true } });
    assert.equal(s.status, 200, s.text);
    assert.equal(mock.requests[0].path, `/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`);
    const a = assemble(s);
    assert.equal(a.role, 'assistant');
    assert.equal(a.content, MOCK_TEXT);
    assert.equal(a.finish, 'stop');
    assert.ok(a.usage?.prompt_tokens > 0 && a.usage.completion_tokens > 0, JSON.stringify(a.usage));
    assert.equal(s.data.at(-1), '[DONE]');
  });

  test('tools: parallel calls, then both results mapped back to their functions', async () => {
    const messages = [{ role: 'user', content: 'What is the weather in Paris and London?' }];
    const res = await chat({ messages, tools: [WEATHER_TOOL] });
    assert.equal(res.status, 200, res.text);
    const msg = res.json.choices[0].message;
    assert.equal(res.json.choices[0].finish_reason, 'tool_calls');
    assert.equal(msg.tool_calls.length, 2);
    assert.deepEqual(msg.tool_calls.map((t) => JSON.parse(t.function.arguments).location), ['Paris', 'London']);
    assert.notEqual(msg.tool_calls[0].id, msg.tool_calls[1].id);
    // Declared as Gemini wants it: no $schema / additionalProperties, functionDeclarations.
    assert.equal(mock.requests[0].json.tools[0].functionDeclarations[0].name, 'get_weather');

    const follow = await chat({ tools: [WEATHER_TOOL], messages: [...messages, msg,
      { role: 'tool', tool_call_id: msg.tool_calls[1].id, content: '{"temp":12}' },
      { role: 'tool', tool_call_id: msg.tool_calls[0].id, content: 'sunny, 21 C' }] });
    assert.equal(follow.status, 200, follow.text);
    assert.match(follow.json.choices[0].message.content, /^Based on the tool results: /);
    const sent = mock.requests[1].json.contents;
    assert.equal(sent[1].role, 'model');
    assert.equal(sent[1].parts[0].thoughtSignature, THOUGHT_SIGNATURE, 'the thought signature went back');
    assert.deepEqual(sent[2].parts.map((p) => p.functionResponse), [
      { name: 'get_weather', response: { temp: 12 } }, { name: 'get_weather', response: { content: 'sunny, 21 C' } }]);
  });

  test('tools: parallel calls in a stream', async () => {
    const s = await stream({ messages: [{ role: 'user', content: 'weather in Paris and London?' }], tools: [WEATHER_TOOL],
      tool_choice: 'required' });
    const a = assemble(s);
    assert.equal(a.finish, 'tool_calls');
    assert.equal(a.calls.length, 2);
    assert.deepEqual(a.calls.map((c) => JSON.parse(c.arguments)), [{ location: 'Paris' }, { location: 'London' }]);
    assert.ok(a.calls.every((c) => c.id && c.name === 'get_weather'));
    assert.deepEqual(mock.requests[0].json.toolConfig, { functionCallingConfig: { mode: 'ANY' } });
  });

  test('structured output: json_schema → responseSchema, the JSON in message.content', async () => {
    const res = await chat({ messages: [USER_HELLO], response_format: { type: 'json_schema', json_schema: { name: 'city', strict: true,
      schema: { type: 'object', properties: { city: { type: 'string' }, population: { type: 'integer' } },
        required: ['city'], additionalProperties: false } } } });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(JSON.parse(res.json.choices[0].message.content), { city: 'Paris', population: 21 });
    const gc = mock.requests[0].json.generationConfig;
    assert.equal(gc.responseMimeType, 'application/json');
    assert.equal(gc.responseSchema.additionalProperties, undefined);
  });

  test('usage: cached tokens on a repeated prefix, reasoning tokens with thinking', async () => {
    const body = { messages: [{ role: 'system', content: 'You are a careful assistant. '.repeat(60) }, USER_HELLO],
      reasoning_effort: 'low' };
    const first = await chat(body);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.usage.prompt_tokens_details.cached_tokens, 0);
    const second = await chat(body);
    const u = second.json.usage;
    assert.ok(u.prompt_tokens_details.cached_tokens > 0, JSON.stringify(u));
    assert.ok(u.prompt_tokens >= u.prompt_tokens_details.cached_tokens);
    assert.ok(u.completion_tokens_details.reasoning_tokens > 0, JSON.stringify(u));
    assert.ok(u.completion_tokens > u.completion_tokens_details.reasoning_tokens);
    assert.equal(second.json.choices[0].message.reasoning_content, THOUGHT_TEXT);
    assert.deepEqual(mock.requests[0].json.generationConfig.thinkingConfig, { thinkingBudget: 1024, includeThoughts: true });
  });

  test('finish reasons: MAX_TOKENS → length, SAFETY → content_filter', async () => {
    const r1 = await chat({ messages: [USER_HELLO], max_completion_tokens: 3 });
    assert.equal(r1.json.choices[0].finish_reason, 'length');
    mock.enqueue({ finishReason: 'SAFETY' });
    const r2 = await chat({ messages: [USER_HELLO] });
    assert.equal(r2.json.choices[0].finish_reason, 'content_filter');
    mock.enqueue({ finishReason: 'RECITATION' });
    assert.equal(assemble(await stream({ messages: [USER_HELLO] })).finish, 'content_filter');
  });

  test('a feature Gemini cannot honour → 400 naming it, nothing sent upstream', async () => {
    const res = await chat({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x.test/a.png' } }] }] });
    assert.equal(res.status, 400, res.text);
    assert.match(errorOf(res).message, /Gemini/);
    assert.equal(mock.requests.length, 0);
  });
});

describe('upstream errors as Google sends them', () => {
  const google = (code, status, message, details) => ({ error: { code, message, status, ...(details ? { details } : {}) } });

  test('400 INVALID_ARGUMENT → 400 invalid_request_error with the message', async () => {
    mock.enqueue({ status: 400, body: google(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.') });
    const res = await chat({ messages: [USER_HELLO] });
    assert.equal(res.status, 400, res.text);
    const e = errorOf(res);
    assert.equal(e.type, 'invalid_request_error');
    assert.equal(e.message, 'Request contains an invalid argument.');
  });

  test('400 context window overflow → context_length_exceeded', async () => {
    mock.enqueue({ status: 400, body: google(400, 'INVALID_ARGUMENT',
      'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).') });
    const res = await chat({ messages: [USER_HELLO] });
    assert.equal(res.status, 400);
    assert.equal(errorOf(res).code, 'context_length_exceeded');
  });

  test('wrong key (Google: 400 API_KEY_INVALID) → 401 authentication_error, key not leaked', async () => {
    const res = await chat({ messages: [USER_HELLO] }, 'gemini-badkey');
    assert.equal(res.status, 401, res.text);
    assert.equal(errorOf(res).type, 'authentication_error');
    assert.doesNotMatch(res.text, /AIzaWrongKey/);
  });

  test('429 RESOURCE_EXHAUSTED with Retry-After → 429 and Retry-After', async () => {
    mock.enqueue({ status: 429, headers: { 'retry-after': '1' }, times: 5, body: google(429, 'RESOURCE_EXHAUSTED',
      'You exceeded your current quota.', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '1s' }]) });
    const res = await chat({ messages: [USER_HELLO] });
    assert.equal(res.status, 429, res.text);
    assert.equal(errorOf(res).type, 'rate_limit_error');
    assert.ok(res.headers.get('retry-after') !== null, 'no Retry-After on the 429');
  });

  test('500 INTERNAL → 500; 503 UNAVAILABLE → 503', async () => {
    mock.enqueue({ status: 500, times: 5, body: google(500, 'INTERNAL', 'An internal error has occurred.') });
    const r500 = await chat({ messages: [USER_HELLO] });
    assert.equal(r500.status, 500, r500.text);
    assert.equal(errorOf(r500).message, 'An internal error has occurred.');
    mock.reset();
    mock.enqueue({ status: 503, times: 5, body: google(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.') });
    const r503 = await chat({ messages: [USER_HELLO] });
    assert.equal(r503.status, 503, r503.text);
    assert.match(errorOf(r503).message, /overloaded/);
  });

  test('200 with a malformed body → 502', async () => {
    mock.enqueue({ status: 200, body: '{"candidates": [{"content": {"parts": [{"te' });
    const res = await chat({ messages: [USER_HELLO] });
    assert.equal(res.status, 502, res.text);
    errorOf(res);
  });

  test('200 with a body nested 100,000 levels deep → 502, the gateway keeps serving', async () => {
    mock.enqueue({ status: 200, body: `{"candidates":${'['.repeat(100000)}${']'.repeat(100000)}}` });
    const res = await chat({ messages: [USER_HELLO] });
    assert.equal(res.status, 502, res.text);
    assert.equal((await chat({ messages: [USER_HELLO] })).status, 200);
  });

  test('connection reset mid-stream → the chunks so far, then one error event, no [DONE]', async () => {
    mock.enqueue({ resetMidStream: true, cutAfter: 2, streamDelayMs: 30, text: 'one two three four five six seven eight nine' });
    const s = await stream({ messages: [USER_HELLO] });
    assert.equal(s.status, 200, s.text);
    assert.ok(chunksOf(s).length >= 2, s.data.join(' | '));
    streamErrorOf(s);
    assert.ok(!s.data.includes('[DONE]'));
  });

  test('an error event mid-stream → one error event', async () => {
    mock.enqueue({ streamError: {} });
    const s = await stream({ messages: [USER_HELLO] });
    assert.match(streamErrorOf(s).message, /overloaded/);
  });
});

describe('Anthropic client (/v1/messages) → Gemini', () => {
  const messages = (body, extra = {}) => postJSON(`${gw.url}/v1/messages`, { model: 'gemini', max_tokens: 256, ...body },
    { headers: { 'anthropic-version': '2023-06-01', ...extra } });

  test('text', async () => {
    const res = await messages({ system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello.' }] });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.type, 'message');
    assert.equal(res.json.content[0].type, 'text');
    assert.equal(res.json.content[0].text, MOCK_TEXT);
    assert.equal(res.json.stop_reason, 'end_turn');
    assert.ok(res.json.usage.input_tokens > 0);
    assert.deepEqual(mock.requests[0].json.systemInstruction, { parts: [{ text: 'Be brief.' }] });
    assert.equal(mock.requests[0].json.generationConfig.maxOutputTokens, 256);
  });

  test('stream', async () => {
    const s = await postStream(`${gw.url}/v1/messages`, { model: 'gemini', max_tokens: 256, stream: true,
      messages: [{ role: 'user', content: 'Say hello.' }] }, { headers: { 'anthropic-version': '2023-06-01' } });
    assert.equal(s.status, 200, s.text);
    const names = s.events.map(sseEventName);
    assert.equal(names[0], 'message_start');
    assert.equal(names.at(-1), 'message_stop');
    const text = s.events.filter((e) => e.json?.delta?.type === 'text_delta').map((e) => e.json.delta.text).join('');
    assert.equal(text, MOCK_TEXT);
    assert.equal(s.events.find((e) => sseEventName(e) === 'message_delta').json.delta.stop_reason, 'end_turn');
  });

  test('tools: tool_use blocks, then tool_result blocks mapped back', async () => {
    const tools = [{ name: 'get_weather', description: 'Weather', input_schema: WEATHER_TOOL.function.parameters }];
    const ask = [{ role: 'user', content: 'What is the weather in Paris and London?' }];
    const res = await messages({ tools, messages: ask });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.stop_reason, 'tool_use');
    const uses = res.json.content.filter((b) => b.type === 'tool_use');
    assert.deepEqual(uses.map((u) => u.input.location), ['Paris', 'London']);
    const follow = await messages({ tools, messages: [...ask, { role: 'assistant', content: res.json.content },
      { role: 'user', content: uses.map((u, i) => ({ type: 'tool_result', tool_use_id: u.id, content: `result ${i}` })) }] });
    assert.equal(follow.status, 200, follow.text);
    assert.match(follow.json.content[0].text, /^Based on the tool results: /);
    assert.deepEqual(mock.requests[1].json.contents[2].parts.map((p) => p.functionResponse.response), [
      { content: 'result 0' }, { content: 'result 1' }]);
  });

  test("count_tokens: Gemini's own :countTokens with the whole request; totalTokens as input_tokens", async () => {
    const tools = [{ name: 'get_weather', description: 'Weather', input_schema: WEATHER_TOOL.function.parameters }];
    const body = { model: 'gemini', system: 'Be brief.', tools, messages: [{ role: 'user', content: 'How many tokens is this?' }] };
    const count = () => postJSON(`${gw.url}/v1/messages/count_tokens`, body, { headers: { 'anthropic-version': '2023-06-01' },
      signal: AbortSignal.timeout(20_000) });
    const res = await count();
    assert.equal(res.status, 200, res.text);
    assert.equal(mock.requests.length, 1);
    const rec = mock.requests[0];
    assert.equal(rec.path, `/v1beta/models/${MODEL}:countTokens`);
    assert.equal(rec.headers['x-goog-api-key'], KEY);
    const g = rec.json.generateContentRequest;
    assert.equal(g.model, `models/${MODEL}`);
    assert.deepEqual(g.systemInstruction, { parts: [{ text: 'Be brief.' }] });
    assert.equal(g.tools[0].functionDeclarations[0].name, 'get_weather');
    assert.deepEqual(res.json, { input_tokens: rec.usage.total });  // the upstream's count, not an estimate
    // Google's errors come back in the Anthropic dialect with their status.
    mock.enqueue({ status: 429, times: 5, body: google429() });
    const limited = await count();
    assert.equal(limited.status, 429, limited.text);
    assert.equal(anthropicErrorOf(limited).type, 'rate_limit_error');
    mock.reset();
    mock.enqueue({ status: 200, body: { promptTokensDetails: [] } });  // no totalTokens
    assert.equal((await count()).status, 502);
  });

  test('an upstream 429 in the Anthropic dialect', async () => {
    mock.enqueue({ status: 429, times: 5, body: google429() });
    const res = await messages({ messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.status, 429, res.text);
    assert.equal(anthropicErrorOf(res).type, 'rate_limit_error');
  });
});

function google429() {
  return { error: { code: 429, message: 'Resource has been exhausted (e.g. check quota).', status: 'RESOURCE_EXHAUSTED' } };
}
