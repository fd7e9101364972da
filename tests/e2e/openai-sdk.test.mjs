// The official OpenAI Node SDK, pointed at the gateway (baseURL = gateway + /v1), against the mock
// OpenAI upstream: completions, streams, parallel tool calls (streamed and not), a tool-result turn,
// and upstream errors surfacing as the SDK's typed APIError subclasses.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import { MOCK_TEXT, openaiError, startOpenAIMock, WEATHER_ARGUMENTS } from '../mocks/openai-mock.mjs';
import path from 'node:path';
import { gatewayConfig, REPO_ROOT, startGateway, UPSTREAM_KEY, WEATHER_TOOL, RELAY_AS_IS } from '../integration/lib/gateway.mjs';

const MASTER = 'sk-e2e-master';
const WEATHER_Q = { role: 'user', content: 'What is the weather in Paris and in Tokyo?' };
let mock;
let gw;
let client;

before(async () => {
  mock = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  const config = gatewayConfig({ upstream: mock.url, masterKey: MASTER, router: RELAY_AS_IS });
  // Priced (the shipped table): streams end with a `: x-llmgw-cost: …` comment line the SDK skips.
  config.general_settings.model_prices = path.join(REPO_ROOT, 'config/model_prices.json');
  gw = await startGateway({ config });
  client = new OpenAI({ apiKey: MASTER, baseURL: `${gw.url}/v1`, maxRetries: 0, timeout: 20_000 });
});
after(async () => {
  await gw?.stop();
  await mock?.close();
});
beforeEach(() => mock.reset());

/** Reassembles streamed tool-call deltas by index, as an SDK consumer must. */
function collectToolCalls(chunks) {
  const calls = [];
  for (const c of chunks) {
    for (const d of c.choices[0]?.delta?.tool_calls ?? []) {
      const call = (calls[d.index] ??= { id: '', type: '', name: '', arguments: '' });
      if (d.id) call.id = d.id;
      if (d.type) call.type = d.type;
      if (d.function?.name) call.name += d.function.name;
      if (d.function?.arguments) call.arguments += d.function.arguments;
    }
  }
  return calls;
}

describe('openai SDK through llmgw', () => {
  test('chat.completions.create', async () => {
    const c = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi!' }] });
    assert.equal(c.object, 'chat.completion');
    assert.equal(c.choices[0].message.content, MOCK_TEXT);
    assert.equal(c.choices[0].finish_reason, 'stop');
    assert.ok(c.usage.total_tokens > 0);
    assert.equal(mock.requests[0].headers.authorization, `Bearer ${UPSTREAM_KEY}`);
  });

  test('stream: for await chunks, text reassembled, usage chunk last (the cost comment skipped)', async () => {
    const { data: stream, response } = await client.chat.completions.create({
      model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi!' }], stream: true, stream_options: { include_usage: true },
    }).withResponse();
    // The stream the SDK reads ends with `: x-llmgw-cost: …` before [DONE] (declared as a trailer).
    assert.equal(response.headers.get('trailer'), 'x-llmgw-cost');
    let text = '';
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    assert.equal(text, MOCK_TEXT);
    assert.equal(chunks.at(-1).choices.length, 0);
    assert.ok(chunks.at(-1).usage.completion_tokens > 0);
    assert.equal(chunks.at(-2).choices[0].finish_reason, 'stop');
  });

  test('two parallel tool calls, non-stream', async () => {
    const c = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [WEATHER_Q], tools: [WEATHER_TOOL] });
    const msg = c.choices[0].message;
    assert.equal(c.choices[0].finish_reason, 'tool_calls');
    assert.equal(msg.tool_calls.length, 2);
    msg.tool_calls.forEach((tc, i) => {
      assert.match(tc.id, /^call_/);
      assert.equal(tc.type, 'function');
      assert.equal(tc.function.name, 'get_weather');
      assert.deepEqual(JSON.parse(tc.function.arguments), JSON.parse(WEATHER_ARGUMENTS[i]));
    });
    assert.deepEqual(msg.tool_calls.map((t) => t.id), mock.requests[0].plan.toolCalls.map((t) => t.id));
  });

  test('two parallel tool calls, streamed: deltas reassembled by index into the mock\'s JSON', async () => {
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [WEATHER_Q], tools: [WEATHER_TOOL], stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const calls = collectToolCalls(chunks);
    assert.equal(calls.length, 2);
    const sent = mock.requests[0].plan.toolCalls;
    calls.forEach((call, i) => {
      assert.equal(call.id, sent[i].id);
      assert.equal(call.type, 'function');
      assert.equal(call.name, 'get_weather');
      assert.equal(call.arguments, WEATHER_ARGUMENTS[i]);
      assert.deepEqual(JSON.parse(call.arguments), JSON.parse(WEATHER_ARGUMENTS[i]));
    });
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'tool_calls');
  });

  test('streamed tool calls with the SDK\'s own stream helper (finalChatCompletion)', async () => {
    const runner = client.chat.completions.stream({ model: 'gpt-4o-mini', messages: [WEATHER_Q], tools: [WEATHER_TOOL] });
    const final = await runner.finalChatCompletion();
    const tcs = final.choices[0].message.tool_calls;
    assert.equal(tcs.length, 2);
    tcs.forEach((tc, i) => assert.equal(tc.function.arguments, WEATHER_ARGUMENTS[i]));
  });

  test('follow-up turn with the tool results → text answer', async () => {
    const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [WEATHER_Q], tools: [WEATHER_TOOL] });
    const assistant = first.choices[0].message;
    const results = assistant.tool_calls.map((tc) => {
      const { location } = JSON.parse(tc.function.arguments);
      return { role: 'tool', tool_call_id: tc.id, content: `${location}: 21C, sunny` };
    });
    const second = await client.chat.completions.create({
      model: 'gpt-4o-mini', tools: [WEATHER_TOOL], messages: [WEATHER_Q, assistant, ...results],
    });
    assert.equal(second.choices[0].finish_reason, 'stop');
    assert.equal(second.choices[0].message.content,
      'Based on the tool results: Paris, France: 21C, sunny; Tokyo, Japan: 21C, sunny');
    const upstream = mock.requests[1].json.messages;
    assert.equal(upstream.length, 4);
    assert.deepEqual(upstream.slice(2).map((m) => m.tool_call_id), assistant.tool_calls.map((t) => t.id));
  });

  test('upstream 429 → openai.RateLimitError with status and message', async () => {
    mock.enqueue({ status: 429, headers: { 'retry-after': '1' }, times: 20,
      body: openaiError('Rate limit reached for requests', { type: 'requests', code: 'rate_limit_exceeded' }) });
    await assert.rejects(
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
      (err) => {
        assert.ok(err instanceof OpenAI.APIError, `not an APIError: ${err}`);
        assert.ok(err instanceof OpenAI.RateLimitError, `not a RateLimitError: ${err.constructor.name}`);
        assert.equal(err.status, 429);
        assert.match(err.message, /Rate limit reached for requests/);
        assert.equal(err.code, 'rate_limit_exceeded');
        return true;
      },
    );
  });

  test('upstream 500 → openai.InternalServerError with status and message', async () => {
    mock.enqueue({ status: 500, times: 20,
      body: openaiError('The server had an error while processing your request.', { type: 'server_error' }) });
    await assert.rejects(
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
      (err) => {
        assert.ok(err instanceof OpenAI.InternalServerError, `not an InternalServerError: ${err.constructor.name}`);
        assert.equal(err.status, 500);
        assert.match(err.message, /The server had an error while processing your request/);
        return true;
      },
    );
  });

  test('unknown model → openai.NotFoundError from the gateway itself', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
      (err) => err instanceof OpenAI.NotFoundError && err.status === 404 && err.code === 'model_not_found',
    );
    assert.equal(mock.requests.length, 0);
  });

  test('wrong key → openai.AuthenticationError', async () => {
    const bad = new OpenAI({ apiKey: 'sk-not-the-master', baseURL: `${gw.url}/v1`, maxRetries: 0 });
    await assert.rejects(
      bad.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
      (err) => err instanceof OpenAI.AuthenticationError && err.status === 401,
    );
  });

  test('models.list() lists the alias', async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.ok(ids.includes('gpt-4o-mini'), ids.join(','));
  });
});

