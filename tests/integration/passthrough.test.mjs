// Same-dialect passthrough: OpenAI client → gateway → OpenAI upstream. The upstream gets the
// client's bytes with only the model value replaced and the deployment's key; the client gets the
// upstream's bytes unchanged, streams included, each SSE event flushed as it arrives.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { deployment, gatewayConfig, postJSON, readSSE, startGateway, UPSTREAM_KEY } from './lib/gateway.mjs';

const CLIENT_KEY = 'sk-client-key-must-not-go-upstream';
const UPSTREAM_MODEL = 'gpt-4o-mini-2024-07-18';
let mock;
let gw;
let chatUrl;

before(async () => {
  mock = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  gw = await startGateway({
    config: gatewayConfig({
      deployments: [
        deployment({ alias: 'my-alias', model: UPSTREAM_MODEL, upstream: mock.url }),
        deployment({ alias: 'gpt-4o-mini', model: 'gpt-4o-mini', upstream: mock.url }),
      ],
    }),
  });
  chatUrl = `${gw.url}/v1/chat/completions`;
});
after(async () => {
  await gw?.stop();
  await mock?.close();
});
beforeEach(() => mock.reset());

const auth = { authorization: `Bearer ${CLIENT_KEY}` };

// Odd but valid JSON: spacing, escapes, key order, 1.0 — any re-serialisation would change it.
const CLIENT_BODY = '{\n  "messages" : [ {"role":"user","content":"h\\u00e9llo \\"quoted\\" \\/ slash \u00fc"} ],\n' +
  '  "temperature": 1.0,\n  "model" :  "my-alias",   "max_tokens":64, "seed": 7 }';
const EXPECTED_UPSTREAM = CLIENT_BODY.replace('"my-alias"', `"${UPSTREAM_MODEL}"`);

describe('non-stream passthrough', () => {
  test('client gets the upstream response bytes unchanged', async () => {
    const res = await postJSON(chatUrl, CLIENT_BODY, { headers: auth });
    assert.equal(res.status, 200, res.text);
    assert.match(res.headers.get('content-type'), /^application\/json/);
    assert.equal(mock.requests.length, 1);
    assert.equal(res.raw.toString('utf8'), mock.requests[0].responseBody.toString('utf8'));
    assert.ok(res.raw.equals(mock.requests[0].responseBody), 'bytes differ');
  });

  test('upstream body = client body byte for byte, except the model value', async () => {
    await postJSON(chatUrl, CLIENT_BODY, { headers: auth });
    const rec = mock.requests[0];
    assert.equal(rec.method, 'POST');
    assert.equal(rec.path.split('?')[0], '/v1/chat/completions');
    assert.equal(rec.body.toString('utf8'), EXPECTED_UPSTREAM);
    assert.ok(rec.body.equals(Buffer.from(EXPECTED_UPSTREAM, 'utf8')), 'bytes differ');
  });

  test('upstream gets Authorization: Bearer <deployment key>, never the client key', async () => {
    await postJSON(chatUrl, CLIENT_BODY, { headers: auth });
    const rec = mock.requests[0];
    assert.equal(rec.headers.authorization, `Bearer ${UPSTREAM_KEY}`);
    for (let i = 1; i < rec.rawHeaders.length; i += 2) {
      assert.ok(!rec.rawHeaders[i].includes(CLIENT_KEY), `client key forwarded in ${rec.rawHeaders[i - 1]}`);
    }
    assert.match(rec.headers['content-type'] ?? '', /^application\/json/);
  });

  test('the model in the answer is the upstream model (passthrough, not rewritten)', async () => {
    const res = await postJSON(chatUrl, CLIENT_BODY, { headers: auth });
    assert.equal(res.json.model, UPSTREAM_MODEL);
  });

  test('two requests in a row on one client connection both pass through', async () => {
    const a = await postJSON(chatUrl, CLIENT_BODY, { headers: auth });
    const b = await postJSON(chatUrl, CLIENT_BODY, { headers: auth });
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.equal(mock.requests.length, 2);
    assert.ok(b.raw.equals(mock.requests[1].responseBody));
  });
});

describe('stream passthrough', () => {
  const streamBody = JSON.stringify({
    model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'Say hello.' }],
  });

  test('include_usage: events in order, usage chunk with choices [], [DONE] last, bytes unchanged', async () => {
    const res = await fetch(chatUrl, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: streamBody });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type'), /^text\/event-stream/);
    const events = [];
    for await (const ev of readSSE(res.body)) events.push(ev);
    const rec = mock.requests[0];
    assert.equal(rec.body.toString(), streamBody, 'upstream body differs from client body');
    assert.equal(events.map((e) => e.raw).join(''), rec.responseBody.toString('utf8'));
    assert.equal(events.at(-1).data, '[DONE]');
    assert.equal(events.filter((e) => e.data === '[DONE]').length, 1);
    const chunks = events.slice(0, -1).map((e) => e.json);
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    const usage = chunks.at(-1);
    assert.deepEqual(usage.choices, []);
    assert.ok(usage.usage.prompt_tokens > 0 && usage.usage.completion_tokens > 0);
    assert.equal(chunks.at(-2).choices[0].finish_reason, 'stop');
  });

  test('each SSE event is flushed as it arrives (upstream 200 ms apart)', async () => {
    mock.enqueue({ streamDelayMs: 200, content: 'one two three four' });
    const body = JSON.stringify({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'count' }] });
    const t0 = performance.now();
    const res = await fetch(chatUrl, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body });
    const events = [];
    for await (const ev of readSSE(res.body)) events.push(ev);
    assert.equal(events.length, 7, events.map((e) => e.data).join('\n')); // role, 4 words, finish, [DONE]
    const first = events[0].at - t0;
    const last = events.at(-1).at - t0;
    assert.ok(first < 600, `first event after ${first.toFixed(0)} ms`);
    assert.ok(last - first >= 1000, `first ${first.toFixed(0)} ms, last ${last.toFixed(0)} ms: events were batched`);
    // Each event reached the client before the upstream even wrote the next one.
    const sentAt = mock.requests[0].responseChunkTimes;
    assert.equal(sentAt.length, events.length);
    for (let i = 0; i + 1 < events.length; i++) {
      const lead = sentAt[i + 1] - events[i].at;
      assert.ok(lead > 0, `event ${i} reached the client ${(-lead).toFixed(0)} ms after the upstream sent event ${i + 1}: held back`);
    }
  });
});
