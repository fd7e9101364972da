// Guardrails run in the order of the `guardrails:` entries, each on what the one before it left:
// guardrail-pii first turns the address into [EMAIL_1], and the denylist sample after it, told to
// redact "[EMAIL_1]" and to block "example.com", sees only the placeholder: it rewrites it and
// blocks nothing. The other order: the denylist sees the raw address first and blocks.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { deployment, errorOf, gatewayConfig, postJSON, RELAY_AS_IS, startGateway, UPSTREAM_KEY } from './lib/gateway.mjs';

const MASTER = 'sk-gw-master-guard-order-3c7a';
const OH = { headers: { authorization: `Bearer ${MASTER}` } };
const PROMPT = 'Mail john.doe@example.com the plan.';
let mock;
const gateways = {};

function config(order) {
  const cfg = gatewayConfig({
    masterKey: MASTER,
    router: RELAY_AS_IS,
    deployments: [deployment({ alias: 'gpt', model: 'gpt-4o-mini', upstream: mock.url })],
    load: ['provider-openai', 'guardrail-pii',
      { path: 'guardrail-denylist', config: { block: ['example.com'], redact: ['[EMAIL_1]'], replacement: '[SOMEONE]' } }],
  });
  cfg.guardrails = order.map((plugin) => ({ plugin, phases: ['input'] }));
  return cfg;
}

before(async () => {
  mock = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  gateways.piiFirst = await startGateway({ config: config(['guardrail-pii', 'guardrail-denylist']) });
  gateways.denylistFirst = await startGateway({ config: config(['guardrail-denylist', 'guardrail-pii']) });
});
after(async () => {
  for (const gw of Object.values(gateways)) await gw?.stop();
  await mock?.close();
});

test('pii then denylist: the second guardrail sees the first one\'s redaction (and rewrites it)', async () => {
  const before = mock.requests.length;
  const res = await postJSON(`${gateways.piiFirst.url}/v1/chat/completions`,
    { model: 'gpt', messages: [{ role: 'user', content: PROMPT }] }, OH);
  assert.equal(res.status, 200, res.text);
  assert.equal(mock.requests.length, before + 1);
  assert.equal(mock.requests.at(-1).json.messages[0].content, 'Mail [SOMEONE] the plan.');
});

test('denylist then pii: the denylist sees the raw address and blocks; nothing goes upstream', async () => {
  const before = mock.requests.length;
  const res = await postJSON(`${gateways.denylistFirst.url}/v1/chat/completions`,
    { model: 'gpt', messages: [{ role: 'user', content: PROMPT }] }, OH);
  assert.equal(res.status, 400, res.text);
  assert.equal(errorOf(res).code, 'guardrail_blocked', res.text);
  assert.ok(!res.text.includes('john.doe'), res.text);
  assert.equal(mock.requests.length, before);
});
