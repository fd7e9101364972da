// Self-test of the mock Bedrock Runtime: it must check SigV4 and reject what Bedrock rejects, and
// speak the Converse JSON and event-stream formats.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import { decodeMessages } from './bedrock-eventstream.mjs';
import { MOCK_TEXT, startBedrockMock } from './bedrock-mock.mjs';
import { signatureOf } from './bedrock-sigv4.mjs';
import { withStandalone } from './lib/self-test.mjs';

const KEY_ID = 'AKIAMOCKSELFTEST';
const SECRET = 'mock/secret+key';
const MODEL = 'us.anthropic.claude-3-5-sonnet-20240620-v1:0';
const HELLO = { messages: [{ role: 'user', content: [{ text: 'hi' }] }] };
const WEATHER = { toolSpec: { name: 'get_weather', inputSchema: { json: { type: 'object', properties: { location: { type: 'string' } } } } } };
let mock;
before(async () => { mock = await startBedrockMock({ region: 'us-east-1', credentials: { [KEY_ID]: { secretAccessKey: SECRET } } }); });
after(() => mock.close());
beforeEach(() => mock.reset());

/** A signed POST as the AWS SDKs send it; `tamper(headers)` may spoil it after signing. */
async function call(body, { stream = false, secret = SECRET, region = 'us-east-1', tamper = () => {}, port = mock.port, model = MODEL,
  op = stream ? 'converse-stream' : 'converse' } = {}) {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const path = `/model/${encodeURIComponent(model)}/${op}`;
  const amzDate = new Date().toISOString().replace(/[-:]|\.\d{3}/g, '');
  const headers = { host: `127.0.0.1:${port}`, 'content-type': 'application/json', 'x-amz-date': amzDate,
    'x-amz-content-sha256': createHash('sha256').update(payload).digest('hex') };
  const signedHeaders = Object.keys(headers).sort();
  const sig = signatureOf({ method: 'POST', path, headers, body: payload, secretAccessKey: secret, region, service: 'bedrock', signedHeaders, amzDate });
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${KEY_ID}/${amzDate.slice(0, 8)}/${region}/bedrock/aws4_request, SignedHeaders=${signedHeaders.join(';')}, Signature=${sig}`;
  tamper(headers);
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers, body: payload });
  const buf = Buffer.from(await res.arrayBuffer());
  let json;
  try { json = JSON.parse(buf.toString()); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, buf, json };
}

describe('rejects what Bedrock rejects', () => {
  test('a wrong secret → 403 InvalidSignatureException', async () => {
    const r = await call(HELLO, { secret: 'wrong' });
    assert.equal(r.status, 403);
    assert.match(r.headers.get('x-amzn-errortype'), /^InvalidSignatureException:/);
    assert.match(r.json.message, /signature we calculated does not match/);
  });
  test('the wrong region in the scope', async () => {
    assert.equal((await call(HELLO, { region: 'eu-west-1' })).status, 403);
  });
  test('a body changed after signing', async () => {
    const r = await call(HELLO, { tamper: (h) => { h['x-amz-content-sha256'] = '0'.repeat(64); } });
    assert.equal(r.status, 400);
  });
  test('no Authorization → MissingAuthenticationTokenException', async () => {
    const r = await call(HELLO, { tamper: (h) => { delete h.authorization; } });
    assert.equal(r.status, 403);
    assert.match(r.headers.get('x-amzn-errortype'), /^MissingAuthenticationTokenException/);
  });
  const expect = async (body, re) => {
    const r = await call(body);
    assert.equal(r.status, 400, r.buf.toString());
    assert.match(r.headers.get('x-amzn-errortype'), /^ValidationException:/);
    assert.match(r.json.message, re);
  };
  test('OpenAI-shaped content', () => expect({ messages: [{ role: 'user', content: 'hi' }] }, /messages\/0\/content/));
  test('assistant first', () => expect({ messages: [{ role: 'assistant', content: [{ text: 'x' }] }] }, /must start with a user message/));
  test('two user turns', () => expect({ messages: [HELLO.messages[0], HELLO.messages[0]] }, /alternate/));
  test('unknown member', () => expect({ ...HELLO, max_tokens: 5 }, /extraneous key \[max_tokens\]/));
  test('blank text', () => expect({ messages: [{ role: 'user', content: [{ text: '' }] }] }, /blank/));
  test('toolResult without toolConfig', () => expect({ messages: [
    { role: 'user', content: [{ text: 'w' }] }, { role: 'assistant', content: [{ toolUse: { toolUseId: 't1', name: 'f', input: {} } }] },
    { role: 'user', content: [{ toolResult: { toolUseId: 't1', content: [{ text: 'r' }] } }] }] }, /toolConfig field must be defined/));
});

describe('answers', () => {
  test('text, usage, request id', async () => {
    const r = await call(HELLO);
    assert.equal(r.status, 200);
    assert.equal(r.json.output.message.content[0].text, MOCK_TEXT);
    assert.equal(r.json.stopReason, 'end_turn');
    assert.ok(r.json.usage.inputTokens > 0);
    assert.ok(r.headers.get('x-amzn-requestid'));
  });
  test('tools and cache points: write, then read', async () => {
    const body = { system: [{ text: 'long system prompt '.repeat(50) }, { cachePoint: { type: 'default' } }],
      messages: [{ role: 'user', content: [{ text: 'weather?' }] }], toolConfig: { tools: [WEATHER] } };
    const first = await call(body);
    assert.equal(first.json.stopReason, 'tool_use');
    assert.equal(first.json.output.message.content.filter((c) => c.toolUse).length, 2);
    assert.ok(first.json.usage.cacheWriteInputTokens > 0);
    const again = await call(body);
    assert.equal(again.json.usage.cacheReadInputTokens, first.json.usage.cacheWriteInputTokens);
  });
  test('event stream with valid CRCs', async () => {
    const r = await call(HELLO, { stream: true });
    assert.equal(r.headers.get('content-type'), 'application/vnd.amazon.eventstream');
    const { messages, rest, error } = decodeMessages(r.buf);
    assert.equal(error, null);
    assert.equal(rest.length, 0);
    const events = messages.map((m) => m.headers[':event-type']);
    assert.deepEqual([events[0], ...events.slice(-2)], ['messageStart', 'messageStop', 'metadata']);
    assert.equal(messages.filter((m) => m.headers[':event-type'] === 'contentBlockDelta').map((m) => JSON.parse(m.payload).delta.text).join(''), MOCK_TEXT);
  });
  test('corruptCrc spoils one message', async () => {
    mock.enqueue({ corruptCrc: true, cutAfter: 3 });
    const { messages, error } = decodeMessages((await call(HELLO, { stream: true })).buf);
    assert.equal(error, 'message crc');
    assert.equal(messages.length, 3);
  });
});

test('standalone', async () => {
  await withStandalone(new URL('./bedrock-mock.mjs', import.meta.url), ['--port', '0', '--access-key-id', KEY_ID, '--secret-access-key', SECRET],
    async (port) => { assert.equal((await call(HELLO, { port })).status, 200); });
});

describe('InvokeModel embeddings', () => {
  const TITAN = 'amazon.titan-embed-text-v2:0';
  const COHERE = 'cohere.embed-english-v3';
  const invoke = (body, model) => call(body, { model, op: 'invoke' });
  test('Titan V2: one embedding, dimensions, token count in body and header', async () => {
    const r = await invoke({ inputText: 'hello', dimensions: 256, normalize: true }, TITAN);
    assert.equal(r.status, 200, r.buf.toString());
    assert.equal(r.json.embedding.length, 256);
    assert.ok(r.json.inputTextTokenCount > 0);
    assert.equal(r.headers.get('x-amzn-bedrock-input-token-count'), String(r.json.inputTextTokenCount));
  });
  test('Cohere embed: texts by type', async () => {
    const r = await invoke({ texts: ['a', 'b'], input_type: 'search_document', embedding_types: ['float'] }, COHERE);
    assert.equal(r.status, 200, r.buf.toString());
    assert.equal(r.json.embeddings.float.length, 2);
    assert.ok(Number(r.headers.get('x-amzn-bedrock-input-token-count')) > 0);
  });
  test('rejects what Bedrock rejects', async () => {
    const expect400 = async (body, model, re) => {
      const r = await invoke(body, model);
      assert.equal(r.status, 400, r.buf.toString());
      assert.match(r.headers.get('x-amzn-errortype'), /^ValidationException/);
      assert.match(r.json.message, re);
    };
    await expect400({ inputText: ['a', 'b'] }, TITAN, /required key \[inputText\]/);
    await expect400({ inputText: 'a', dimensions: 300 }, TITAN, /not a valid enum value/);
    await expect400({ inputText: 'a', texts: ['b'] }, TITAN, /extraneous key \[texts\]/);
    await expect400({ inputText: 'a', dimensions: 256 }, 'amazon.titan-embed-text-v1', /extraneous key \[dimensions\]/);
    await expect400({ texts: ['a'] }, COHERE, /input_type is required/);
    await expect400({ texts: ['a'], input_type: 'search_document', model: 'x' }, COHERE, /unknown field `model`/);
    const unsigned = await fetch(`${mock.url}/model/${TITAN}/invoke`, { method: 'POST', body: '{"inputText":"a"}' });
    assert.equal(unsigned.status, 403);
  });
});
