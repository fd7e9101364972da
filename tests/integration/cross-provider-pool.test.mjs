// An alias may span providers: a pool of an OpenAI and an Anthropic deployment, and a fallback
// from an OpenAI alias to an Anthropic one. Whichever answers, each client gets its own dialect.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { MOCK_TEXT as ANTHROPIC_TEXT, startAnthropicMock } from '../mocks/anthropic-mock.mjs';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import {
  anthropicDeployment, ANTHROPIC_UPSTREAM_KEY, deployment, gatewayConfig, postJSON, readSSE, startGateway,
  UPSTREAM_KEY, USER_HELLO,
} from './lib/gateway.mjs';

let openai;
let anthropic;
let gw;

before(async () => {
  openai = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  anthropic = await startAnthropicMock({ apiKey: ANTHROPIC_UPSTREAM_KEY });
  const config = gatewayConfig({ deployments: [
    { ...deployment({ alias: 'mixed', model: 'gpt-4o-mini', upstream: openai.url }), model_info: { id: 'mixed-openai' } },
    { ...anthropicDeployment({ alias: 'mixed', model: 'claude-sonnet-4-5', upstream: anthropic.url }), model_info: { id: 'mixed-anthropic' } },
    { ...deployment({ alias: 'gpt', model: 'gpt-4o-mini', upstream: openai.url }), model_info: { id: 'gpt-openai' } },
    { ...anthropicDeployment({ alias: 'claude', model: 'claude-sonnet-4-5', upstream: anthropic.url }), model_info: { id: 'claude-anthropic' } },
  ] });
  config.router_settings = { num_retries: 0, disable_cooldowns: true, fallbacks: [{ gpt: ['claude'] }] };
  gw = await startGateway({ config });
});
after(async () => {
  await gw?.stop();
  await openai?.close();
  await anthropic?.close();
});
beforeEach(() => { openai.reset(); anthropic.reset(); });

const chat = (model, extra = {}) => postJSON(`${gw.url}/v1/chat/completions`, { model, messages: [USER_HELLO], ...extra });

test('a pool across providers: the OpenAI deployment fails, the Anthropic one answers in OpenAI shape', async () => {
  openai.enqueue({ status: 503, times: 100 });
  let viaAnthropic = 0;
  for (let i = 0; i < 8; i++) {
    const res = await chat('mixed');
    assert.equal(res.status, 200, res.text);
    assert.equal(res.headers.get('x-llmgw-deployment'), 'mixed-anthropic');
    const body = JSON.parse(res.text);
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.choices[0].message.content, ANTHROPIC_TEXT);
    if (res.headers.get('x-llmgw-attempts') === '2') viaAnthropic++;
  }
  assert.equal(anthropic.requests.length, 8);
  assert.equal(viaAnthropic, openai.requests.length, 'every call that met the failing OpenAI deployment moved on');
});

test('a stream in the same pool fails over before its first byte and arrives as OpenAI chunks', async () => {
  openai.enqueue({ status: 500, times: 100 });
  for (let i = 0; i < 4; i++) {
    const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mixed', messages: [USER_HELLO], stream: true }) });
    assert.equal(res.status, 200);
    let text = '';
    const events = [];
    for await (const e of readSSE(res.body)) {
      events.push(e.data);
      if (e.data !== '[DONE]') text += JSON.parse(e.data).choices?.[0]?.delta?.content ?? '';
    }
    assert.equal(events.at(-1), '[DONE]');
    assert.equal(text, ANTHROPIC_TEXT);
  }
});

test('an Anthropic client on the same pool: the failing OpenAI deployment is skipped, the answer is passthrough', async () => {
  openai.enqueue({ status: 503, times: 100 });
  const res = await postJSON(`${gw.url}/v1/messages`, { model: 'mixed', max_tokens: 64, messages: [{ role: 'user', content: 'Say hello.' }] },
    { headers: { 'anthropic-version': '2023-06-01' } });
  assert.equal(res.status, 200, res.text);
  const body = JSON.parse(res.text);
  assert.equal(body.type, 'message');
  assert.equal(body.content[0].text, ANTHROPIC_TEXT);
  assert.equal(res.headers.get('x-llmgw-deployment'), 'mixed-anthropic');
});

test('a fallback from an OpenAI alias to an Anthropic alias keeps the OpenAI client\'s dialect', async () => {
  openai.enqueue({ status: 429, times: 5 });
  const res = await chat('gpt');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers.get('x-llmgw-deployment'), 'claude-anthropic');
  assert.equal(res.headers.get('x-llmgw-attempts'), '2');
  const body = JSON.parse(res.text);
  assert.equal(body.choices[0].message.content, ANTHROPIC_TEXT);
  assert.equal(openai.requests.length, 1);
  assert.equal(anthropic.requests.length, 1);
  assert.equal(anthropic.requests[0].json.model, 'claude-sonnet-4-5');
});
