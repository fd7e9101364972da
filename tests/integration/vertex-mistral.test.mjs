// vertex_ai/mistral-… end to end: Mistral's models on Vertex AI. The gateway sends Mistral's own
// chat body (provider-mistral's codec, linked into provider-gemini) to Vertex's Mistral publisher,
// …/publishers/mistralai/models/{model}:rawPredict and :streamRawPredict, with the service
// account's OAuth token (the core's credential exchange, ABI 1.1). The Mistral mock stands as that
// publisher: it takes only a live token, refuses what Mistral refuses (422 on members it does not
// know, 9-character tool ids) and holds the body's model (the bare name) and stream flag to the
// URL. Covers chat and stream for both client dialects, a tool round trip, Vertex's errors in
// Google's shape and the model's in Mistral's, and the operations the route does not serve.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { MOCK_TEXT, startMistralMock } from '../mocks/mistral-mock.mjs';
import { startGoogleTokenMock } from '../mocks/google-token-mock.mjs';
import { postStream } from './lib/chaos.mjs';
import { errorOf, gatewayConfig, postJSON, RELAY_AS_IS, startGateway, USER_HELLO, WEATHER_TOOL } from './lib/gateway.mjs';

const PROJECT = 'llmgw-test-project';
const LOCATION = 'europe-west4';
const MODEL = 'mistral-small-2503@001';
const EMAIL = 'gateway@llmgw-test-project.iam.gserviceaccount.com';
const ANTHROPIC = { 'anthropic-version': '2023-06-01' };
const KEY = generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
let tokens;
let mistral;
let gw;

before(async () => {
  tokens = await startGoogleTokenMock({ publicKey: KEY.publicKey, clientEmail: EMAIL });
  mistral = await startMistralMock({ vertex: { project: PROJECT, location: LOCATION, authorize: (h) => tokens.authorize(h) } });
  const credentials = JSON.stringify({ type: 'service_account', project_id: PROJECT, private_key_id: 'k1', private_key: KEY.privateKey,
    client_email: EMAIL, token_uri: tokens.tokenUri });
  const dep = (alias, model, extra = {}) => ({ model_name: alias, litellm_params: { model: `vertex_ai/${model}`, api_base: mistral.url,
    vertex_project: PROJECT, vertex_location: LOCATION, vertex_credentials: credentials, timeout: 5, ...extra } });
  gw = await startGateway({
    config: gatewayConfig({
      deployments: [dep('vertex-mistral', MODEL), dep('vertex-codestral', 'codestral-2501'),
        dep('vertex-mistral-elsewhere', MODEL, { vertex_location: 'us-east5' })],
      load: ['provider-openai', 'provider-gemini'],
      router: RELAY_AS_IS,
    }),
  });
});
after(async () => {
  await gw?.stop();
  await mistral?.close();
  await tokens?.close();
});
beforeEach(() => mistral.reset());

const chat = (model, body = {}) => postJSON(`${gw.url}/v1/chat/completions`, { model, messages: [USER_HELLO], ...body },
  { signal: AbortSignal.timeout(20_000) });
const messages = (body) => postJSON(`${gw.url}/v1/messages`, { model: 'vertex-mistral', max_tokens: 64, ...body },
  { headers: ANTHROPIC, signal: AbortSignal.timeout(20_000) });
const base = `/v1/projects/${PROJECT}/locations/${LOCATION}/publishers/mistralai/models/`;

