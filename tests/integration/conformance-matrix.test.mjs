// The conformance matrix: each client dialect (OpenAI chat, Anthropic messages, embeddings) against
// each provider mock (which rejects what the provider rejects), through one gateway, for the same
// features: text, stream, tools, parallel tool calls in a stream, structured output, images, usage
// with cached and reasoning tokens, finish reasons, and upstream failures (400, 401, 429 with
// Retry-After, 500, 503 / 529, a malformed body, a connection reset mid-stream). Prints the matrix
// (feature × provider: pass / FAIL / n/a = the provider does not offer it) and fails on any FAIL.
// The expected client-side answer of a failure is the same for every provider: the gateway relays
// the upstream's status class (and Retry-After), in the client's own error shape.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startAnthropicMock } from '../mocks/anthropic-mock.mjs';
import { startBedrockMock } from '../mocks/bedrock-mock.mjs';
import { startCohereMock } from '../mocks/cohere-mock.mjs';
import { startGeminiMock } from '../mocks/gemini-mock.mjs';
import { startGoogleTokenMock } from '../mocks/google-token-mock.mjs';
import { startMistralMock } from '../mocks/mistral-mock.mjs';
import { startOllamaMock } from '../mocks/ollama-mock.mjs';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { postStream } from './lib/chaos.mjs';
import {
  ANTHROPIC_UPSTREAM_KEY, anthropicErrorOf, errorOf, gatewayConfig, postJSON, RELAY_AS_IS, sseEventName, startGateway,
  UPSTREAM_KEY, USER_HELLO, WEATHER_TOOL,
} from './lib/gateway.mjs';

const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const WEATHER_Q = 'What is the weather in Paris and London?';
const LONG_SYSTEM = 'You are a careful assistant who answers briefly and precisely. '.repeat(40);
const CITY_SCHEMA = { type: 'object', properties: { city: { type: 'string' }, population: { type: 'integer' } },
  required: ['city', 'population'], additionalProperties: false };
const AWS = { id: 'AKIAMATRIXTEST', secret: 'matrix/secret+key' };
const VERTEX_SA = 'matrix@matrix-project.iam.gserviceaccount.com';
const KEYS = { gemini: 'AIzaMatrixKey-1', mistral: 'mistral-matrix-key', cohere: 'co-matrix-key' };

// ---------------------------------------------------------------------------------------------
// Providers: how to start each mock, its deployments, and what it offers.

/** An upstream failure as the provider sends it: the mock's own error body for `status`. */
const plainError = (status, headers = {}) => ({ status, headers, times: 5 });

/** A mock behind Vertex AI's OAuth: `startMock(vertex)` gets the project, location and the check of
 *  the Bearer token the mock token endpoint issued; m.credentials is the service-account key. */
async function startOnVertex(startMock) {
  const key = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const tokens = await startGoogleTokenMock({ publicKey: key.publicKey, clientEmail: VERTEX_SA });
  const m = await startMock({ project: 'matrix-project', location: 'us-central1', authorize: (h) => tokens.authorize(h) });
  m.credentials = JSON.stringify({ type: 'service_account', project_id: 'matrix-project', private_key: key.privateKey,
    client_email: VERTEX_SA, token_uri: tokens.tokenUri });
  const close = m.close.bind(m);
  m.close = async () => { await close(); await tokens.close(); };
  return m;
}

/** What the OpenAI mock answers, wherever it stands (OpenAI, Vertex's OpenAI-compatible endpoint). */
const OPENAI_MOCK_ANSWERS = {
  error: plainError,
  overload: 503,
  cached: { arm: (m) => m.enqueue({ cachedTokens: 64, times: 1 }) },
  cities: ['Paris, France', 'Tokyo, Japan'],  // the OpenAI mock's two calls
  reasoning: { arm: (m) => m.enqueue({ usage: { prompt_tokens: 9, completion_tokens: 40, total_tokens: 49,
    prompt_tokens_details: { cached_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 32 } } }) },
  // What stops an answer for content, as the provider says it (the whole answer's, the stream's).
  contentFilter: [{ finish: 'content_filter' }, { finish: 'content_filter' }],
  schemaSent: (rec) => rec.json.response_format?.type === 'json_schema',
};

