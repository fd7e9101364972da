// provider-bedrock end to end: the real gateway signing (SigV4) and translating OpenAI and
// Anthropic clients to the Bedrock Converse mock, which verifies every signature with node:crypto
// and rejects what Bedrock rejects: text, event-stream streams, tools with parallel calls and their
// results, usage with prompt-cache reads and writes, a ThrottlingException failed over to another
// deployment, a bad signature, and a corrupted event-stream CRC mid-stream.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { MOCK_TEXT, REASONING_SIGNATURE, REASONING_TEXT, startBedrockMock } from '../mocks/bedrock-mock.mjs';
import { attemptsOf, postStream, streamErrorOf, untilHit } from './lib/chaos.mjs';
import { anthropicErrorOf, errorOf, gatewayConfig, postJSON, RELAY_AS_IS, sseEventName, startGateway, USER_HELLO, WEATHER_TOOL } from './lib/gateway.mjs';

const MODEL = 'us.anthropic.claude-3-5-sonnet-20240620-v1:0';
const A = { id: 'AKIAINTEGRATIONA', secret: 'integration/secret+A' };
const B = { id: 'ASIAINTEGRATIONB', secret: 'integration/secret+B', token: 'IQoJb3JpZ2luX2VjEIntegrationToken//B' };
const ANTHROPIC = { 'anthropic-version': '2023-06-01' };
let a;
let b;
let gw;

const bedrock = (alias, mock, { id, secret, token, model = `bedrock/${MODEL}`, deploymentId } = {}) => ({
  model_name: alias,
  litellm_params: { model, api_base: mock.url, aws_region_name: 'us-east-1', aws_access_key_id: id, aws_secret_access_key: secret,
    ...(token ? { aws_session_token: token } : {}), timeout: 5 },
  ...(deploymentId ? { model_info: { id: deploymentId } } : {}),
});

before(async () => {
  a = await startBedrockMock({ region: 'us-east-1', credentials: { [A.id]: { secretAccessKey: A.secret } } });
  b = await startBedrockMock({ region: 'us-east-1', credentials: { [B.id]: { secretAccessKey: B.secret, sessionToken: B.token } } });
  gw = await startGateway({
    env: { LLMGW_TEST_BEDROCK_SECRET_A: A.secret },
    config: gatewayConfig({
      deployments: [
        bedrock('claude', a, { id: A.id, secret: 'os.environ/LLMGW_TEST_BEDROCK_SECRET_A' }),
        bedrock('claude-converse', a, { ...A, model: `bedrock/converse/${MODEL}` }),
        bedrock('claude-badsig', a, { id: A.id, secret: 'not-the-secret' }),
        bedrock('pool', a, { ...A, deploymentId: 'pool-a' }),
        bedrock('pool', b, { ...B, deploymentId: 'pool-b' }),
      ],
      load: ['provider-openai', 'provider-bedrock'],
      router: RELAY_AS_IS,
    }),
  });
});
after(async () => { await gw?.stop(); await a?.close(); await b?.close(); });
beforeEach(() => { a.reset(); b.reset(); });

const chat = (body, model = 'claude') => postJSON(`${gw.url}/v1/chat/completions`, { model, ...body });
const stream = (body, model = 'claude') => postStream(`${gw.url}/v1/chat/completions`, { model, stream: true, ...body });
const chunks = (s) => s.events.filter((e) => e.json?.object === 'chat.completion.chunk').map((e) => e.json);
const SYSTEM = { role: 'system', content: [{ type: 'text', text: 'You are a careful assistant. '.repeat(60), cache_control: { type: 'ephemeral' } }] };

