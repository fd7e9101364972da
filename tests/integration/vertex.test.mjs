// vertex_ai/ end to end: the gemini codec on Vertex URLs (vertex_project, vertex_location) with
// service-account credentials. The gateway's core makes the token exchange on the plugin's behalf
// (ABI 1.1 credential hooks), off the request path: the mock token endpoint verifies the RS256
// JWT with the test key's public half and issues short-lived tokens; the mock Vertex upstream
// accepts only a live one. Covers: the first exchange before serving, the Bearer token and URL
// on chat and stream calls, renewal before expiry (requests keep succeeding past the first
// token's lifetime), a key the token endpoint rejects (the client gets Vertex's 401),
// credentials given inline as JSON, embeddings at :predict (gemini-embedding-001: one input per
// request, a list refused with a 400), and the Anthropic partner models
// (vertex_ai/claude-…) at :rawPredict / :streamRawPredict with the same token, against the
// Anthropic mock as Vertex's publisher (it refuses a body naming the model or lacking
// anthropic_version "vertex-2023-10-16"), their count_tokens at count-tokens:rawPredict (the Gemini
// models' at their own :countTokens), and the
// open models (vertex_ai/meta/llama-…) on Vertex's OpenAI-compatible endpoint (the OpenAI mock
// behind the same token).
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { MOCK_TEXT as CLAUDE_TEXT, startAnthropicMock } from '../mocks/anthropic-mock.mjs';
import { MOCK_TEXT, startGeminiMock } from '../mocks/gemini-mock.mjs';
import { MOCK_TEXT as OPEN_TEXT, startOpenAIMock } from '../mocks/openai-mock.mjs';
import { startGoogleTokenMock } from '../mocks/google-token-mock.mjs';
import { postStream } from './lib/chaos.mjs';
import { errorOf, gatewayConfig, postJSON, RELAY_AS_IS, startGateway, USER_HELLO } from './lib/gateway.mjs';

const PROJECT = 'llmgw-test-project';
const LOCATION = 'europe-west4';
const MODEL = 'gemini-2.5-flash';
const EMBED_MODEL = 'text-embedding-005';
const CLAUDE_MODEL = 'claude-sonnet-4-5@20250929';
const OPEN_MODEL = 'meta/llama-3.3-70b-instruct-maas';
const EMAIL = 'gateway@llmgw-test-project.iam.gserviceaccount.com';
const LIFETIME_S = 3;  // short, so that the renewal is seen within the test

const pair = () => generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
const good = pair();
const stranger = pair();  // a key the token endpoint does not know
let dir;
let tokens;
let vertex;
let claude;  // the Anthropic mock as Vertex's Anthropic publisher
let open;    // the OpenAI mock as Vertex's OpenAI-compatible endpoint (open models)
let gw;

