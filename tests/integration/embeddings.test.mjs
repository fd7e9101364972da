// POST /v1/embeddings end to end: the OpenAI embeddings dialect through the one ingress to an
// OpenAI upstream (the body forwarded as it is, model rewritten), float and base64 answers,
// refusals in OpenAI's shape before any upstream call, a provider without embeddings refused by
// name, the same retries and fallbacks as chat, and Azure OpenAI's deployment route (passthrough
// too: /openai/deployments/{d}/embeddings?api-version=…, the api-key header).
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { startAnthropicMock } from '../mocks/anthropic-mock.mjs';
import { anthropicDeployment, deployment, errorOf, gatewayConfig, postJSON, startGateway } from './lib/gateway.mjs';

let mock;
let backup;
let anthropic;
let azure;  // the OpenAI mock as an Azure OpenAI resource
let gw;
const AZURE_KEY = 'azure-embeddings-key-0f3c';
const azureDeployment = (alias, apiKey) => ({ model_name: alias, litellm_params: { model: 'azure/team-embeddings',
  api_base: azure.url, api_key: apiKey, api_version: '2024-10-21', timeout: 5 } });

before(async () => {
  mock = await startOpenAIMock();
  backup = await startOpenAIMock();
  anthropic = await startAnthropicMock();
  azure = await startOpenAIMock({ azure: { apiKey: AZURE_KEY } });
  gw = await startGateway({ config: gatewayConfig({
    deployments: [
      azureDeployment('embed-azure', AZURE_KEY),
      azureDeployment('embed-azure-badkey', 'not-the-key'),
      deployment({ alias: 'embed', model: 'text-embedding-3-small', upstream: mock.url }),
      deployment({ alias: 'embed-primary', model: 'text-embedding-3-small', upstream: mock.url }),
      deployment({ alias: 'embed-backup', model: 'text-embedding-3-small', upstream: backup.url }),
      deployment({ alias: 'ada', model: 'text-embedding-ada-002', upstream: mock.url }),
      anthropicDeployment({ alias: 'claude', upstream: anthropic.url }),
    ],
    router: { num_retries: 0, fallbacks: [{ 'embed-primary': ['embed-backup'] }] },
  }) });
});
after(async () => { await gw?.stop(); await mock?.close(); await backup?.close(); await anthropic?.close(); await azure?.close(); });
beforeEach(() => { mock.reset(); backup.reset(); azure.reset(); });

const embed = (body) => postJSON(`${gw.url}/v1/embeddings`, body);

describe('embeddings: answers', () => {
  test('a string: one float vector of the model size, usage, the body forwarded as sent', async () => {
    const body = { model: 'embed', input: 'The food was delicious and the waiter...', user: 'u-7' };
    const res = await embed(body);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.object, 'list');
    assert.equal(res.json.data.length, 1);
    assert.equal(res.json.data[0].object, 'embedding');
    assert.equal(res.json.data[0].embedding.length, 1536);
    assert.ok(res.json.usage.prompt_tokens > 0);
    assert.equal(mock.requests.length, 1);
    assert.equal(mock.requests[0].path, '/v1/embeddings');
    assert.deepEqual(mock.requests[0].json, { ...body, model: 'text-embedding-3-small' });
  });

  test('an array with dimensions and base64: one base64 vector per input, in order', async () => {
    const res = await embed({ model: 'embed', input: ['alpha', 'beta', 'gamma'], dimensions: 256, encoding_format: 'base64' });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.data.map((d) => d.index), [0, 1, 2]);
    for (const d of res.json.data) {
      const floats = new Float32Array(Uint8Array.from(Buffer.from(d.embedding, 'base64')).buffer);
      assert.equal(floats.length, 256);
      const norm = Math.sqrt(floats.reduce((s, x) => s + x * x, 0));
      assert.ok(Math.abs(norm - 1) < 1e-3, `unit vector, got norm ${norm}`);
    }
  });

  test('token-id arrays are accepted', async () => {
    const res = await embed({ model: 'embed', input: [[1, 2, 3], [4, 5]] });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.data.length, 2);
  });
});