describe('a fallback list from the SDK, unchanged client code', () => {
  let primary;
  let backup;
  let fgw;
  let fclient;
  before(async () => {
    primary = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
    backup = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
    fgw = await startGateway({ config: gatewayConfig({ masterKey: MASTER, deployments: [
      { model_name: 'primary', litellm_params: { model: 'openai/gpt-4o', api_base: `${primary.url}/v1`, api_key: UPSTREAM_KEY, timeout: 5 } },
      { model_name: 'backup', litellm_params: { model: 'openai/gpt-4o-mini', api_base: `${backup.url}/v1`, api_key: UPSTREAM_KEY, timeout: 5 } },
    ] }) });
    fclient = new OpenAI({ apiKey: MASTER, baseURL: `${fgw.url}/v1`, maxRetries: 0, timeout: 20_000 });
  });
  after(async () => {
    await fgw?.stop();
    await primary?.close();
    await backup?.close();
  });

  test('extra body "models" (OpenRouter shape): the primary fails, the backup answers; the upstreams never see "models"', async () => {
    primary.enqueue({ status: 503, times: 10 });
    // Python's extra_body={"models": [...]} and a plain extra key in Node put the same bytes on the wire.
    const { data, response } = await fclient.chat.completions
      .create({ model: 'primary', messages: [{ role: 'user', content: 'hi' }], models: ['primary', 'backup'] })
      .withResponse();
    assert.equal(data.choices[0].message.content, MOCK_TEXT);
    assert.equal(response.headers.get('x-llmgw-deployment'), 'backup#0');
    assert.equal(backup.requests.length, 1);
    assert.ok(primary.requests.length >= 1);
    for (const r of [...primary.requests, ...backup.requests]) assert.equal(r.json.models, undefined);
  });
});

describe('embeddings through the SDK', () => {
  test('embeddings.create: the SDK asks for base64 and decodes it; floats when asked', async () => {
    const res = await client.embeddings.create({ model: 'gpt-4o-mini', input: ['first', 'second'] });
    assert.equal(res.data.length, 2);
    assert.equal(res.data[0].embedding.length, 1536);
    assert.ok(res.data[0].embedding.every((x) => Number.isFinite(x)));
    assert.ok(res.usage.prompt_tokens > 0);
    assert.equal(mock.requests.at(-1).path, '/v1/embeddings');
    const floats = await client.embeddings.create({ model: 'gpt-4o-mini', input: 'first', encoding_format: 'float' });
    assert.deepEqual(floats.data[0].embedding.map((x) => Math.fround(x)), res.data[0].embedding);  // same input, same vector
    assert.equal(mock.requests.at(-1).json.encoding_format, 'float');
  });

  test('a refused embeddings request surfaces as BadRequestError', async () => {
    await assert.rejects(client.embeddings.create({ model: 'gpt-4o-mini', input: '' }), (e) =>
      e instanceof OpenAI.BadRequestError && e.status === 400 && e.param === 'input');
  });
});