const serviceAccount = (privateKey) => ({ type: 'service_account', project_id: PROJECT, private_key_id: 'k1', private_key: privateKey,
  client_email: EMAIL, client_id: '1234567890', token_uri: tokens.tokenUri });

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-vertex-'));
  tokens = await startGoogleTokenMock({ publicKey: good.publicKey, clientEmail: EMAIL, lifetimeS: LIFETIME_S });
  vertex = await startGeminiMock({ vertex: { project: PROJECT, location: LOCATION, authorize: (h) => tokens.authorize(h) } });
  claude = await startAnthropicMock({ vertex: { project: PROJECT, location: LOCATION, authorize: (h) => tokens.authorize(h) } });
  open = await startOpenAIMock({ vertex: { project: PROJECT, location: LOCATION, authorize: (h) => tokens.authorize(h) } });
  const keyFile = path.join(dir, 'sa.json');
  fs.writeFileSync(keyFile, JSON.stringify(serviceAccount(good.privateKey)));
  const dep = (alias, credentials, extra = {}) => ({ model_name: alias, litellm_params: { model: `vertex_ai/${MODEL}`, api_base: vertex.url,
    vertex_project: PROJECT, vertex_location: LOCATION, vertex_credentials: credentials, timeout: 5, ...extra } });
  gw = await startGateway({
    config: gatewayConfig({
      deployments: [
        dep('vertex', keyFile),
        dep('vertex-inline', JSON.stringify(serviceAccount(good.privateKey))),
        dep('vertex-badkey', JSON.stringify(serviceAccount(stranger.privateKey))),
        dep('vertex-embed', keyFile, { model: `vertex_ai/${EMBED_MODEL}` }),
        dep('vertex-gemini-embed', keyFile, { model: 'vertex_ai/gemini-embedding-001' }),
        dep('vertex-claude', keyFile, { model: `vertex_ai/${CLAUDE_MODEL}`, api_base: claude.url }),
        dep('vertex-llama', keyFile, { model: `vertex_ai/${OPEN_MODEL}`, api_base: open.url }),
      ],
      load: ['provider-openai', 'provider-gemini'],
      router: RELAY_AS_IS,
    }),
  });
});
after(async () => {
  await gw?.stop();
  await vertex?.close();
  await claude?.close();
  await open?.close();
  await tokens?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => vertex.reset());

const chat = (model, body = {}) => postJSON(`${gw.url}/v1/chat/completions`, { model, messages: [USER_HELLO], ...body },
  { signal: AbortSignal.timeout(20_000) });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('vertex_ai', () => {
  test('start-up made the token exchanges: valid JWTs issued, the stranger key refused', () => {
    const verdicts = tokens.requests.map((r) => r.verdict);
    assert.ok(verdicts.filter((v) => v === 'issued').length >= 2, verdicts.join(', '));
    assert.ok(verdicts.some((v) => /^invalid_grant: Invalid JWT Signature/.test(v ?? '')), verdicts.join(', '));
    const claims = tokens.requests.find((r) => r.verdict === 'issued').claims;
    assert.equal(claims.iss, EMAIL);
    assert.equal(claims.aud, tokens.tokenUri);
    assert.equal(claims.scope, 'https://www.googleapis.com/auth/cloud-platform');
  });

  test('chat: Vertex URL, Bearer token, no API key; the answer in OpenAI shape', async () => {
    const res = await chat('vertex');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.choices[0].message.content, MOCK_TEXT);
    const rec = vertex.requests[0];
    assert.equal(rec.path, `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/${MODEL}:generateContent`);
    assert.match(rec.headers.authorization, /^Bearer ya29\.mock/);
    assert.equal(rec.headers['x-goog-api-key'], undefined);
  });

  test('stream: streamGenerateContent?alt=sse on Vertex', async () => {
    const s = await postStream(`${gw.url}/v1/chat/completions`, { model: 'vertex-inline', messages: [USER_HELLO], stream: true });
    assert.equal(s.status, 200, s.text);
    const text = s.events.map((e) => e.json?.choices?.[0]?.delta?.content ?? '').join('');
    assert.equal(text, MOCK_TEXT);
    assert.equal(s.data.at(-1), '[DONE]');
    assert.equal(vertex.requests[0].path, `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/${MODEL}:streamGenerateContent?alt=sse`);
  });

  test('the token is renewed before it expires: calls keep succeeding past its lifetime', async () => {
    const first = (await chat('vertex')).status;
    assert.equal(first, 200);
    const usedBefore = vertex.requests[0].headers.authorization;
    const issuedBefore = tokens.issued().length;
    await sleep(LIFETIME_S * 1000 + 500);
    const later = await chat('vertex');
    assert.equal(later.status, 200, later.text);
    assert.ok(tokens.issued().length > issuedBefore, 'no token was issued after start-up');
    assert.notEqual(vertex.requests.at(-1).headers.authorization, usedBefore, 'the expired token was still sent');
  });

  test('a key the token endpoint rejects: the call reaches Vertex without a token and gets its 401', async () => {
    const res = await chat('vertex-badkey');
    assert.equal(res.status, 401, res.text);
    assert.match(errorOf(res).message, /invalid authentication credentials/);
    assert.equal(vertex.requests[0].headers.authorization, undefined);
  });

  test('embeddings: :predict with instances[].content and outputDimensionality; usage from token_count', async () => {
    const res = await postJSON(`${gw.url}/v1/embeddings`, { model: 'vertex-embed', input: ['alpha beta', 'gamma'], dimensions: 32 },
      { signal: AbortSignal.timeout(20_000) });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.data.map((d) => [d.index, d.embedding.length]), [[0, 32], [1, 32]]);
    const rec = vertex.requests[0];
    assert.equal(rec.path, `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/${EMBED_MODEL}:predict`);
    assert.match(rec.headers.authorization, /^Bearer ya29\.mock/);
    assert.deepEqual(rec.json, { instances: [{ content: 'alpha beta' }, { content: 'gamma' }], parameters: { outputDimensionality: 32 } });
    assert.equal(res.json.usage.prompt_tokens, rec.usage.tokens);
    assert.equal(res.json.usage.total_tokens, rec.usage.tokens);
  });

  test('embeddings: what Vertex refuses comes back as its 400', async () => {
    const res = await postJSON(`${gw.url}/v1/embeddings`, { model: 'vertex-embed', input: 'x', dimensions: 4096 },
      { signal: AbortSignal.timeout(20_000) });
    assert.equal(res.status, 400, res.text);
    assert.match(errorOf(res).message, /outputDimensionality must be between 1 and 768/);
  });

  test('embeddings: gemini-embedding-001 takes one input per request; a list is a 400 naming the limit, not sent', async () => {
    const one = await postJSON(`${gw.url}/v1/embeddings`, { model: 'vertex-gemini-embed', input: ['alpha'] },
      { signal: AbortSignal.timeout(20_000) });
    assert.equal(one.status, 200, one.text);
    assert.equal(one.json.data.length, 1);
    assert.deepEqual(vertex.requests[0].json, { instances: [{ content: 'alpha' }] });
    vertex.reset();
    const two = await postJSON(`${gw.url}/v1/embeddings`, { model: 'vertex-gemini-embed', input: ['alpha', 'beta'] },
      { signal: AbortSignal.timeout(20_000) });
    assert.equal(two.status, 400, two.text);
    const e = errorOf(two);
    assert.equal(e.code, 'unsupported_feature');
    assert.match(e.message, /gemini-embedding-001 takes one input per request; this request has 2/);
    assert.equal(vertex.requests.length, 0, 'the list still went to Vertex');
  });
});