const PROVIDERS = {
  openai: {
    plugin: 'provider-openai',
    start: () => startOpenAIMock({ apiKey: UPSTREAM_KEY }),
    params: (m) => ({ model: 'openai/gpt-4o-mini', api_base: `${m.url}/v1`, api_key: UPSTREAM_KEY }),
    embed: (m) => ({ model: 'openai/text-embedding-3-small', api_base: `${m.url}/v1`, api_key: UPSTREAM_KEY }),
    ...OPENAI_MOCK_ANSWERS,
  },
  anthropic: {
    plugin: 'provider-anthropic',
    start: () => startAnthropicMock({ apiKey: ANTHROPIC_UPSTREAM_KEY, minCacheableTokens: 64 }),
    params: (m) => ({ model: 'anthropic/claude-sonnet-4-5', api_base: m.url, api_key: ANTHROPIC_UPSTREAM_KEY }),
    error: (status, headers = {}) => plainError(status, headers),
    overload: 529,
    cached: { system: true },
    countTokens: true,  // /v1/messages/count_tokens on passthrough
    reasoning: null,  // Anthropic counts thinking inside output_tokens: no separate figure
    contentFilter: [{ stopReason: 'refusal' }, { stopReason: 'refusal' }],
    schemaSent: (rec) => Boolean(rec.json.output_config?.format?.type === 'json_schema' ||
      rec.json.tool_choice?.type === 'tool'),
  },
  gemini: {
    plugin: 'provider-gemini',
    start: () => startGeminiMock({ apiKey: KEYS.gemini, minCacheTokens: 64 }),
    params: (m) => ({ model: 'gemini/gemini-2.5-flash', api_base: m.url, api_key: KEYS.gemini }),
    embed: (m) => ({ model: 'gemini/gemini-embedding-001', api_base: m.url, api_key: KEYS.gemini }),
    error: plainError,
    overload: 503,
    cached: { repeat: true },
    countTokens: true,  // models/{m}:countTokens
    reasoning: { body: { reasoning_effort: 'low' } },
    contentFilter: [{ finishReason: 'SAFETY' }, { finishReason: 'RECITATION' }],
    schemaSent: (rec) => Boolean(rec.json.generationConfig?.responseSchema),
  },
  mistral: {
    plugin: 'provider-mistral',
    start: () => startMistralMock({ apiKey: KEYS.mistral }),
    params: (m) => ({ model: 'mistral/mistral-small-latest', api_base: m.url, api_key: KEYS.mistral }),
    embed: (m) => ({ model: 'mistral/mistral-embed', api_base: m.url, api_key: KEYS.mistral }),
    error: plainError,
    overload: 503,
    // Mistral caches prefixes of requests sharing a prompt_cache_key (forwarded as given); the
    // Anthropic dialect has no such field, so only OpenAI clients can ask for it.
    cached: { repeat: true, body: { prompt_cache_key: 'matrix-session' }, openaiOnly: true },
    reasoning: null,
    schemaSent: (rec) => rec.json.response_format?.type === 'json_schema',
  },
  ollama: {
    plugin: 'provider-ollama',
    start: () => startOllamaMock({ models: ['llama3.2', 'nomic-embed-text'] }),
    params: (m) => ({ model: 'ollama_chat/llama3.2', api_base: m.url }),
    embed: (m) => ({ model: 'ollama/nomic-embed-text', api_base: m.url }),
    error: plainError,
    overload: 503,
    cached: null,
    reasoning: null,
    schemaSent: (rec) => typeof rec.json.format === 'object',
  },
  cohere: {
    plugin: 'provider-cohere',
    start: () => startCohereMock({ apiKey: KEYS.cohere, minCacheTokens: 64 }),
    params: (m) => ({ model: 'cohere/command-a-03-2025', api_base: m.url, api_key: KEYS.cohere }),
    embed: (m) => ({ model: 'cohere/embed-v4.0', api_base: m.url, api_key: KEYS.cohere }),
    error: plainError,
    overload: 503,
    cached: { repeat: true },  // Cohere's own prefix cache: usage.cached_tokens
    reasoning: null,
    schemaSent: (rec) => Boolean(rec.json.response_format?.json_schema),
  },
  vertex_ai: {
    plugin: 'provider-gemini',
    // The Gemini mock on Vertex paths, accepting only tokens the mock token endpoint issued for
    // an RS256 JWT of the service account's key (the core's credential exchange, ABI 1.1).
    start: () => startOnVertex((vertex) => startGeminiMock({ minCacheTokens: 64, vertex })),
    params: (m) => ({ model: 'vertex_ai/gemini-2.5-flash', api_base: m.url, vertex_project: 'matrix-project',
      vertex_location: 'us-central1', vertex_credentials: m.credentials }),
    embed: (m) => ({ model: 'vertex_ai/text-embedding-005', api_base: m.url, vertex_project: 'matrix-project',
      vertex_location: 'us-central1', vertex_credentials: m.credentials }),
    // gemini-embedding-001 on Vertex takes one instance per :predict request.
    embedOne: (m) => ({ model: 'vertex_ai/gemini-embedding-001', api_base: m.url, vertex_project: 'matrix-project',
      vertex_location: 'us-central1', vertex_credentials: m.credentials }),
    error: plainError,
    overload: 503,
    cached: { repeat: true },
    countTokens: true,  // …/publishers/google/models/{m}:countTokens
    reasoning: { body: { reasoning_effort: 'low' } },
    contentFilter: [{ finishReason: 'SAFETY' }, { finishReason: 'RECITATION' }],
    schemaSent: (rec) => Boolean(rec.json.generationConfig?.responseSchema),
  },
  // Vertex AI's Anthropic publisher (vertex_ai/claude-…): the Messages API at :rawPredict /
  // :streamRawPredict with the same OAuth token; the mock refuses a body naming the model or
  // lacking anthropic_version "vertex-2023-10-16".
  vertex_claude: {
    plugin: 'provider-gemini',
    start: () => startOnVertex((vertex) => startAnthropicMock({ minCacheableTokens: 64, vertex })),
    params: (m) => ({ model: 'vertex_ai/claude-sonnet-4-5@20250929', api_base: m.url, vertex_project: 'matrix-project',
      vertex_location: 'us-central1', vertex_credentials: m.credentials }),
    error: plainError,
    overload: 529,
    cached: { system: true },
    countTokens: true,  // Vertex's count-tokens:rawPredict
    reasoning: null,  // as on Anthropic's own API
    contentFilter: [{ stopReason: 'refusal' }, { stopReason: 'refusal' }],
    schemaSent: (rec) => Boolean(rec.json.output_config?.format?.type === 'json_schema' ||
      rec.json.tool_choice?.type === 'tool'),
  },
  // Vertex AI's OpenAI-compatible endpoint for the open models it serves as APIs (Llama, …):
  // the OpenAI mock on Vertex's endpoints/openapi/chat/completions path behind the same OAuth.
  vertex_open: {
    plugin: 'provider-gemini',
    start: () => startOnVertex((vertex) => startOpenAIMock({ vertex })),
    params: (m) => ({ model: 'vertex_ai/meta/llama-3.3-70b-instruct-maas', api_base: m.url, vertex_project: 'matrix-project',
      vertex_location: 'us-central1', vertex_credentials: m.credentials }),
    ...OPENAI_MOCK_ANSWERS,
  },
  // Vertex AI's Mistral publisher (vertex_ai/mistral-…): Mistral's own body at :rawPredict /
  // :streamRawPredict with the same OAuth token; the Mistral mock as that publisher (Mistral's
  // refusals, and the body's model and stream flag held to the URL).
  vertex_mistral: {
    plugin: 'provider-gemini',
    start: () => startOnVertex((vertex) => startMistralMock({ vertex })),
    params: (m) => ({ model: 'vertex_ai/mistral-small-2503@001', api_base: m.url, vertex_project: 'matrix-project',
      vertex_location: 'us-central1', vertex_credentials: m.credentials }),
    error: plainError,
    overload: 503,
    cached: { repeat: true, body: { prompt_cache_key: 'matrix-session' }, openaiOnly: true },
    reasoning: null,
    schemaSent: (rec) => rec.json.response_format?.type === 'json_schema',
  },
  bedrock: {
    plugin: 'provider-bedrock',
    start: () => startBedrockMock({ region: 'us-east-1', credentials: { [AWS.id]: { secretAccessKey: AWS.secret } } }),
    params: (m) => ({ model: 'bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0', api_base: m.url, aws_region_name: 'us-east-1',
      aws_access_key_id: AWS.id, aws_secret_access_key: AWS.secret }),
    // Cohere's embed models on Bedrock take a batch (Titan takes one text per call: refused with a 400).
    embed: (m) => ({ model: 'bedrock/cohere.embed-english-v3', api_base: m.url, aws_region_name: 'us-east-1',
      aws_access_key_id: AWS.id, aws_secret_access_key: AWS.secret }),
    embedOne: (m) => ({ model: 'bedrock/amazon.titan-embed-text-v2:0', api_base: m.url, aws_region_name: 'us-east-1',
      aws_access_key_id: AWS.id, aws_secret_access_key: AWS.secret }),
    error: (status, headers = {}) => ({ ...plainError(status, headers), errorType: {
      400: 'ValidationException', 401: 'UnrecognizedClientException', 403: 'AccessDeniedException', 429: 'ThrottlingException',
      500: 'InternalServerException', 503: 'ServiceUnavailableException' }[status], message: `mock ${status}` }),
    overload: 503,
    cached: { system: true },
    reasoning: null,  // Converse reports no separate reasoning token count
    contentFilter: [{ stopReason: 'guardrail_intervened' }, { stopReason: 'content_filtered' }],
    jsonObject: false,  // Converse's outputConfig takes a schema only
    schemaSent: (rec) => Boolean(rec.json.outputConfig?.textFormat?.structure?.jsonSchema),
  },
};

