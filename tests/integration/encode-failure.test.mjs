// A provider plugin whose encode_request fails inside the plugin (LLMGW_ERROR: an internal
// failure, not a feature the upstream lacks nor a bad request): the client gets a 500
// "provider_encode_failed" in its own dialect, naming the provider and the model alias but never
// the plugin's text, which goes to the gateway's log. Nothing goes upstream. A 500 is retryable:
// the call goes on to the alias's fallbacks (and, like an upstream 500, the failure counts towards
// the deployment's cooldown). The plugin is tests/integration/plugins/provider_encode_fails.cpp.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MOCK_TEXT, startOpenAIMock } from '../mocks/openai-mock.mjs';
import {
  anthropicErrorOf, deployment, errorOf, gatewayConfig, PLUGIN_DIR, postJSON, RELAY_AS_IS, startGateway, UPSTREAM_KEY, USER_HELLO,
} from './lib/gateway.mjs';

const FAILING = path.resolve(PLUGIN_DIR, '../test-plugins/provider-test-encode-fails.so');
const CANARY = 'CANARY-7f3a9';

let mock;
let gw;

before(async () => {
  mock = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  const broken = (alias) => ({ model_name: alias, litellm_params: { model: 'encodefail/any-model', timeout: 5 } });
  gw = await startGateway({
    config: gatewayConfig({
      deployments: [broken('broken'), broken('broken-then-ok'), deployment({ alias: 'ok', upstream: mock.url })],
      load: ['provider-openai', { path: FAILING }],
      router: { ...RELAY_AS_IS, fallbacks: [{ 'broken-then-ok': ['ok'] }] },
    }),
  });
});
after(async () => {
  await gw?.stop();
  await mock?.close();
});

const chat = (model) => postJSON(`${gw.url}/v1/chat/completions`, { model, messages: [USER_HELLO] }, { signal: AbortSignal.timeout(20_000) });
const messages = (model) => postJSON(`${gw.url}/v1/messages`, { model, max_tokens: 32, messages: [{ role: 'user', content: 'Hi' }] },
  { headers: { 'anthropic-version': '2023-06-01' }, signal: AbortSignal.timeout(20_000) });

describe('encode_request failing inside the plugin', () => {
  test('OpenAI client: 500 provider_encode_failed naming provider and alias, not the plugin text', async () => {
    const res = await chat('broken');
    assert.equal(res.status, 500, res.text);
    const e = errorOf(res);
    assert.equal(e.code, 'provider_encode_failed');
    assert.equal(e.type, 'api_error');
    assert.match(e.message, /provider encodefail could not encode the request for model 'broken'/);
    assert.ok(!res.text.includes(CANARY), `the plugin's text reached the client: ${res.text}`);
    assert.equal(mock.requests.length, 0);
  });

  test('Anthropic client: the same 500 in Anthropic\'s error shape', async () => {
    const res = await messages('broken');
    assert.equal(res.status, 500, res.text);
    const e = anthropicErrorOf(res);
    assert.equal(e.type, 'api_error');
    assert.match(e.message, /could not encode the request for model 'broken'/);
    assert.ok(!res.text.includes(CANARY), `the plugin's text reached the client: ${res.text}`);
  });

  test('the plugin text is in the gateway log, with the deployment', () => {
    assert.match(gw.logs(), new RegExp(`encode_request failed \\(-?\\d+\\): internal state broken: ${CANARY}`));
  });

  test('it fails over: an alias with fallbacks is answered by the fallback', async () => {
    mock.reset();
    const res = await chat('broken-then-ok');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.choices[0].message.content, MOCK_TEXT);
    assert.equal(mock.requests.length, 1);
  });
});