describe('embeddings: refusals', () => {
  const cases = [
    ['no input', { model: 'embed' }, 'input'],
    ['an empty string', { model: 'embed', input: '' }, 'input'],
    ['an empty array', { model: 'embed', input: [] }, 'input'],
    ['mixed kinds', { model: 'embed', input: ['a', 1] }, 'input'],
    ['a bad encoding_format', { model: 'embed', input: 'x', encoding_format: 'int8' }, 'encoding_format'],
    ['dimensions 0', { model: 'embed', input: 'x', dimensions: 0 }, 'dimensions'],
  ];
  for (const [name, body, param] of cases) {
    test(`${name}: 400 naming ${param}, nothing sent upstream`, async () => {
      const res = await embed(body);
      assert.equal(res.status, 400, res.text);
      assert.equal(errorOf(res).param, param);
      assert.equal(errorOf(res).type, 'invalid_request_error');
      assert.equal(mock.requests.length, 0);
    });
  }

  test('an unknown model: 404 model_not_found', async () => {
    const res = await embed({ model: 'nope', input: 'x' });
    assert.equal(res.status, 404);
    assert.equal(errorOf(res).code, 'model_not_found');
  });

  test("the upstream's own refusal reaches the client (ada takes no dimensions)", async () => {
    const res = await embed({ model: 'ada', input: 'x', dimensions: 8 });
    assert.equal(res.status, 400);
    assert.match(errorOf(res).message, /does not support specifying dimensions/);
    assert.equal(mock.requests.length, 1);
  });

  test('a provider without embeddings: 400 naming the model and the provider', async () => {
    const res = await embed({ model: 'claude', input: 'x' });
    assert.equal(res.status, 400, res.text);
    assert.equal(errorOf(res).code, 'unsupported_feature');
    assert.match(errorOf(res).message, /claude.*anthropic.*embeddings/);
    assert.equal(anthropic.requests.length, 0);
  });

  test('an unknown path under /v1/embeddings answers in the OpenAI shape', async () => {
    const res = await postJSON(`${gw.url}/v1/embeddings/extra`, { model: 'embed', input: 'x' });
    assert.equal(res.status, 404);
    assert.ok(errorOf(res).message);
  });
});

describe('embeddings: resilience like chat', () => {
  test('a 429 from the primary falls back to the backup alias', async () => {
    mock.enqueue({ status: 429, headers: { 'retry-after': '1' } });
    const res = await embed({ model: 'embed-primary', input: 'x' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-llmgw-attempts'), '2');
    assert.equal(backup.requests.length, 1);
    assert.equal(backup.requests[0].path, '/v1/embeddings');
  });
});

describe('embeddings: Azure OpenAI (passthrough)', () => {
  test("the deployment's embeddings route with api-version and the api-key header; the answer as sent", async () => {
    const res = await embed({ model: 'embed-azure', input: ['alpha', 'beta'], encoding_format: 'base64' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.object, 'list');
    assert.deepEqual(res.json.data.map((d) => d.index), [0, 1]);
    const bytes = Buffer.from(res.json.data[0].embedding, 'base64').length;
    assert.ok(bytes > 0 && bytes % 4 === 0, `${bytes} bytes`);
    assert.ok(res.json.usage.prompt_tokens > 0);
    assert.equal(azure.requests.length, 1);
    const rec = azure.requests[0];
    assert.deepEqual(rec.azure, { deployment: 'team-embeddings', apiVersion: '2024-10-21' });
    assert.equal(rec.headers['api-key'], AZURE_KEY);
    assert.equal(rec.headers.authorization, undefined);
    assert.deepEqual(rec.json.input, ['alpha', 'beta']);
  });
  test("Azure's 401 for a wrong key comes back as a 401 without the key", async () => {
    const res = await embed({ model: 'embed-azure-badkey', input: 'alpha' });
    assert.equal(res.status, 401, res.text);
    assert.match(errorOf(res).message, /Access denied/);
    assert.ok(!res.text.includes('not-the-key'));
  });
});