// ---------------------------------------------------------------------------------------------
// The matrix

const NA = Symbol('n/a');
const results = new Map();  // feature → provider → 'pass' | 'FAIL' | 'n/a'
const features = [];

function record(feature, provider, outcome) {
  if (!results.has(feature)) { results.set(feature, new Map()); features.push(feature); }
  results.get(feature).set(provider, outcome);
}

function printMatrix() {
  const names = Object.keys(PROVIDERS);
  const w0 = Math.max(...features.map((f) => f.length), 7);
  const w = Math.max(...names.map((n) => n.length), 4);
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(w0) : c.padEnd(w))).join(' | ');
  const out = [line(['feature', ...names]), line(['-'.repeat(w0), ...names.map(() => '-'.repeat(w))])];
  for (const f of features) out.push(line([f, ...names.map((n) => results.get(f).get(n) ?? '?')]));
  let pass = 0; let fail = 0; let na = 0;
  for (const row of results.values()) for (const v of row.values()) { if (v === 'pass') pass++; else if (v === 'FAIL') fail++; else na++; }
  out.push('', `conformance matrix: ${pass} pass, ${fail} fail, ${na} n/a`);
  process.stdout.write(`\n${out.join('\n')}\n`);
}

let gw;
const mocks = {};

before(async () => {
  const deployments = [];
  for (const [name, p] of Object.entries(PROVIDERS)) {
    mocks[name] = await p.start();
    deployments.push({ model_name: name, litellm_params: { ...p.params(mocks[name]), timeout: 5 } });
    if (p.embed) deployments.push({ model_name: `${name}-embed`, litellm_params: { ...p.embed(mocks[name]), timeout: 5 } });
    if (p.embedOne) deployments.push({ model_name: `${name}-embed-one`, litellm_params: { ...p.embedOne(mocks[name]), timeout: 5 } });
  }
  gw = await startGateway({ config: gatewayConfig({ deployments, load: [...new Set(Object.values(PROVIDERS).map((p) => p.plugin))],
    router: { ...RELAY_AS_IS, stream_timeout: 3 } }) });
});
after(async () => {
  printMatrix();
  await gw?.stop();
  await Promise.all(Object.values(mocks).map((m) => m?.close()));
});

