// Reversible redaction through the gateway (guardrail-pii `reversible: true`, plugin ABI 1.2 per-call
// state): the personal data of a request goes upstream as placeholders ([EMAIL_1], [PHONE_1]), and
// the answer to that same request gets the client's values back — in both client dialects (OpenAI
// chat to an OpenAI upstream, Anthropic messages passthrough, Anthropic translated to OpenAI), whole
// and streamed, with a placeholder cut across SSE events at every offset. The mock upstreams check
// every request as the real APIs do and record it: they saw only placeholders. Another request's
// placeholders are not restored; a retry keeps the request's call.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startAnthropicMock } from '../mocks/anthropic-mock.mjs';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import {
  ANTHROPIC_UPSTREAM_KEY, UPSTREAM_KEY, anthropicDeployment, deployment, gatewayConfig, postJSON, readSSE,
  startGateway } from './lib/gateway.mjs';

const MASTER = 'sk-gw-master-reversible-9c2d';
const EMAIL = 'jane.roe@example.org';
const PHONE = '+44 20 7946 0958';
const PROMPT = `I am ${EMAIL}, call me on ${PHONE}.`;
// What the upstream answers: the placeholders it saw, and one that was never sent.
const ANSWER = 'Noted: [EMAIL_1] and [PHONE_1]; not [EMAIL_7].';
const RESTORED = `Noted: ${EMAIL} and ${PHONE}; not [EMAIL_7].`;

let openai;
let anthropic;
let gw;

before(async () => {
  openai = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  anthropic = await startAnthropicMock({ apiKey: ANTHROPIC_UPSTREAM_KEY });
  const cfg = gatewayConfig({
    masterKey: MASTER,
    router: { num_retries: 1, disable_cooldowns: true },
    deployments: [
      deployment({ alias: 'gpt', model: 'gpt-4o-mini', upstream: openai.url }),
      anthropicDeployment({ alias: 'claude', model: 'claude-sonnet-4-5', upstream: anthropic.url }),
    ],
    load: ['provider-openai', 'provider-anthropic', { path: 'guardrail-pii', config: { reversible: true } }],
  });
  cfg.guardrails = [{ plugin: 'guardrail-pii' }];
  gw = await startGateway({ config: cfg });
});
after(async () => {
  await gw?.stop();
  await openai?.close();
  await anthropic?.close();
});
beforeEach(() => {
  openai.reset();
  anthropic.reset();
});

const OH = { authorization: `Bearer ${MASTER}` };
const AH = { 'x-api-key': MASTER, 'anthropic-version': '2023-06-01' };

/** Asserts that the one request `mock` received carried placeholders only. */
function sawPlaceholdersOnly(mock) {
  assert.equal(mock.requests.length >= 1, true);
  for (const r of mock.requests) {
    const sent = r.body.toString('utf8');
    assert.ok(sent.includes('I am [EMAIL_1], call me on [PHONE_1].'), sent);
    assert.ok(!sent.includes(EMAIL) && !sent.includes('7946'), sent);
  }
}

/** POSTs a streaming request; the text of its deltas (picked per event) and the raw bytes. */
async function streamText(url, body, headers, pick) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body) });
  assert.equal(res.status, 200, await (res.status === 200 ? '' : res.text()));
  let text = '';
  let raw = '';
  for await (const e of readSSE(res.body)) {
    raw += e.raw;
    if (e.json) text += pick(e.json) ?? '';
  }
  return { text, raw };
}
const openaiDelta = (j) => j.choices?.[0]?.delta?.content;
const anthropicDelta = (j) => (j.type === 'content_block_delta' && j.delta.type === 'text_delta' ? j.delta.text : '');

/** ANSWER in two pieces cut at `cut`. */
const cutAt = (cut) => [ANSWER.slice(0, cut), ANSWER.slice(cut)];

