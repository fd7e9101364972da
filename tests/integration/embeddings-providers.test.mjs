// POST /v1/embeddings through the real gateway to every provider with an embeddings API, each
// mock speaking its real wire format: Gemini batchEmbedContents, Mistral /v1/embeddings, Cohere
// /v2/embed, Ollama /api/embed, Bedrock InvokeModel (Titan, Cohere embed). The client always gets
// OpenAI's embedding list (float, or base64 of little-endian float32), index in input order, the
// provider's token count as usage; what a provider cannot do is a 400 naming it.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startBedrockMock } from '../mocks/bedrock-mock.mjs';
import { startCohereMock } from '../mocks/cohere-mock.mjs';
import { startGeminiMock } from '../mocks/gemini-mock.mjs';
import { floatsOfBase64, vectorFor } from '../mocks/lib/embedding-vectors.mjs';
import { startMistralMock } from '../mocks/mistral-mock.mjs';
import { startOllamaMock } from '../mocks/ollama-mock.mjs';
import { errorOf, gatewayConfig, postJSON, RELAY_AS_IS, startGateway } from './lib/gateway.mjs';

const GEMINI_KEY = 'AIzaEmbedIntegrationKey';
const MISTRAL_KEY = 'mistral-embed-key';
const COHERE_KEY = 'co-embed-key';
const AWS = { id: 'AKIAEMBEDTEST', secret: 'embed/secret+key' };
let gemini;
let mistral;
let cohere;
let ollama;
let bedrock;
let gw;

const dep = (alias, model, params = {}) => ({ model_name: alias, litellm_params: { model, timeout: 5, ...params } });

before(async () => {
  gemini = await startGeminiMock({ apiKey: GEMINI_KEY });
  mistral = await startMistralMock({ apiKey: MISTRAL_KEY });
  cohere = await startCohereMock({ apiKey: COHERE_KEY });
  ollama = await startOllamaMock({ models: ['nomic-embed-text'] });
  bedrock = await startBedrockMock({ region: 'us-east-1', credentials: { [AWS.id]: { secretAccessKey: AWS.secret } } });
  const aws = { api_base: bedrock.url, aws_region_name: 'us-east-1', aws_access_key_id: AWS.id, aws_secret_access_key: AWS.secret };
  gw = await startGateway({ config: gatewayConfig({
    deployments: [
      dep('gemini-embed', 'gemini/gemini-embedding-001', { api_base: gemini.url, api_key: GEMINI_KEY }),
      dep('mistral-embed', 'mistral/mistral-embed', { api_base: mistral.url, api_key: MISTRAL_KEY }),
      dep('codestral-embed', 'mistral/codestral-embed', { api_base: mistral.url, api_key: MISTRAL_KEY }),
      dep('cohere-embed', 'cohere/embed-v4.0', { api_base: cohere.url, api_key: COHERE_KEY }),
      dep('cohere-query', 'cohere/embed-english-v3.0', { api_base: cohere.url, api_key: COHERE_KEY, input_type: 'search_query' }),
      dep('ollama-embed', 'ollama/nomic-embed-text', { api_base: ollama.url }),
      dep('titan', 'bedrock/amazon.titan-embed-text-v2:0', aws),
      dep('bedrock-cohere', 'bedrock/cohere.embed-english-v3', aws),
    ],
    load: ['provider-openai', 'provider-gemini', 'provider-mistral', 'provider-cohere', 'provider-ollama', 'provider-bedrock'],
    router: RELAY_AS_IS,
  }) });
});
after(async () => {
  await gw?.stop();
  await Promise.all([gemini, mistral, cohere, ollama, bedrock].map((m) => m?.close()));
});
beforeEach(() => { for (const m of [gemini, mistral, cohere, ollama, bedrock]) m.reset(); });

const embed = (body) => postJSON(`${gw.url}/v1/embeddings`, body, { signal: AbortSignal.timeout(20_000) });
const near = (a, b) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]) < 1e-6);

/** An OpenAI embedding list of `texts` whose vectors are the mock's for each text (in order). */
function assertList(res, texts, dims, { base64 = false, tokens = true } = {}) {
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.object, 'list');
  assert.deepEqual(res.json.data.map((d) => d.index), texts.map((_, i) => i));
  res.json.data.forEach((d, i) => {
    assert.equal(d.object, 'embedding');
    const floats = base64 ? floatsOfBase64(d.embedding) : d.embedding;
    assert.equal(floats.length, dims);
    assert.ok(near(floats, Array.from(vectorFor(texts[i], dims))), `embedding ${i} is the upstream's vector for "${texts[i]}"`);
  });
  if (tokens) assert.ok(res.json.usage.prompt_tokens > 0, JSON.stringify(res.json.usage));
  assert.equal(res.json.usage.total_tokens, res.json.usage.prompt_tokens);
}

