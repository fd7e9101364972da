// Self-test of the mock Ollama server: it must reject what Ollama rejects and speak NDJSON.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { postJSON } from '../integration/lib/gateway.mjs';
import { MOCK_TEXT, startOllamaMock } from './ollama-mock.mjs';
import { withStandalone } from './lib/self-test.mjs';

let mock;
let url;
const HELLO = { model: 'llama3.2', messages: [{ role: 'user', content: 'hi' }], stream: false };
before(async () => { mock = await startOllamaMock({ models: ['llama3.2', 'gemma'], noTools: ['gemma'] }); url = `${mock.url}/api/chat`; });
after(() => mock.close());
beforeEach(() => mock.reset());

describe('rejects what Ollama rejects', () => {
  const expect = async (body, status, re) => {
    const r = await postJSON(url, body);
    assert.equal(r.status, status, r.text);
    assert.match(r.json.error, re);
  };
  test('no model', () => expect({ messages: [] }, 400, /model is required/));
  test('model not pulled', () => expect({ ...HELLO, model: 'llama9' }, 404, /not found, try pulling it first/));
  test('arguments as a string', () => expect({ ...HELLO, messages: [{ role: 'assistant', content: '',
    tool_calls: [{ function: { name: 'f', arguments: '{}' } }] }] }, 400, /cannot unmarshal string/));
  test('bad images', () => expect({ ...HELLO, messages: [{ role: 'user', content: 'x', images: ['data:image/png;base64,xx'] }] }, 400, /base64/));
  test('bad format', () => expect({ ...HELLO, format: 'yaml' }, 400, /invalid format/));
  test('content parts (OpenAI shape)', () => expect({ ...HELLO, messages: [{ role: 'user', content: [{ type: 'text', text: 'x' }] }] }, 400, /cannot unmarshal array/));
  test('tools on a model without tools', () => expect({ ...HELLO, model: 'gemma', tools: [{ type: 'function', function: { name: 'f' } }] }, 400, /does not support tools/));
});

describe('answers', () => {
  test('whole answer with counts', async () => {
    const r = await postJSON(url, HELLO);
    assert.equal(r.json.message.content, MOCK_TEXT);
    assert.equal(r.json.done, true);
    assert.equal(r.json.done_reason, 'stop');
    assert.ok(r.json.prompt_eval_count > 0 && r.json.eval_count > 0);
  });
  test('NDJSON stream by default', async () => {
    const res = await fetch(url, { method: 'POST', body: JSON.stringify({ ...HELLO, stream: undefined }) });
    assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(lines.map((l) => l.message.content).join(''), MOCK_TEXT);
    assert.equal(lines.at(-1).done, true);
  });
  test('tool calls', async () => {
    const r = await postJSON(url, { ...HELLO, messages: [{ role: 'user', content: 'weather?' }], tools: [{ type: 'function', function: { name: 'get_weather' } }] });
    assert.equal(r.json.message.tool_calls.length, 2);
    assert.deepEqual(r.json.message.tool_calls[0].function.arguments, { location: 'Paris' });
  });
});

test('standalone', async () => {
  await withStandalone(new URL('./ollama-mock.mjs', import.meta.url), ['--port', '0'], async (port) => {
    assert.equal((await postJSON(`http://127.0.0.1:${port}/api/chat`, HELLO)).status, 200);
  });
});

describe('/api/embed', () => {
  const embedUrl = () => `${mock.url}/api/embed`;
  test('a string and an array, prompt_eval_count, dimensions', async () => {
    let r = await postJSON(embedUrl(), { model: 'llama3.2', input: 'why is the sky blue?' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.embeddings.length, 1);
    assert.equal(r.json.embeddings[0].length, 768);
    assert.ok(r.json.prompt_eval_count > 0);
    r = await postJSON(embedUrl(), { model: 'llama3.2', input: ['a', 'b'], dimensions: 32 });
    assert.equal(r.json.embeddings.length, 2);
    assert.equal(r.json.embeddings[1].length, 32);
  });
  test('rejects token ids, bad dimensions, unknown models', async () => {
    let r = await postJSON(embedUrl(), { model: 'llama3.2', input: [1, 2, 3] });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /invalid input type/);
    r = await postJSON(embedUrl(), { model: 'llama3.2', input: 'a', dimensions: 4096 });
    assert.equal(r.status, 400);
    assert.match(r.json.error, /dimensions/);
    r = await postJSON(embedUrl(), { model: 'nomic', input: 'a' });
    assert.equal(r.status, 404);
  });
});
