// Self-test of the mock Gemini upstream: it must reject what Gemini rejects, speak its wire format,
// and honour the test behaviours, or the gateway tests built on it prove nothing.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { postJSON, readSSE } from '../integration/lib/gateway.mjs';
import { MOCK_TEXT, startGeminiMock, THOUGHT_SIGNATURE, THOUGHT_TEXT } from './gemini-mock.mjs';
import { withStandalone } from './lib/self-test.mjs';

const KEY = 'AIzaMockSelfTestKey';
const HELLO = { contents: [{ role: 'user', parts: [{ text: 'hi' }] }] };
const WEATHER = { functionDeclarations: [{ name: 'get_weather', description: 'Weather',
  parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] } }] };
let mock;
let base;

before(async () => {
  mock = await startGeminiMock({ apiKey: KEY, minCacheTokens: 50 });
  base = `${mock.url}/v1beta/models/gemini-2.5-flash`;
});
after(() => mock.close());
beforeEach(() => mock.reset({ cache: true }));

const generate = (body, headers = { 'x-goog-api-key': KEY }) => postJSON(`${base}:generateContent`, body, { headers });

async function expectError(body, status, googleStatus, message, headers) {
  const res = await generate(body, headers);
  assert.equal(res.status, status, res.text);
  assert.deepEqual(Object.keys(res.json), ['error']);
  assert.equal(res.json.error.code, status);
  assert.equal(res.json.error.status, googleStatus);
  if (message) assert.match(res.json.error.message, message);
  return res.json.error;
}

describe('authentication (Google answers a missing key 403, a wrong one 400 API_KEY_INVALID)', () => {
  test('missing key', () => expectError(HELLO, 403, 'PERMISSION_DENIED', /unregistered callers/, {}));
  test('wrong key', async () => {
    const e = await expectError(HELLO, 400, 'INVALID_ARGUMENT', /API key not valid/, { 'x-goog-api-key': 'AIzaWrong' });
    assert.equal(e.details[0].reason, 'API_KEY_INVALID');
  });
  test('?key= works too', async () => {
    assert.equal((await postJSON(`${base}:generateContent?key=${KEY}`, HELLO)).status, 200);
  });
});

describe('request validation', () => {
  test('not JSON', () => expectError('{"contents": ', 400, 'INVALID_ARGUMENT', /Invalid JSON payload/));
  test('unknown top-level field', () => expectError({ ...HELLO, messages: [] }, 400, 'INVALID_ARGUMENT', /Unknown name "messages"/));
  test('unknown generationConfig field', () =>
    expectError({ ...HELLO, generationConfig: { max_tokens: 5 } }, 400, 'INVALID_ARGUMENT', /Unknown name "max_tokens" at 'generation_config'/));
  test('missing contents', () => expectError({}, 400, 'INVALID_ARGUMENT', /contents is not specified/));
  test('wrong role', () => expectError({ contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }, 400, 'INVALID_ARGUMENT', /valid role: user, model/));
  test('empty part', () => expectError({ contents: [{ role: 'user', parts: [{}] }] }, 400, 'INVALID_ARGUMENT', /required oneof field 'data'/));
  test('unknown schema member', () => expectError({ ...HELLO, generationConfig: { responseMimeType: 'application/json',
    responseSchema: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false } } },
  400, 'INVALID_ARGUMENT', /Unknown name "additionalProperties"/));
  test('responseSchema without a JSON mime type', () => expectError({ ...HELLO, generationConfig: {
    responseSchema: { type: 'string' } } }, 400, 'INVALID_ARGUMENT', /response_mime_type must be set/));
  test('OBJECT with no properties', () => expectError({ ...HELLO, tools: [{ functionDeclarations: [{ name: 'f',
    parameters: { type: 'object', properties: {} } }] }] }, 400, 'INVALID_ARGUMENT', /non-empty for OBJECT/));
  test('temperature out of range', () => expectError({ ...HELLO, generationConfig: { temperature: 3 } }, 400, 'INVALID_ARGUMENT', /temperature/));
  test('function responses must answer every parallel call', () => expectError({ contents: [
    { role: 'user', parts: [{ text: 'weather?' }] },
    { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: {} } }, { functionCall: { name: 'get_weather', args: {} } }] },
    { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: {} } }] }], tools: [WEATHER] },
  400, 'INVALID_ARGUMENT', /number of function response parts is equal/));
  test('unknown route → 404 NOT_FOUND', async () => {
    const res = await postJSON(`${mock.url}/v1/chat/completions`, HELLO);
    assert.equal(res.status, 404);
    assert.equal(res.json.error.status, 'NOT_FOUND');
  });
});