describe('OpenAI chat', () => {
  test('whole answer: the upstream saw placeholders, the client gets its values back', async () => {
    openai.enqueue({ content: ANSWER });
    const res = await postJSON(`${gw.url}/v1/chat/completions`,
      { model: 'gpt', messages: [{ role: 'user', content: PROMPT }] }, { headers: OH });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.choices[0].message.content, RESTORED);
    sawPlaceholdersOnly(openai);
  });

  test('stream: a placeholder cut across two events at every offset is restored', async () => {
    for (let cut = 0; cut <= ANSWER.length; cut++) {
      openai.reset();
      openai.enqueue({ content: ANSWER, pieces: cutAt(cut) });
      const { text, raw } = await streamText(`${gw.url}/v1/chat/completions`,
        { model: 'gpt', stream: true, messages: [{ role: 'user', content: PROMPT }] }, OH, openaiDelta);
      assert.equal(text, RESTORED, `cut ${cut}: ${raw}`);
      assert.ok(raw.trimEnd().endsWith('data: [DONE]'), `cut ${cut}`);
      sawPlaceholdersOnly(openai);
    }
  });

  test('stream: one byte per event', async () => {
    openai.enqueue({ content: ANSWER, pieces: [...ANSWER] });
    const { text } = await streamText(`${gw.url}/v1/chat/completions`,
      { model: 'gpt', stream: true, messages: [{ role: 'user', content: PROMPT }] }, OH, openaiDelta);
    assert.equal(text, RESTORED);
  });

  test("another request's placeholders are not restored", async () => {
    openai.enqueue({ content: ANSWER });
    const res = await postJSON(`${gw.url}/v1/chat/completions`,
      { model: 'gpt', messages: [{ role: 'user', content: 'Nothing personal here.' }] }, { headers: OH });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.choices[0].message.content, ANSWER);
  });

  test('a retry keeps the call: the second attempt\'s answer is restored', async () => {
    openai.enqueue({ status: 500 });
    openai.enqueue({ content: ANSWER, pieces: cutAt(ANSWER.indexOf('[PHONE_1]') + 4) });
    const { text } = await streamText(`${gw.url}/v1/chat/completions`,
      { model: 'gpt', stream: true, messages: [{ role: 'user', content: PROMPT }] }, OH, openaiDelta);
    assert.equal(text, RESTORED);
    assert.equal(openai.requests.length, 2);
    sawPlaceholdersOnly(openai);
  });
});

describe('Anthropic messages', () => {
  test('passthrough, whole answer', async () => {
    anthropic.enqueue({ text: ANSWER });
    const res = await postJSON(`${gw.url}/v1/messages`,
      { model: 'claude', max_tokens: 64, messages: [{ role: 'user', content: PROMPT }] }, { headers: AH });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.content[0].text, RESTORED);
    sawPlaceholdersOnly(anthropic);
  });

  test('passthrough stream: a placeholder cut across text_delta events at every offset', async () => {
    for (let cut = 0; cut <= ANSWER.length; cut++) {
      anthropic.reset();
      anthropic.enqueue({ text: ANSWER, pieces: cutAt(cut) });
      const { text, raw } = await streamText(`${gw.url}/v1/messages`,
        { model: 'claude', stream: true, max_tokens: 64, messages: [{ role: 'user', content: PROMPT }] }, AH,
        anthropicDelta);
      assert.equal(text, RESTORED, `cut ${cut}: ${raw}`);
      assert.ok(raw.indexOf('content_block_stop') > raw.lastIndexOf('text_delta'), `cut ${cut}`);
      sawPlaceholdersOnly(anthropic);
    }
  });

  test('translated to an OpenAI upstream, whole and streamed', async () => {
    openai.enqueue({ content: ANSWER });
    const res = await postJSON(`${gw.url}/v1/messages`,
      { model: 'gpt', max_tokens: 64, messages: [{ role: 'user', content: PROMPT }] }, { headers: AH });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.content[0].text, RESTORED);
    for (const cut of [ANSWER.indexOf('[EMAIL_1]') + 1, ANSWER.indexOf('[PHONE_1]') + 8]) {
      openai.enqueue({ content: ANSWER, pieces: cutAt(cut) });
      const { text } = await streamText(`${gw.url}/v1/messages`,
        { model: 'gpt', stream: true, max_tokens: 64, messages: [{ role: 'user', content: PROMPT }] }, AH,
        anthropicDelta);
      assert.equal(text, RESTORED, `cut ${cut}`);
    }
    sawPlaceholdersOnly(openai);
  });
});