describe('vertex_ai/claude-… (Anthropic on Vertex AI)', () => {
  beforeEach(() => claude.reset());

  test('count_tokens: count-tokens:rawPredict with the model in the body; the upstream count relayed', async () => {
    const body = { model: 'vertex-claude', system: 'Be brief.', messages: [{ role: 'user', content: 'How many tokens is this?' }] };
    const res = await postJSON(`${gw.url}/v1/messages/count_tokens`, body,
      { headers: { 'anthropic-version': '2023-06-01' }, signal: AbortSignal.timeout(20_000) });
    assert.equal(res.status, 200, res.text);
    assert.equal(claude.requests.length, 1);
    const rec = claude.requests[0];
    assert.equal(rec.path, `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/anthropic/models/count-tokens:rawPredict`);
    assert.match(rec.headers.authorization, /^Bearer ya29\.mock/);
    assert.equal(rec.json.model, CLAUDE_MODEL);
    assert.deepEqual(res.json, { input_tokens: rec.usage.total });
    // Vertex's own error shape comes back in the client's dialect.
    claude.enqueue({ status: 429, body: { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } }, times: 5 });
    const limited = await postJSON(`${gw.url}/v1/messages/count_tokens`, body,
      { headers: { 'anthropic-version': '2023-06-01' }, signal: AbortSignal.timeout(20_000) });
    assert.equal(limited.status, 429, limited.text);
    assert.equal(limited.json.type, 'error');
    assert.equal(limited.json.error.type, 'rate_limit_error');
  });

  test("count_tokens to a Gemini model on Vertex: the model's :countTokens with the prompt at the top level", async () => {
    const res = await postJSON(`${gw.url}/v1/messages/count_tokens`, { model: 'vertex', system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] },
      { headers: { 'anthropic-version': '2023-06-01' }, signal: AbortSignal.timeout(20_000) });
    assert.equal(res.status, 200, res.text);
    assert.equal(vertex.requests.length, 1);
    const rec = vertex.requests[0];
    assert.equal(rec.path, `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/google/models/${MODEL}:countTokens`);
    assert.match(rec.headers.authorization, /^Bearer ya29\.mock/);
    assert.deepEqual(rec.json.systemInstruction, { parts: [{ text: 'Be brief.' }] });
    assert.equal(rec.json.generateContentRequest, undefined);
    assert.deepEqual(res.json, { input_tokens: rec.usage.total });
  });

  test('chat: :rawPredict, the same Bearer token, no model in the body, anthropic_version vertex-2023-10-16', async () => {
    const res = await chat('vertex-claude', { max_tokens: 64 });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.object, 'chat.completion');
    assert.equal(res.json.choices[0].message.content, CLAUDE_TEXT);
    assert.equal(res.json.choices[0].finish_reason, 'stop');
    assert.ok(res.json.usage.prompt_tokens > 0 && res.json.usage.completion_tokens > 0, JSON.stringify(res.json.usage));
    const rec = claude.requests[0];
    assert.equal(rec.path, `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/anthropic/models/${CLAUDE_MODEL}:rawPredict`);
    assert.match(rec.headers.authorization, /^Bearer ya29\.mock/);
    assert.equal(rec.json.model, undefined);
    assert.equal(rec.json.anthropic_version, 'vertex-2023-10-16');
    assert.equal(rec.json.max_tokens, 64);
    assert.equal(rec.headers['x-api-key'], undefined);
  });

  test('stream: :streamRawPredict, the Messages events as OpenAI chunks', async () => {
    const s = await postStream(`${gw.url}/v1/chat/completions`, { model: 'vertex-claude', messages: [USER_HELLO], stream: true,
      stream_options: { include_usage: true } });
    assert.equal(s.status, 200, s.text);
    const text = s.events.map((e) => e.json?.choices?.[0]?.delta?.content ?? '').join('');
    assert.equal(text, CLAUDE_TEXT);
    assert.equal(s.data.at(-1), '[DONE]');
    assert.ok(s.events.some((e) => e.json?.usage?.completion_tokens > 0), 'no usage chunk');
    const rec = claude.requests[0];
    assert.equal(rec.path, `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/anthropic/models/${CLAUDE_MODEL}:streamRawPredict`);
    assert.equal(rec.json.stream, true);
  });

  test('an Anthropic client reaches Claude on Vertex too (translated both ways)', async () => {
    const res = await postJSON(`${gw.url}/v1/messages`, { model: 'vertex-claude', max_tokens: 32, messages: [{ role: 'user', content: 'Say hello.' }] },
      { headers: { 'anthropic-version': '2023-06-01' }, signal: AbortSignal.timeout(20_000) });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.type, 'message');
    assert.equal(res.json.content[0].text, CLAUDE_TEXT);
    assert.equal(claude.requests[0].json.model, undefined);
  });

  test("Vertex's own 429 (Google's error shape) and the model's 529 (Anthropic's) keep their status", async () => {
    claude.enqueue({ status: 429, body: { error: { code: 429, message: 'Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model', status: 'RESOURCE_EXHAUSTED' } },
      headers: { 'retry-after': '9' }, times: 5 });
    const quota = await chat('vertex-claude');
    assert.equal(quota.status, 429, quota.text);
    assert.match(errorOf(quota).message, /Quota exceeded/);
    assert.equal(quota.headers.get('retry-after'), '9');
    claude.reset();
    claude.enqueue({ status: 529, times: 5 });
    const overloaded = await chat('vertex-claude');
    assert.equal(overloaded.status, 529, overloaded.text);
  });

  test('what Anthropic lacks is refused before the call, naming the feature', async () => {
    const res = await chat('vertex-claude', { n: 2 });
    assert.equal(res.status, 400, res.text);
    assert.match(errorOf(res).message, /n > 1/);
    assert.equal(claude.requests.length, 0);
  });
});