describe('answers', () => {
  test('text with usage', async () => {
    const res = await generate(HELLO);
    assert.equal(res.status, 200);
    const c = res.json.candidates[0];
    assert.equal(c.content.role, 'model');
    assert.equal(c.content.parts[0].text, MOCK_TEXT);
    assert.equal(c.finishReason, 'STOP');
    assert.ok(res.json.usageMetadata.promptTokenCount > 0);
    assert.ok(res.json.responseId);
  });
  test('parallel function calls, the first with a thought signature', async () => {
    const res = await generate({ contents: [{ role: 'user', parts: [{ text: 'weather in Paris and London?' }] }], tools: [WEATHER] });
    const parts = res.json.candidates[0].content.parts;
    assert.deepEqual(parts.map((p) => p.functionCall.args.location), ['Paris', 'London']);
    assert.equal(parts[0].thoughtSignature, THOUGHT_SIGNATURE);
  });
  test('thoughts and structured output', async () => {
    const res = await generate({ ...HELLO, generationConfig: { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true },
      responseMimeType: 'application/json', responseSchema: { type: 'object', properties: { city: { type: 'string' } } } } });
    const parts = res.json.candidates[0].content.parts;
    assert.deepEqual(parts[0], { text: THOUGHT_TEXT, thought: true });
    assert.deepEqual(JSON.parse(parts[1].text), { city: 'Paris' });
    assert.ok(res.json.usageMetadata.thoughtsTokenCount > 0);
  });
  test('maxOutputTokens → MAX_TOKENS', async () => {
    const res = await generate({ ...HELLO, generationConfig: { maxOutputTokens: 2 } });
    assert.equal(res.json.candidates[0].finishReason, 'MAX_TOKENS');
  });
  test('implicit caching: a repeated long prefix is read from the cache', async () => {
    const body = { systemInstruction: { parts: [{ text: 'x'.repeat(400) }] }, ...HELLO };
    assert.equal((await generate(body)).json.usageMetadata.cachedContentTokenCount, undefined);
    assert.ok((await generate(body)).json.usageMetadata.cachedContentTokenCount > 50);
  });
  test('SSE stream with \\r\\n\\r\\n framing, finishReason and usage on the last event', async () => {
    const res = await fetch(`${base}:streamGenerateContent?alt=sse`, { method: 'POST',
      headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' }, body: JSON.stringify(HELLO) });
    assert.match(res.headers.get('content-type'), /^text\/event-stream/);
    const events = [];
    for await (const e of readSSE(res.body)) events.push(e);
    assert.ok(events.length >= 2);
    assert.match(events[0].raw, /\r\n\r\n$/);
    assert.equal(events.map((e) => e.json.candidates[0].content.parts[0].text).join(''), MOCK_TEXT);
    assert.equal(events.at(-1).json.candidates[0].finishReason, 'STOP');
    assert.ok(events.at(-1).json.usageMetadata.candidatesTokenCount > 0);
  });
  test('behaviours: status, streamError', async () => {
    mock.enqueue({ status: 429, headers: { 'retry-after': '1' } });
    const r = await generate(HELLO);
    assert.equal(r.status, 429);
    assert.equal(r.json.error.status, 'RESOURCE_EXHAUSTED');
    mock.enqueue({ streamError: {} });
    const res = await fetch(`${base}:streamGenerateContent?alt=sse`, { method: 'POST',
      headers: { 'x-goog-api-key': KEY, 'content-type': 'application/json' }, body: JSON.stringify(HELLO) });
    const events = [];
    for await (const e of readSSE(res.body)) events.push(e);
    assert.equal(events.at(-1).json.error.status, 'UNAVAILABLE');
  });
});

test('standalone: --port 0 prints its port and serves', async () => {
  await withStandalone(new URL('./gemini-mock.mjs', import.meta.url), ['--port', '0'], async (port) => {
    const res = await postJSON(`http://127.0.0.1:${port}/v1beta/models/m:generateContent`, HELLO);
    assert.equal(res.status, 200);
  });
});

describe('batchEmbedContents', () => {
  const url = () => `${mock.url}/v1beta/models/gemini-embedding-001:batchEmbedContents`;
  const req = (text, extra = {}) => ({ model: 'models/gemini-embedding-001', content: { parts: [{ text }] }, ...extra });
  const post = (body) => postJSON(url(), body, { headers: { 'x-goog-api-key': KEY } });
  test('one embedding per request, in order, outputDimensionality honoured', async () => {
    const r = await post({ requests: [req('a'), req('b', { outputDimensionality: 16 })] });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.embeddings.length, 2);
    assert.equal(r.json.embeddings[0].values.length, 3072);
    assert.equal(r.json.embeddings[1].values.length, 16);
  });
  test('rejects what Gemini rejects', async () => {
    const expect400 = async (body, re) => {
      const r = await post(body);
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.error.status, 'INVALID_ARGUMENT');
      assert.match(r.json.error.message, re);
    };
    await expect400({ requests: [req('a', { dimensions: 8 })] }, /Unknown name "dimensions"/);
    await expect400({ requests: [{ ...req('a'), model: 'models/other' }] }, /Model names must match/);
    await expect400({ requests: [req('a', { outputDimensionality: 5000 })] }, /output_dimensionality/);
    await expect400({ requests: Array.from({ length: 101 }, () => req('a')) }, /at most 100/);
    await expect400({ requests: [] }, /not specified/);
    const noKey = await postJSON(url(), { requests: [req('a')] });
    assert.equal(noKey.status, 403);
  });
});

