// Ollama's OpenAI-compatible endpoint (issue 13: "Ollama native /api/chat … besides its
// OpenAI-compatible /v1"): a LiteLLM deployment `openai/<model>` with `api_base:
// http://<ollama>:11434/v1` goes through provider-openai to the Ollama mock's /v1/chat/completions,
// for OpenAI and Anthropic clients, whole and streamed, with usage and Ollama's errors.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MOCK_TEXT, startOllamaMock } from '../mocks/ollama-mock.mjs';
import { deployment, gatewayConfig, postJSON, startGateway } from './lib/gateway.mjs';

let mock;
let gw;

before(async () => {
  mock = await startOllamaMock({ models: ['llama3.2'] });
  gw = await startGateway({ config: gatewayConfig({
    deployments: [
      // As LiteLLM's docs write it: the key is required by the client and ignored by Ollama.
      deployment({ alias: 'local', model: 'llama3.2', apiBase: `${mock.url}/v1`, apiKey: 'ollama' }),
      deployment({ alias: 'not-pulled', model: 'llama9', apiBase: `${mock.url}/v1`, apiKey: 'ollama' }),
    ],
    load: ['provider-openai'], router: { num_retries: 0 } }) });
});
after(async () => {
  await gw?.stop();
  await mock?.close();
});

const chat = (body) => postJSON(`${gw.url}/v1/chat/completions`, body);

test('OpenAI client, whole answer: Ollama\'s /v1 answer passes through with its usage', async () => {
  const r = await chat({ model: 'local', messages: [{ role: 'user', content: 'Hello' }] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.choices[0].message.content, MOCK_TEXT);
  assert.equal(r.json.system_fingerprint, 'fp_ollama');
  assert.ok(r.json.usage.prompt_tokens > 0 && r.json.usage.completion_tokens > 0);
  const sent = mock.requests.at(-1);
  assert.equal(sent.path, '/v1/chat/completions');
  assert.equal(sent.json.model, 'llama3.2');
});

test('OpenAI client, stream: chunks and [DONE] through the gateway, usage when asked', async () => {
  const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'local', stream: true, stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Hello' }] }) });
  assert.equal(res.status, 200);
  const text = await res.text();
  const events = text.split('\n\n').filter((e) => e.startsWith('data: ')).map((e) => e.slice(6));
  assert.equal(events.at(-1), '[DONE]');
  const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
  assert.equal(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''), MOCK_TEXT);
  assert.equal(chunks.find((c) => c.choices[0]?.finish_reason).choices[0].finish_reason, 'stop');
  assert.ok(chunks.at(-1).usage.completion_tokens > 0, text);
});

test('Anthropic client: translated to and from Ollama\'s /v1', async () => {
  const r = await postJSON(`${gw.url}/v1/messages`, { model: 'local', max_tokens: 64, messages: [{ role: 'user', content: 'Hello' }] },
    { headers: { 'anthropic-version': '2023-06-01' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.type, 'message');
  assert.equal(r.json.content[0].text, MOCK_TEXT);
  assert.equal(r.json.stop_reason, 'end_turn');
  assert.ok(r.json.usage.output_tokens > 0);
});

test('a model Ollama has not pulled: its 404 in the client\'s dialect', async () => {
  const r = await chat({ model: 'not-pulled', messages: [{ role: 'user', content: 'Hello' }] });
  assert.equal(r.status, 404, r.text);
  assert.match(r.json.error.message, /not found, try pulling it first/);
});