// ---------------------------------------------------------------------------------------------
// Clients

const chat = (model, body) => postJSON(`${gw.url}/v1/chat/completions`, { model, ...body }, { signal: AbortSignal.timeout(20_000) });
const chatStream = (model, body) => postStream(`${gw.url}/v1/chat/completions`, { model, stream: true, ...body });
const ANTHROPIC_HEADERS = { 'anthropic-version': '2023-06-01' };
const messages = (model, body) => postJSON(`${gw.url}/v1/messages`, { model, max_tokens: 256, ...body },
  { headers: ANTHROPIC_HEADERS, signal: AbortSignal.timeout(20_000) });
const messagesStream = (model, body) => postStream(`${gw.url}/v1/messages`, { model, max_tokens: 256, stream: true, ...body },
  { headers: ANTHROPIC_HEADERS });

const ok = (res) => assert.equal(res.status, 200, `${res.status}: ${res.text?.slice(0, 400)}`);
const lastRequest = (name) => mocks[name].requests.at(-1);

/** What an OpenAI client assembles from a chat stream (and checks of the chunk sequence). */
function assembleChat(s) {
  assert.equal(s.status, 200, `${s.status}: ${s.text?.slice(0, 400)}`);
  const out = { content: '', finish: null, calls: [], usage: null, done: s.data.at(-1) === '[DONE]' };
  for (const e of s.events) {
    const c = e.json;
    if (!c || c.object !== 'chat.completion.chunk') continue;
    if (c.usage) out.usage = c.usage;
    const ch = c.choices[0];
    if (!ch) continue;
    assert.ok(out.finish === null || (!ch.delta.content && !ch.delta.tool_calls), 'content after finish_reason');
    out.content += ch.delta.content ?? '';
    for (const t of ch.delta.tool_calls ?? []) {
      out.calls[t.index] ??= { id: '', name: '', arguments: '' };
      if (t.id) out.calls[t.index].id = t.id;
      if (t.function?.name) out.calls[t.index].name += t.function.name;
      out.calls[t.index].arguments += t.function?.arguments ?? '';
    }
    if (ch.finish_reason) out.finish = ch.finish_reason;
  }
  return out;
}