describe('Vertex AI :predict (embeddings)', () => {
  const P = 'mock-proj';
  const L = 'us-central1';
  let vmock;
  before(async () => { vmock = await startGeminiMock({ vertex: { project: P, location: L, authorize: (h) => h === 'Bearer ok' } }); });
  after(() => vmock.close());
  const predict = (model, body, auth = 'Bearer ok') => postJSON(
    `${vmock.url}/v1/projects/${P}/locations/${L}/publishers/google/models/${model}:predict`, body, { headers: { authorization: auth } });

  test('instances → predictions with statistics.token_count, outputDimensionality honoured', async () => {
    const r = await predict('text-embedding-005', { instances: [{ content: 'hello world' }, { content: 'b' }], parameters: { outputDimensionality: 16 } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.predictions.length, 2);
    assert.equal(r.json.predictions[0].embeddings.values.length, 16);
    assert.equal(r.json.predictions[0].embeddings.statistics.token_count, 3);
    assert.equal(r.json.predictions[0].embeddings.statistics.truncated, false);
    assert.equal(typeof r.json.metadata.billableCharacterCount, 'number');
  });
  test('rejects what Vertex rejects', async () => {
    for (const [body, re, model] of [
      [{ instances: [] }, /non-empty/],
      [{ instances: [{ content: 'a' }], model: 'x' }, /Unknown name "model"/],
      [{ instances: [{ text: 'a' }] }, /Unknown name "text"/],
      [{ instances: [{ content: 7 }] }, /content must be a string/],
      [{ instances: [{ content: 'a' }], parameters: { outputDimensionality: 769 } }, /between 1 and 768/],
      [{ instances: [{ content: 'a' }], parameters: { dimensions: 8 } }, /Unknown name "dimensions"/],
      [{ instances: [{ content: 'a' }, { content: 'b' }] }, /up to 1 instances/, 'gemini-embedding-001'],
      [{ instances: Array.from({ length: 251 }, () => ({ content: 'a' })) }, /up to 250 instances/],
    ]) {
      const r = await predict(model ?? 'text-embedding-005', body);
      assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
      assert.equal(r.json.error.status, 'INVALID_ARGUMENT');
      assert.match(r.json.error.message, re);
    }
    const unauth = await predict('text-embedding-005', { instances: [{ content: 'a' }] }, 'Bearer expired');
    assert.equal(unauth.status, 401);
    assert.equal(unauth.json.error.status, 'UNAUTHENTICATED');
  });
});

describe(':countTokens', () => {
  const count = (body, headers = { 'x-goog-api-key': KEY }) => postJSON(`${base}:countTokens`, body, { headers });
  const SYSTEM = { parts: [{ text: 'Be brief.' }] };
  test('contents, or the whole request in generateContentRequest naming the model: totalTokens as generateContent counts the prompt', async () => {
    const whole = { model: 'models/gemini-2.5-flash', ...HELLO, systemInstruction: SYSTEM, tools: [WEATHER] };
    const r = await count({ generateContentRequest: whole });
    assert.equal(r.status, 200, r.text);
    const g = await generate({ ...HELLO, systemInstruction: SYSTEM, tools: [WEATHER] });
    assert.equal(r.json.totalTokens, g.json.usageMetadata.promptTokenCount);
    const bare = await count(HELLO);
    assert.equal(bare.status, 200, bare.text);
    assert.ok(bare.json.totalTokens < r.json.totalTokens);
  });
  test('rejects what Gemini rejects: both forms, another model, unknown members, no key', async () => {
    const gcr = { model: 'models/gemini-2.5-flash', ...HELLO };
    for (const body of [{ ...HELLO, generateContentRequest: gcr }, { generateContentRequest: { ...gcr, model: 'models/other' } },
      { generateContentRequest: { ...gcr, stream: true } }, { ...HELLO, systemInstruction: SYSTEM }, {}]) {
      const r = await count(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.json.error.status, 'INVALID_ARGUMENT');
    }
    assert.equal((await count(HELLO, {})).status, 403);
  });
  test('on Vertex: the prompt at the top level, totalBillableCharacters; a toolConfig is an unknown name', async () => {
    const TOKEN = 'ya29.count-self-test';
    const v = await startGeminiMock({ vertex: { project: 'p', location: 'us-central1', authorize: (h) => h === `Bearer ${TOKEN}` } });
    try {
      const url = `${v.url}/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-pro:countTokens`;
      const headers = { authorization: `Bearer ${TOKEN}` };
      let r = await postJSON(url, { ...HELLO, systemInstruction: SYSTEM, tools: [WEATHER] }, { headers });
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.totalTokens > 0 && r.json.totalBillableCharacters > 0);
      r = await postJSON(url, { ...HELLO, toolConfig: { functionCallingConfig: { mode: 'AUTO' } } }, { headers });
      assert.equal(r.status, 400);
      assert.match(r.json.error.message, /Unknown name "toolConfig"/);
      assert.equal((await postJSON(url, HELLO)).status, 401);
    } finally {
      await v.close();
    }
  });
});
