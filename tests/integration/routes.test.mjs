// Routes other than the chat passthrough: model list, health, and the same routes without /v1.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { deployment, gatewayConfig, postJSON, request, startGateway, UPSTREAM_KEY } from './lib/gateway.mjs';

const ALIASES = ['gpt-4o-mini', 'fast-model', 'team/smart-model'];
let mock;
let gw;

before(async () => {
  mock = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  gw = await startGateway({
    config: gatewayConfig({
      deployments: [
        deployment({ alias: ALIASES[0], model: 'gpt-4o-mini', upstream: mock.url }),
        deployment({ alias: ALIASES[1], model: 'gpt-4o-mini', upstream: mock.url }),
        deployment({ alias: ALIASES[2], model: 'gpt-4o', upstream: mock.url }),
        // a second deployment of an alias: a pool, listed once
        deployment({ alias: ALIASES[1], model: 'gpt-4o-mini-2024-07-18', upstream: mock.url }),
      ],
    }),
  });
});
after(async () => {
  await gw?.stop();
  await mock?.close();
});
beforeEach(() => mock.reset());

function assertModelList(res) {
  assert.equal(res.status, 200, res.text);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.equal(res.json.object, 'list');
  assert.ok(Array.isArray(res.json.data));
  assert.deepEqual(res.json.data.map((m) => m.id).sort(), [...ALIASES].sort());
  for (const m of res.json.data) {
    assert.equal(m.object, 'model');
    assert.equal(m.owned_by, 'llmgw');
    assert.ok(Number.isInteger(m.created), `created: ${m.created}`);
  }
}

describe('models', () => {
  test('GET /v1/models lists every alias once', async () => {
    assertModelList(await request(`${gw.url}/v1/models`));
  });
  test('GET /models is the same list', async () => {
    const a = await request(`${gw.url}/models`);
    assertModelList(a);
    const b = await request(`${gw.url}/v1/models`);
    assert.deepEqual(a.json, b.json);
  });
  test('listing models does not call the upstream', async () => {
    await request(`${gw.url}/v1/models`);
    assert.equal(mock.requests.length, 0);
  });
});

describe('health', () => {
  for (const path of ['/health', '/health/readiness']) {
    test(`GET ${path} → 200 JSON`, async () => {
      const res = await request(`${gw.url}${path}`);
      assert.equal(res.status, 200, res.text);
      assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
      assert.equal(typeof res.json, 'object', `not JSON: ${res.text}`);
      assert.notEqual(res.json, null);
    });
  }
});

describe('routes without /v1', () => {
  test('POST /chat/completions passes through like /v1/chat/completions', async () => {
    const body = '{"model":"fast-model","messages":[{"role":"user","content":"hi"}]}';
    const res = await postJSON(`${gw.url}/chat/completions`, body);
    assert.equal(res.status, 200, res.text);
    assert.equal(mock.requests.length, 1);
    const rec = mock.requests[0];
    assert.equal(rec.path.split('?')[0], '/v1/chat/completions');
    assert.ok(['gpt-4o-mini', 'gpt-4o-mini-2024-07-18'].includes(rec.json.model), rec.json.model);
    assert.equal(rec.body.toString(), body.replace('"fast-model"', `"${rec.json.model}"`));
    assert.ok(res.raw.equals(rec.responseBody));
  });
  test('an alias with a slash routes to its deployment', async () => {
    const res = await postJSON(`${gw.url}/v1/chat/completions`, { model: 'team/smart-model', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.status, 200, res.text);
    assert.equal(mock.requests[0].json.model, 'gpt-4o');
  });
});