/** What an Anthropic client assembles from a messages stream (and checks of the event order). */
function assembleMessages(s) {
  assert.equal(s.status, 200, `${s.status}: ${s.text?.slice(0, 400)}`);
  const names = s.events.map(sseEventName);
  assert.equal(names[0], 'message_start', names.join(','));
  assert.equal(names.at(-1), 'message_stop', names.join(','));
  const blocks = [];
  let stop = null;
  let usage = null;
  for (const e of s.events) {
    const j = e.json;
    if (!j) continue;
    if (j.type === 'content_block_start') blocks[j.index] = { ...j.content_block, text: j.content_block.text ?? '', json: '' };
    if (j.type === 'content_block_delta') {
      if (j.delta.type === 'text_delta') blocks[j.index].text += j.delta.text;
      if (j.delta.type === 'input_json_delta') blocks[j.index].json += j.delta.partial_json;
    }
    if (j.type === 'message_delta') { stop = j.delta.stop_reason; usage = j.usage; }
  }
  return { blocks, stop, usage };
}

/** A feature the provider does not offer: a 400 naming the feature and the provider, never a silent drop. */
function refused(res, provider, feature) {
  assert.equal(res.status, 400, res.text);
  const e = errorOf(res);
  assert.ok(e.message.includes(feature) && e.message.toLowerCase().includes(provider), `the refusal names neither: ${e.message}`);
  assert.equal(mocks[provider].requests.length, 0, 'the request still went upstream');
  return NA;
}

const cities = (args) => args.map((a) => JSON.parse(a).location);
const CITIES = ['Paris', 'London'];

// ---------------------------------------------------------------------------------------------
// Features: each is (provider name, adapter) → undefined (pass) or NA (not offered); throws on a fail.