describe('vertex_ai/mistral-… (Mistral on Vertex AI)', () => {
  test("chat: :rawPredict with the version in the URL, the bare name in Mistral's body, the Bearer token", async () => {
    const res = await chat('vertex-mistral', { seed: 3, max_completion_tokens: 64, user: 'u-1' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.object, 'chat.completion');
    assert.equal(res.json.choices[0].message.content, MOCK_TEXT);
    assert.equal(res.json.choices[0].finish_reason, 'stop');
    assert.ok(res.json.usage.prompt_tokens > 0 && res.json.usage.completion_tokens > 0, JSON.stringify(res.json.usage));
    const rec = mistral.requests[0];
    assert.equal(rec.path, `${base}${MODEL}:rawPredict`);
    assert.match(rec.headers.authorization, /^Bearer ya29\.mock/);
    assert.equal(rec.json.model, 'mistral-small-2503');
    assert.equal(rec.json.random_seed, 3);  // Mistral's names, as on api.mistral.ai
    assert.equal(rec.json.max_tokens, 64);
    assert.equal(rec.json.user, undefined);
  });

  test('stream: :streamRawPredict, Mistral chunks as OpenAI chunks, usage when asked, [DONE]', async () => {
    const s = await postStream(`${gw.url}/v1/chat/completions`, { model: 'vertex-codestral', messages: [USER_HELLO], stream: true,
      stream_options: { include_usage: true } });
    assert.equal(s.status, 200, s.text);
    assert.equal(s.events.map((e) => e.json?.choices?.[0]?.delta?.content ?? '').join(''), MOCK_TEXT);
    assert.ok(s.events.some((e) => e.json?.usage?.completion_tokens > 0 && e.json.choices.length === 0), 'no usage chunk');
    assert.equal(s.data.at(-1), '[DONE]');
    const rec = mistral.requests[0];
    assert.equal(rec.path, `${base}codestral-2501:streamRawPredict`);
    assert.equal(rec.json.stream, true);
    assert.equal(rec.json.stream_options, undefined);  // Mistral answers 422 to it
  });

  test('tools: parallel calls, then the results under the ids Mistral takes (9 alphanumerics)', async () => {
    const q = { role: 'user', content: 'What is the weather in Paris and London?' };
    const first = await chat('vertex-mistral', { messages: [q], tools: [WEATHER_TOOL], tool_choice: 'required' });
    assert.equal(first.status, 200, first.text);
    assert.equal(mistral.requests[0].json.tool_choice, 'any');
    const calls = first.json.choices[0].message.tool_calls;
    assert.equal(calls.length, 2);
    assert.equal(first.json.choices[0].finish_reason, 'tool_calls');
    // An Anthropic client's toolu_ ids come back to Mistral rewritten, each result still matching its call.
    const res = await messages({ tools: [{ name: 'get_weather', description: 'Weather', input_schema: WEATHER_TOOL.function.parameters }],
      messages: [{ role: 'user', content: q.content },
        { role: 'assistant', content: calls.map((c, i) => ({ type: 'tool_use', id: `toolu_0${i}`, name: c.function.name, input: JSON.parse(c.function.arguments) })) },
        { role: 'user', content: calls.map((c, i) => ({ type: 'tool_result', tool_use_id: `toolu_0${i}`, content: `sunny ${i}` })) }] });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.type, 'message');
    assert.match(res.json.content[0].text, /sunny 0; sunny 1/);
  });

  test('an Anthropic client streams too (translated both ways)', async () => {
    const s = await postStream(`${gw.url}/v1/messages`, { model: 'vertex-mistral', max_tokens: 64, stream: true,
      messages: [{ role: 'user', content: 'Say hello.' }] }, { headers: ANTHROPIC });
    assert.equal(s.status, 200, s.text);
    const text = s.events.map((e) => (e.json?.type === 'content_block_delta' ? e.json.delta.text ?? '' : '')).join('');
    assert.equal(text, MOCK_TEXT);
    assert.equal(s.events.at(-1).json.type, 'message_stop');
    assert.ok(mistral.requests[0].path.endsWith(':streamRawPredict'));
  });

  test("Vertex's errors in Google's shape and the model's in Mistral's keep their status", async () => {
    mistral.enqueue({ status: 429, headers: { 'retry-after': '2' }, body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED',
      message: 'Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model' } }, times: 1 });
    let res = await chat('vertex-mistral');
    assert.equal(res.status, 429, res.text);
    assert.match(errorOf(res).message, /Quota exceeded/);
    assert.equal(res.headers.get('retry-after'), '2');
    mistral.enqueue({ status: 500, body: { object: 'error', message: 'Service unavailable.', type: 'internal_server_error', param: null, code: '1000' } });
    res = await chat('vertex-mistral');
    assert.equal(res.status, 500, res.text);
    assert.equal(errorOf(res).message, 'Service unavailable.');
    // Another location: Google's 404 before any model.
    res = await chat('vertex-mistral-elsewhere');
    assert.equal(res.status, 404, res.text);
    assert.match(errorOf(res).message, /Project or location not found/);
  });

  test('what the route does not serve: logprobs (400 naming it), embeddings (400), count_tokens (the estimate); nothing sent', async () => {
    let res = await chat('vertex-mistral', { logprobs: true });
    assert.equal(res.status, 400, res.text);
    assert.match(errorOf(res).message, /logprobs/);
    res = await postJSON(`${gw.url}/v1/embeddings`, { model: 'vertex-mistral', input: 'x' }, { signal: AbortSignal.timeout(20_000) });
    assert.equal(res.status, 400, res.text);
    res = await postJSON(`${gw.url}/v1/messages/count_tokens`, { model: 'vertex-mistral', messages: [{ role: 'user', content: 'hi there' }] },
      { headers: ANTHROPIC, signal: AbortSignal.timeout(20_000) });
    assert.equal(res.status, 200, res.text);
    assert.ok(res.json.input_tokens > 0);
    assert.equal(mistral.requests.length, 0);
  });
});