describe('gemini', () => {
  test('batchEmbedContents: one request per input, outputDimensionality, base64', async () => {
    const texts = ['alpha', 'beta', 'gamma'];
    const res = await embed({ model: 'gemini-embed', input: texts, dimensions: 64, encoding_format: 'base64' });
    assertList(res, texts, 64, { base64: true, tokens: false });
    assert.equal(gemini.requests.length, 1);
    assert.equal(gemini.requests[0].path, '/v1beta/models/gemini-embedding-001:batchEmbedContents');
    assert.equal(gemini.requests[0].json.requests.length, 3);
  });
  test('token ids: 400 naming the feature and Gemini, no upstream call', async () => {
    const res = await embed({ model: 'gemini-embed', input: [[1, 2, 3]] });
    assert.equal(res.status, 400, res.text);
    assert.match(errorOf(res).message, /token ids.*Gemini/);
    assert.equal(gemini.requests.length, 0);
  });
  test("Gemini's own refusal reaches the client as a 400", async () => {
    const res = await embed({ model: 'gemini-embed', input: 'a', dimensions: 5000 });
    assert.equal(res.status, 400, res.text);
    assert.match(errorOf(res).message, /output_dimensionality/);
  });
});

describe('mistral', () => {
  test('/v1/embeddings: floats in order with usage', async () => {
    const texts = ['one', 'two'];
    assertList(await embed({ model: 'mistral-embed', input: texts, user: 'u-1' }), texts, 1024);
    assert.deepEqual(mistral.requests[0].json, { model: 'mistral-embed', input: texts });
  });
  test('codestral-embed: dimensions → output_dimension, base64 written by the gateway', async () => {
    assertList(await embed({ model: 'codestral-embed', input: 'def f(): pass', dimensions: 128, encoding_format: 'base64' }),
      ['def f(): pass'], 128, { base64: true });
    assert.equal(mistral.requests[0].json.output_dimension, 128);
  });
  test('dimensions on mistral-embed and token ids: 400 before any upstream call', async () => {
    for (const body of [{ model: 'mistral-embed', input: 'a', dimensions: 64 }, { model: 'mistral-embed', input: [1, 2] }]) {
      const res = await embed(body);
      assert.equal(res.status, 400, res.text);
      assert.match(errorOf(res).message, /Mistral/);
    }
    assert.equal(mistral.requests.length, 0);
  });
});

describe('cohere', () => {
  test('/v2/embed: texts, search_document, float, output_dimension on embed-v4', async () => {
    const texts = ['x', 'y'];
    assertList(await embed({ model: 'cohere-embed', input: texts, dimensions: 256 }), texts, 256);
    const sent = cohere.requests[0].json;
    assert.equal(sent.input_type, 'search_document');
    assert.deepEqual(sent.embedding_types, ['float']);
    assert.equal(sent.output_dimension, 256);
  });
  test('input_type from the deployment; dimensions on v3 refused', async () => {
    assertList(await embed({ model: 'cohere-query', input: 'q' }), ['q'], 1024);
    assert.equal(cohere.requests[0].json.input_type, 'search_query');
    const res = await embed({ model: 'cohere-query', input: 'q', dimensions: 256 });
    assert.equal(res.status, 400, res.text);
    assert.match(errorOf(res).message, /dimensions/);
    assert.equal(cohere.requests.length, 1);
  });
});

describe('ollama', () => {
  test('/api/embed: a string, prompt_eval_count as usage, dimensions', async () => {
    assertList(await embed({ model: 'ollama-embed', input: 'why is the sky blue?', dimensions: 32 }), ['why is the sky blue?'], 32);
    assert.equal(ollama.requests[0].path, '/api/embed');
    assert.equal(typeof ollama.requests[0].json.input, 'string');
  });
  test('an array, base64', async () => {
    const texts = ['a', 'b', 'c'];
    assertList(await embed({ model: 'ollama-embed', input: texts, encoding_format: 'base64' }), texts, 768, { base64: true });
  });
});

describe('bedrock', () => {
  test('Titan V2 through InvokeModel (signed): one input, dimensions', async () => {
    assertList(await embed({ model: 'titan', input: ['hello'], dimensions: 256 }), ['hello'], 256);
    assert.equal(bedrock.requests[0].path, '/model/amazon.titan-embed-text-v2%3A0/invoke');
    assert.equal(bedrock.requests[0].json.normalize, true);
  });
  test('Titan with more than one input: a clear 400, no upstream call', async () => {
    const res = await embed({ model: 'titan', input: ['a', 'b'] });
    assert.equal(res.status, 400, res.text);
    assert.match(errorOf(res).message, /one input per request/);
    assert.equal(bedrock.requests.length, 0);
  });
  test('Cohere embed on Bedrock: texts and input_type, the header token count as usage', async () => {
    const texts = ['d1', 'd2'];
    assertList(await embed({ model: 'bedrock-cohere', input: texts, encoding_format: 'base64' }), texts, 1024, { base64: true });
    assert.equal(bedrock.requests[0].json.input_type, 'search_document');
  });
});