const FEATURES = [
  ['openai: text', async (n) => {
    const res = await chat(n, { messages: [{ role: 'system', content: 'Be brief.' }, USER_HELLO], temperature: 0.2 });
    ok(res);
    assert.equal(res.json.object, 'chat.completion');
    assert.equal(res.json.choices[0].message.role, 'assistant');
    assert.ok(res.json.choices[0].message.content.length > 0);
    assert.equal(res.json.choices[0].finish_reason, 'stop');
    assert.ok(res.json.usage.prompt_tokens > 0 && res.json.usage.completion_tokens > 0, JSON.stringify(res.json.usage));
  }],
  ['openai: stream', async (n) => {
    const a = assembleChat(await chatStream(n, { messages: [USER_HELLO], stream_options: { include_usage: true } }));
    assert.ok(a.content.length > 0);
    assert.equal(a.finish, 'stop');
    assert.ok(a.usage?.prompt_tokens > 0 && a.usage.completion_tokens > 0, JSON.stringify(a.usage));
    assert.ok(a.done, 'no [DONE]');
  }],
  ['openai: tools + results round trip', async (n, p) => {
    const ask = [{ role: 'user', content: WEATHER_Q }];
    const res = await chat(n, { messages: ask, tools: [WEATHER_TOOL] });
    ok(res);
    const msg = res.json.choices[0].message;
    assert.equal(res.json.choices[0].finish_reason, 'tool_calls');
    assert.deepEqual(cities(msg.tool_calls.map((t) => t.function.arguments)), p.cities ?? CITIES);
    assert.ok(msg.tool_calls.every((t) => t.id && t.type === 'function' && t.function.name === 'get_weather'));
    const follow = await chat(n, { tools: [WEATHER_TOOL], messages: [...ask, msg,
      { role: 'tool', tool_call_id: msg.tool_calls[0].id, content: 'sunny' },
      { role: 'tool', tool_call_id: msg.tool_calls[1].id, content: 'rain' }] });
    ok(follow);
    assert.ok(follow.json.choices[0].message.content.length > 0);
    assert.equal(follow.json.choices[0].finish_reason, 'stop');
  }],
  ['openai: parallel tool calls in a stream', async (n, p) => {
    const a = assembleChat(await chatStream(n, { messages: [{ role: 'user', content: WEATHER_Q }], tools: [WEATHER_TOOL] }));
    assert.equal(a.finish, 'tool_calls');
    assert.equal(a.calls.length, 2, JSON.stringify(a.calls));
    assert.deepEqual(cities(a.calls.map((c) => c.arguments)), p.cities ?? CITIES);
    assert.ok(a.calls.every((c) => c.id && c.name === 'get_weather'), JSON.stringify(a.calls));
    assert.notEqual(a.calls[0].id, a.calls[1].id);
  }],
  ['openai: structured output json_schema', async (n, p) => {
    const res = await chat(n, { messages: [{ role: 'user', content: 'Which city, and how many people?' }],
      response_format: { type: 'json_schema', json_schema: { name: 'city', strict: true, schema: CITY_SCHEMA } } });
    ok(res);
    const parsed = JSON.parse(res.json.choices[0].message.content);
    assert.equal(typeof parsed, 'object');
    assert.equal(res.json.choices[0].finish_reason, 'stop');
    assert.ok(!res.json.choices[0].message.tool_calls?.length, 'the answer came back as a tool call');
    assert.ok(p.schemaSent(lastRequest(n)), `the schema did not reach the upstream natively: ${JSON.stringify(lastRequest(n).json).slice(0, 600)}`);
  }],
  ['openai: structured output json_object', async (n, p) => {
    const res = await chat(n, { messages: [{ role: 'user', content: 'Answer as a JSON object.' }], response_format: { type: 'json_object' } });
    if (p.jsonObject === false) return refused(res, n, 'json_object');
    ok(res);
    assert.equal(typeof JSON.parse(res.json.choices[0].message.content), 'object');
  }],
  ['openai: image input', async (n) => {
    const res = await chat(n, { messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this image?' },
      { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_B64}` } }] }] });
    ok(res);
    assert.ok(lastRequest(n).body.toString('utf8').includes(PNG_B64), 'the image did not reach the upstream');
  }],
  ['openai: usage cached tokens', async (n, p) => {
    if (!p.cached) return NA;
    const body = { messages: [p.cached.system
      ? { role: 'system', content: [{ type: 'text', text: LONG_SYSTEM, cache_control: { type: 'ephemeral' } }] }
      : { role: 'system', content: LONG_SYSTEM }, USER_HELLO], ...(p.cached.body ?? {}) };
    if (p.cached.arm) p.cached.arm(mocks[n]); else ok(await chat(n, body));
    const res = await chat(n, body);
    ok(res);
    const u = res.json.usage;
    assert.ok(u.prompt_tokens_details?.cached_tokens > 0, JSON.stringify(u));
    assert.ok(u.prompt_tokens >= u.prompt_tokens_details.cached_tokens, JSON.stringify(u));
  }],
  ['openai: usage reasoning tokens', async (n, p) => {
    if (!p.reasoning) return NA;
    p.reasoning.arm?.(mocks[n]);
    const res = await chat(n, { messages: [USER_HELLO], ...(p.reasoning.body ?? {}) });
    ok(res);
    const u = res.json.usage;
    assert.ok(u.completion_tokens_details?.reasoning_tokens > 0, JSON.stringify(u));
    assert.ok(u.completion_tokens >= u.completion_tokens_details.reasoning_tokens, JSON.stringify(u));
  }],
  ['openai: finish length', async (n) => {
    const res = await chat(n, { messages: [USER_HELLO], max_tokens: 2 });
    ok(res);
    assert.equal(res.json.choices[0].finish_reason, 'length');
  }],
  ['openai: finish content_filter', async (n, p) => {
    if (!p.contentFilter) return NA;  // the provider reports no such stop
    mocks[n].enqueue(p.contentFilter[0]);
    const res = await chat(n, { messages: [USER_HELLO] });
    ok(res);
    assert.equal(res.json.choices[0].finish_reason, 'content_filter');
  }],
  ['openai: stream finish content_filter', async (n, p) => {
    if (!p.contentFilter) return NA;
    mocks[n].enqueue(p.contentFilter[1]);
    const a = assembleChat(await chatStream(n, { messages: [USER_HELLO] }));
    assert.equal(a.finish, 'content_filter');
    assert.ok(a.done, 'no [DONE]');
  }],
  ['anthropic: text', async (n) => {
    const res = await messages(n, { system: 'Be brief.', messages: [{ role: 'user', content: 'Say hello.' }] });
    ok(res);
    assert.equal(res.json.type, 'message');
    assert.equal(res.json.content[0].type, 'text');
    assert.ok(res.json.content[0].text.length > 0);
    assert.equal(res.json.stop_reason, 'end_turn');
    assert.ok(res.json.usage.input_tokens > 0 && res.json.usage.output_tokens > 0, JSON.stringify(res.json.usage));
  }],
  ['anthropic: stream', async (n) => {
    const a = assembleMessages(await messagesStream(n, { messages: [{ role: 'user', content: 'Say hello.' }] }));
    assert.equal(a.blocks.length, 1);
    assert.ok(a.blocks[0].text.length > 0);
    assert.equal(a.stop, 'end_turn');
    assert.ok(a.usage?.output_tokens > 0, JSON.stringify(a.usage));
  }],
  ['anthropic: tools + results round trip', async (n, p) => {
    const tool = { name: 'get_weather', description: WEATHER_TOOL.function.description, input_schema: WEATHER_TOOL.function.parameters };
    const ask = [{ role: 'user', content: WEATHER_Q }];
    const res = await messages(n, { messages: ask, tools: [tool] });
    ok(res);
    assert.equal(res.json.stop_reason, 'tool_use');
    const uses = res.json.content.filter((b) => b.type === 'tool_use');
    assert.deepEqual(uses.map((u) => u.input.location), p.cities ?? CITIES);
    const follow = await messages(n, { tools: [tool], messages: [...ask, { role: 'assistant', content: res.json.content },
      { role: 'user', content: uses.map((u, i) => ({ type: 'tool_result', tool_use_id: u.id, content: i ? 'rain' : 'sunny' })) }] });
    ok(follow);
    assert.equal(follow.json.stop_reason, 'end_turn');
  }],
  ['anthropic: parallel tool calls in a stream', async (n, p) => {
    const tool = { name: 'get_weather', description: WEATHER_TOOL.function.description, input_schema: WEATHER_TOOL.function.parameters };
    const a = assembleMessages(await messagesStream(n, { messages: [{ role: 'user', content: WEATHER_Q }], tools: [tool] }));
    const uses = a.blocks.filter((b) => b.type === 'tool_use');
    assert.equal(uses.length, 2, JSON.stringify(a.blocks));
    assert.deepEqual(uses.map((u) => JSON.parse(u.json).location), p.cities ?? CITIES);
    assert.equal(a.stop, 'tool_use');
  }],
  ['anthropic: image input', async (n) => {
    const res = await messages(n, { messages: [{ role: 'user', content: [
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG_B64 } }, { type: 'text', text: 'What is this?' }] }] });
    ok(res);
    assert.ok(lastRequest(n).body.toString('utf8').includes(PNG_B64), 'the image did not reach the upstream');
  }],
  ['anthropic: usage cached tokens', async (n, p) => {
    if (!p.cached || p.cached.openaiOnly) return NA;
    const body = { system: p.cached.system ? [{ type: 'text', text: LONG_SYSTEM, cache_control: { type: 'ephemeral' } }] : LONG_SYSTEM,
      messages: [{ role: 'user', content: 'Say hello.' }] };
    if (p.cached.arm) p.cached.arm(mocks[n]); else ok(await messages(n, body));
    const res = await messages(n, body);
    ok(res);
    assert.ok(res.json.usage.cache_read_input_tokens > 0, JSON.stringify(res.json.usage));
  }],
  ['anthropic: finish max_tokens', async (n) => {
    const res = await messages(n, { max_tokens: 2, messages: [{ role: 'user', content: 'Say hello.' }] });
    ok(res);
    assert.equal(res.json.stop_reason, 'max_tokens');
  }],
  ['anthropic: stop refusal', async (n, p) => {
    if (!p.contentFilter) return NA;
    mocks[n].enqueue(p.contentFilter[0]);
    const res = await messages(n, { messages: [{ role: 'user', content: 'Say hello.' }] });
    ok(res);
    assert.equal(res.json.stop_reason, 'refusal');
    mocks[n].enqueue(p.contentFilter[1]);
    const a = assembleMessages(await messagesStream(n, { messages: [{ role: 'user', content: 'Say hello.' }] }));
    assert.equal(a.stop, 'refusal');
  }],
  // /v1/messages/count_tokens: counted by the upstream where it offers a counter the gateway
  // reaches (else the gateway's own estimate, and no upstream call: n/a).
  ['anthropic: count_tokens', async (n, p) => {
    const body = { model: n, system: LONG_SYSTEM, messages: [{ role: 'user', content: 'Say hello.' }] };
    const res = await postJSON(`${gw.url}/v1/messages/count_tokens`, body, { headers: ANTHROPIC_HEADERS, signal: AbortSignal.timeout(20_000) });
    ok(res);
    assert.ok(Number.isInteger(res.json.input_tokens) && res.json.input_tokens > 0, res.text);
    if (!p.countTokens) {
      assert.equal(mocks[n].requests.length, 0, 'an estimate went upstream');
      return NA;
    }
    assert.equal(mocks[n].requests.length, 1);
    assert.equal(res.json.input_tokens, lastRequest(n).usage.total, 'not the upstream count');
  }],
  ['embeddings', async (n, p) => {
    if (!p.embed) return NA;
    const res = await postJSON(`${gw.url}/v1/embeddings`, { model: `${n}-embed`, input: ['alpha', 'beta'] },
      { signal: AbortSignal.timeout(20_000) });
    ok(res);
    assert.equal(res.json.object, 'list');
    assert.deepEqual(res.json.data.map((d) => d.index), [0, 1]);
    assert.ok(res.json.data.every((d) => Array.isArray(d.embedding) && d.embedding.length > 0));
    assert.equal(res.json.usage.total_tokens, res.json.usage.prompt_tokens);
  }],
  ['embeddings: base64', async (n, p) => {
    if (!p.embed) return NA;
    const res = await postJSON(`${gw.url}/v1/embeddings`, { model: `${n}-embed`, input: 'alpha', encoding_format: 'base64' },
      { signal: AbortSignal.timeout(20_000) });
    ok(res);
    assert.equal(typeof res.json.data[0].embedding, 'string');
    assert.ok(Buffer.from(res.json.data[0].embedding, 'base64').length % 4 === 0);
  }],
  // A model the provider limits to one input per request (Vertex gemini-embedding-001, Bedrock
  // Titan): a list is refused before it goes upstream, naming the limit and the provider, never
  // cut short; one input goes through.
  ['embeddings: one-input model given a list', async (n, p) => {
    if (!p.embedOne) return NA;
    const one = await postJSON(`${gw.url}/v1/embeddings`, { model: `${n}-embed-one`, input: ['alpha'] },
      { signal: AbortSignal.timeout(20_000) });
    ok(one);
    assert.equal(one.json.data.length, 1);
    mocks[n].reset();
    const res = await postJSON(`${gw.url}/v1/embeddings`, { model: `${n}-embed-one`, input: ['alpha', 'beta'] },
      { signal: AbortSignal.timeout(20_000) });
    assert.equal(errorOf(res).code, 'unsupported_feature', res.text);
    refused(res, n, 'one input per request');  // a pass here: the limit is what the row checks
  }],
];

/** Upstream failures: the status the client gets, in its own error shape. */
const ERRORS = [
  ['error: upstream 400', 400, 400],
  ['error: upstream 401', 401, 401],
  ['error: upstream 429 + Retry-After', 429, 429],
  ['error: upstream 500', 500, 500],
  ['error: upstream 503 / 529', 'overload', null],
];

for (const [feature, status, want] of ERRORS) {
  FEATURES.push([`openai ${feature}`, async (n, p) => {
    const upstream = status === 'overload' ? p.overload : status;
    mocks[n].enqueue(p.error(upstream, upstream === 429 ? { 'retry-after': '7' } : {}));
    const res = await chat(n, { messages: [USER_HELLO] });
    assert.equal(res.status, want ?? upstream, res.text);
    errorOf(res);
    if (upstream === 429) assert.equal(res.headers.get('retry-after'), '7', 'Retry-After was not relayed');
  }]);
  FEATURES.push([`anthropic ${feature}`, async (n, p) => {
    const upstream = status === 'overload' ? p.overload : status;
    mocks[n].enqueue(p.error(upstream, upstream === 429 ? { 'retry-after': '7' } : {}));
    const res = await messages(n, { messages: [{ role: 'user', content: 'Say hello.' }] });
    assert.equal(res.status, want ?? upstream, res.text);
    anthropicErrorOf(res);
    if (upstream === 429) assert.equal(res.headers.get('retry-after'), '7', 'Retry-After was not relayed');
  }]);
}
FEATURES.push(['openai error: malformed upstream body', async (n) => {
  mocks[n].enqueue({ status: 200, body: '{"id": "x", "choices": [ {"message": ', times: 5 });
  const res = await chat(n, { messages: [USER_HELLO] });
  assert.equal(res.status, 502, res.text);
  errorOf(res);
}]);
FEATURES.push(['anthropic error: malformed upstream body', async (n) => {
  mocks[n].enqueue({ status: 200, body: '{"id": "x", "choices": [ {"message": ', times: 5 });
  const res = await messages(n, { messages: [{ role: 'user', content: 'Say hello.' }] });
  assert.equal(res.status, 502, res.text);
  assert.equal(anthropicErrorOf(res).type, 'api_error', res.text);
}]);
FEATURES.push(['openai error: reset mid-stream', async (n) => {
  mocks[n].enqueue({ resetMidStream: true, streamDelayMs: 20 });
  const t0 = performance.now();
  const s = await chatStream(n, { messages: [USER_HELLO] });
  assert.ok(performance.now() - t0 < 5000, 'the client stream did not end after the reset');
  assert.equal(s.status, 200, s.text);
  assert.ok(!s.data.includes('[DONE]'), 'a cut stream was reported complete');
  const chunks = s.events.filter((e) => e.json?.object === 'chat.completion.chunk');
  assert.ok(!chunks.some((c) => c.json.choices[0]?.finish_reason), 'a cut stream got a finish_reason');
}]);
FEATURES.push(['anthropic error: reset mid-stream', async (n) => {
  mocks[n].enqueue({ resetMidStream: true, streamDelayMs: 20 });
  const s = await messagesStream(n, { messages: [{ role: 'user', content: 'Say hello.' }] });
  assert.equal(s.status, 200, s.text);
  const names = s.events.map(sseEventName);
  assert.ok(!names.includes('message_stop'), `a cut stream was reported complete: ${names.join(',')}`);
  assert.ok(names.includes('error'), `no error event: ${names.join(',')}`);
}]);

for (const [name, p] of Object.entries(PROVIDERS)) {
  describe(name, () => {
    for (const [feature, run] of FEATURES) {
      test(feature, async () => {
        mocks[name].reset();
        try {
          const outcome = await run(name, p);
          record(feature, name, outcome === NA ? 'n/a' : 'pass');
        } catch (e) {
          record(feature, name, 'FAIL');
          throw e;
        } finally {
          mocks[name].reset();
        }
      });
    }
  });
}