describe('vertex_ai/{publisher}/{model} (open models on the OpenAI-compatible endpoint)', () => {
  beforeEach(() => open.reset());
  const ANTHROPIC = { 'anthropic-version': '2023-06-01' };

  test('chat: endpoints/openapi/chat/completions, the Bearer token, the model with its publisher; the answer relayed', async () => {
    const res = await chat('vertex-llama', { max_tokens: 64 });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.object, 'chat.completion');
    assert.equal(res.json.choices[0].message.content, OPEN_TEXT);
    assert.ok(res.json.usage.prompt_tokens > 0 && res.json.usage.completion_tokens > 0, JSON.stringify(res.json.usage));
    const rec = open.requests[0];
    assert.equal(rec.path, `/v1/projects/${PROJECT}/locations/${LOCATION}/endpoints/openapi/chat/completions`);
    assert.match(rec.headers.authorization, /^Bearer ya29\.mock/);
    assert.equal(rec.json.model, OPEN_MODEL);
    assert.equal(rec.json.max_tokens, 64);
  });

  test('stream: OpenAI SSE relayed, usage included when asked', async () => {
    const s = await postStream(`${gw.url}/v1/chat/completions`, { model: 'vertex-llama', messages: [USER_HELLO], stream: true,
      stream_options: { include_usage: true } });
    assert.equal(s.status, 200, s.text);
    const text = s.events.map((e) => e.json?.choices?.[0]?.delta?.content ?? '').join('');
    assert.equal(text, OPEN_TEXT);
    assert.ok(s.events.some((e) => e.json?.usage?.completion_tokens > 0), 'no usage chunk');
    assert.equal(s.data.at(-1), '[DONE]');
  });

  test('an Anthropic client: translated, without the canonical extensions the endpoint rejects', async () => {
    const res = await postJSON(`${gw.url}/v1/messages`, { model: 'vertex-llama', max_tokens: 64,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'Say hello.' }] }, { headers: ANTHROPIC, signal: AbortSignal.timeout(20_000) });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.type, 'message');
    assert.equal(res.json.content[0].text, OPEN_TEXT);
    assert.ok(!open.requests[0].body.toString('utf8').includes('cache_control'), 'a canonical extension went upstream');
  });

  test("Vertex's errors in Google's shape come back with their status; embeddings are refused", async () => {
    open.enqueue({ status: 429, headers: { 'retry-after': '3' }, body: { error: { code: 429, message: 'Quota exceeded for aiplatform.googleapis.com/generate_content_requests_per_minute_per_project_per_base_model', status: 'RESOURCE_EXHAUSTED' } }, times: 5 });
    const res = await chat('vertex-llama');
    assert.equal(res.status, 429, res.text);
    assert.match(errorOf(res).message, /Quota exceeded/);
    assert.equal(res.headers.get('retry-after'), '3');
    open.reset();
    const emb = await postJSON(`${gw.url}/v1/embeddings`, { model: 'vertex-llama', input: 'x' }, { signal: AbortSignal.timeout(20_000) });
    assert.equal(emb.status, 400, emb.text);
    assert.equal(open.requests.length, 0);
  });
});