describe('OpenAI client → Bedrock Converse', () => {
  test('text: signed request to /model/{id}/converse, translated body, usage', async () => {
    const res = await chat({ messages: [{ role: 'system', content: 'Be brief.' }, USER_HELLO], max_tokens: 100, temperature: 0.5, stop: ['END'] });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.choices[0].message.content, MOCK_TEXT);
    assert.equal(res.json.choices[0].finish_reason, 'stop');
    assert.ok(res.json.usage.prompt_tokens > 0);
    const sent = a.requests[0];
    assert.equal(sent.path, `/model/${MODEL.replace(':', '%3A')}/converse`);
    assert.equal(sent.modelId, MODEL);
    assert.match(sent.headers.authorization, new RegExp(`^AWS4-HMAC-SHA256 Credential=${A.id}/\\d{8}/us-east-1/bedrock/aws4_request, `));
    assert.deepEqual(sent.json.system, [{ text: 'Be brief.' }]);
    assert.deepEqual(sent.json.inferenceConfig, { maxTokens: 100, temperature: 0.5, stopSequences: ['END'] });
    assert.equal(res.json.id, `chatcmpl-${sent.responseHeaders['x-amzn-requestid']}`);
  });

  test('bedrock/converse/ prefix and a session token (temporary credentials)', async () => {
    const conv = await chat({ messages: [USER_HELLO] }, 'claude-converse');
    assert.equal(conv.status, 200, conv.text);
    assert.equal(a.requests[0].modelId, MODEL);
    assert.equal(conv.json.model, MODEL);
    const viaB = await untilHit(b, () => chat({ messages: [USER_HELLO] }, 'pool'));
    assert.equal(viaB.res.status, 200, viaB.res.text);
    assert.equal(b.requests[0].headers['x-amz-security-token'], B.token);
  });

  test('stream: event-stream → chunks, finish, include_usage', async () => {
    const s = await stream({ messages: [USER_HELLO], stream_options: { include_usage: true } });
    assert.equal(s.status, 200, s.text);
    const cs = chunks(s);
    assert.equal(cs[0].choices[0].delta.role, 'assistant');
    assert.equal(cs.map((c) => c.choices[0]?.delta.content ?? '').join(''), MOCK_TEXT);
    assert.equal(cs.find((c) => c.choices[0]?.finish_reason)?.choices[0].finish_reason, 'stop');
    assert.ok(cs.at(-1).usage.prompt_tokens > 0);
    assert.equal(s.data.at(-1), '[DONE]');
    assert.equal(a.requests[0].path.endsWith('/converse-stream'), true);
    assert.equal(a.requests[0].headers.accept, 'application/vnd.amazon.eventstream');
  });

  test('tools: toolChoice any, parallel toolUse, results by id; streamed with split input', async () => {
    const ask = [{ role: 'user', content: 'What is the weather in Paris and London?' }];
    const res = await chat({ messages: ask, tools: [WEATHER_TOOL], tool_choice: 'required' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(a.requests[0].json.toolConfig.toolChoice, { any: {} });
    const msg = res.json.choices[0].message;
    assert.equal(res.json.choices[0].finish_reason, 'tool_calls');
    assert.deepEqual(msg.tool_calls.map((t) => JSON.parse(t.function.arguments).location), ['Paris', 'London']);
    const follow = await chat({ tools: [WEATHER_TOOL], messages: [...ask, msg,
      { role: 'tool', tool_call_id: msg.tool_calls[0].id, content: 'sunny' }, { role: 'tool', tool_call_id: msg.tool_calls[1].id, content: 'rain' }] });
    assert.equal(follow.status, 200, follow.text);
    assert.equal(follow.json.choices[0].message.content, 'Based on the tool results: sunny; rain');
    assert.equal(a.requests[1].json.messages.length, 3, 'tool results share one user turn');
    const s = await stream({ messages: ask, tools: [WEATHER_TOOL] });
    const calls = [];
    for (const t of chunks(s).flatMap((c) => c.choices[0]?.delta.tool_calls ?? [])) calls[t.index] = (calls[t.index] ?? '') + t.function.arguments;
    assert.deepEqual(calls.map((x) => JSON.parse(x).location), ['Paris', 'London']);
  });

  test('prompt caching: cache_control → cachePoint; cache write, then read, in usage', async () => {
    const body = { messages: [SYSTEM, USER_HELLO] };
    const first = await chat(body);
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(a.requests[0].json.system.at(-1), { cachePoint: { type: 'default' } });
    const written = first.json.usage.cache_creation_input_tokens;
    assert.ok(written > 0, JSON.stringify(first.json.usage));
    const second = await chat(body);
    assert.equal(second.json.usage.prompt_tokens_details.cached_tokens, written);
    assert.ok(second.json.usage.prompt_tokens > written, 'prompt_tokens counts the cached part too');
    const s = await stream({ ...body, stream_options: { include_usage: true } });
    assert.equal(chunks(s).at(-1).usage.prompt_tokens_details.cached_tokens, written);
  });

  test('reasoning: thinking → additionalModelRequestFields; reasoning_content and its signature back', async () => {
    const res = await chat({ messages: [USER_HELLO], thinking: { type: 'enabled', budget_tokens: 1024 }, max_tokens: 2048 });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(a.requests[0].json.additionalModelRequestFields, { thinking: { type: 'enabled', budget_tokens: 1024 } });
    assert.equal(res.json.choices[0].message.reasoning_content, REASONING_TEXT);
    assert.equal(res.json.choices[0].message.thinking_blocks[0].signature, REASONING_SIGNATURE);
  });
});

describe('Anthropic client → Bedrock', () => {
  test('messages with cache_control, non-stream and stream', async () => {
    const body = { model: 'claude', max_tokens: 100, system: [{ type: 'text', text: 'Long instructions. '.repeat(80), cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'hi' }] };
    const res = await postJSON(`${gw.url}/v1/messages`, body, { headers: ANTHROPIC });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.type, 'message');
    assert.equal(res.json.content[0].text, MOCK_TEXT);
    assert.equal(res.json.stop_reason, 'end_turn');
    assert.ok(res.json.usage.cache_creation_input_tokens > 0, JSON.stringify(res.json.usage));
    assert.deepEqual(a.requests[0].json.system.at(-1), { cachePoint: { type: 'default' } });
    const s = await postStream(`${gw.url}/v1/messages`, { ...body, stream: true }, { headers: ANTHROPIC });
    assert.equal(sseEventName(s.events.at(-1)), 'message_stop');
    assert.equal(s.events.filter((e) => e.json?.delta?.type === 'text_delta').map((e) => e.json.delta.text).join(''), MOCK_TEXT);
    const start = s.events.find((e) => e.json?.type === 'message_start');
    assert.ok(start, 'message_start');
  });

  test('a PDF document block → a Converse document', async () => {
    const res = await postJSON(`${gw.url}/v1/messages`, { model: 'claude', max_tokens: 50, messages: [{ role: 'user', content: [
      { type: 'document', title: 'Annual report 2025.pdf', source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0xLjQK' } },
      { type: 'text', text: 'Summarise it.' }] }] }, { headers: ANTHROPIC });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(a.requests[0].json.messages[0].content[0],
      { document: { format: 'pdf', name: 'Annual report 2025 pdf', source: { bytes: 'JVBERi0xLjQK' } } });
  });

  test('an upstream ThrottlingException in the Anthropic dialect', async () => {
    a.enqueue({ status: 429, errorType: 'ThrottlingException', message: 'Too many requests, please wait before trying again.' });
    const res = await postJSON(`${gw.url}/v1/messages`, { model: 'claude', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }, { headers: ANTHROPIC });
    assert.equal(res.status, 429, res.text);
    assert.equal(anthropicErrorOf(res).type, 'rate_limit_error');
  });
});

describe('errors', () => {
  test('429 ThrottlingException on one deployment of a pool: failed over to the other', async () => {
    a.enqueue({ status: 429, errorType: 'ThrottlingException', message: 'Too many requests, please wait before trying again.', times: 100 });
    const { res } = await untilHit(a, () => chat({ messages: [USER_HELLO] }, 'pool'));
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.choices[0].message.content, MOCK_TEXT);
    assert.equal(res.headers.get('x-llmgw-deployment'), 'pool-b');
    assert.equal(attemptsOf(res), 2);
    const solo = await chat({ messages: [USER_HELLO] });
    assert.equal(solo.status, 429, solo.text);
    assert.equal(errorOf(solo).type, 'rate_limit_error');
    assert.match(errorOf(solo).message, /Too many requests/);
  });

  test('a bad signature: the mock answers 403 InvalidSignatureException, the client 401 without the secret', async () => {
    const res = await chat({ messages: [USER_HELLO] }, 'claude-badsig');
    assert.equal(a.requests[0].status, 403);
    assert.equal(res.status, 401, res.text);
    assert.equal(errorOf(res).type, 'authentication_error');
    assert.match(errorOf(res).message, /signature we calculated does not match/);
    assert.ok(!res.text.includes('not-the-secret'));
  });

  test('ValidationException → 400; ModelNotReady → 503; ServiceUnavailable → 503', async () => {
    a.enqueue({ status: 400, errorType: 'ValidationException', message: 'Malformed input request: #/messages: bad' });
    assert.equal((await chat({ messages: [USER_HELLO] })).status, 400);
    a.enqueue({ status: 429, errorType: 'ModelNotReadyException', message: 'Model is not ready for inference.' });
    assert.equal((await chat({ messages: [USER_HELLO] })).status, 503);
    a.enqueue({ status: 503, errorType: 'ServiceUnavailableException', message: 'Service is unavailable.' });
    assert.equal((await chat({ messages: [USER_HELLO] })).status, 503);
  });

  test('an exception message mid-stream → one error event', async () => {
    a.enqueue({ streamException: { type: 'throttlingException', message: 'Too many tokens, please wait before trying again.' } });
    const err = streamErrorOf(await stream({ messages: [USER_HELLO] }));
    assert.match(err.message, /Too many tokens/);
  });

  test('a corrupted CRC mid-stream → a clean error event after the good chunks, then the end', async () => {
    a.enqueue({ corruptCrc: true, cutAfter: 4 });
    const s = await stream({ messages: [USER_HELLO] });
    assert.equal(s.status, 200);
    assert.equal(s.error, null, 'the client stream ends cleanly');
    const text = chunks(s).map((c) => c.choices[0]?.delta.content ?? '').join('');
    assert.ok(MOCK_TEXT.startsWith(text) && text.length > 0 && text.length < MOCK_TEXT.length, text);
    assert.match(streamErrorOf(s).message, /CRC/);
  });
});
