// Upstream request ids and rate-limit headers reach the client (on answers and on errors);
// hop-by-hop and framing headers do not.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startAnthropicMock } from '../mocks/anthropic-mock.mjs';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { ANTHROPIC_UPSTREAM_KEY, anthropicDeployment, deployment, gatewayConfig, postJSON, startGateway,
  UPSTREAM_KEY, USER_HELLO, RELAY_AS_IS } from './lib/gateway.mjs';

let openai;
let anthropic;
let gw;

before(async () => {
  openai = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  anthropic = await startAnthropicMock({ apiKey: ANTHROPIC_UPSTREAM_KEY });
  gw = await startGateway({
    config: gatewayConfig({
      router: RELAY_AS_IS,
      deployments: [deployment({ upstream: openai.url }), anthropicDeployment({ upstream: anthropic.url })],
    }),
  });
});
after(async () => {
  await gw?.stop();
  await openai?.close();
  await anthropic?.close();
});

test('OpenAI upstream: x-request-id and x-ratelimit-* are relayed', async () => {
  openai.enqueue({ status: 200, body: { id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } },
  headers: { 'x-ratelimit-remaining-requests': '99', 'x-request-id': 'req_fixed_123', 'x-internal-secret': 'no' } });
  const res = await postJSON(`${gw.url}/v1/chat/completions`, { model: 'gpt-4o-mini', messages: [USER_HELLO] });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers.get('x-request-id'), 'req_fixed_123');
  assert.equal(res.headers.get('x-ratelimit-remaining-requests'), '99');
  assert.equal(res.headers.get('x-internal-secret'), null, 'only known headers are relayed');
});

test('Anthropic upstream: request-id is relayed on answers and on errors', async () => {
  const ok = await postJSON(`${gw.url}/v1/messages`, { model: 'claude-sonnet-4-5', max_tokens: 50, messages: [USER_HELLO] },
    { headers: { 'anthropic-version': '2023-06-01' } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.headers.get('request-id'), anthropic.requests.at(-1).requestId);

  anthropic.enqueue({ status: 429, headers: { 'retry-after': '7', 'anthropic-ratelimit-requests-remaining': '0' } });
  const limited = await postJSON(`${gw.url}/v1/messages`, { model: 'claude-sonnet-4-5', max_tokens: 50, messages: [USER_HELLO] },
    { headers: { 'anthropic-version': '2023-06-01' } });
  assert.equal(limited.status, 429, limited.text);
  assert.equal(limited.headers.get('request-id'), anthropic.requests.at(-1).requestId);
  assert.equal(limited.headers.get('anthropic-ratelimit-requests-remaining'), '0');
  assert.equal(limited.headers.get('retry-after'), '7');
});
