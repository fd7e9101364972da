// A stream opened before a reload keeps the guardrail and the sink it started with: the reload
// removes the output guardrail and points the request log at another file, while the upstream
// holds the stream open; the address it then sends still arrives as [EMAIL_1] and the stream's
// event goes to the old file. A request after the reload is neither redacted nor in the old file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { deployment, gatewayConfig, readSSE, request, startGateway, toYaml } from './lib/gateway.mjs';
import { chatAnswer, chunk, chunkEvent, STREAM_HEAD, startScriptedUpstream } from './lib/scripted-upstream.mjs';
import { jsonLines } from './lib/json-lines.mjs';

const MASTER = 'sk-gw-master-reload-stream-8e2b';
const auth = { authorization: `Bearer ${MASTER}` };
const EMAIL = 'john.doe@example.com';
let scripted;
let gw;
let dir;
let release;
let released;

function answer(socket, req) {
  const body = JSON.parse(req.body);
  if (!body.stream) {
    socket.write(chatAnswer(`Write to ${EMAIL} today.`));
    return;
  }
  socket.write(STREAM_HEAD + chunk(chunkEvent('Hello. ')));
  return released.then(() => {
    for (const p of ['Write to john.d', 'oe@example.com today.']) socket.write(chunk(chunkEvent(p)));
    socket.write(chunk(`data: ${JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1,
      model: 'gpt-4o-mini', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`) + chunk('data: [DONE]\n\n'));
    socket.write('0\r\n\r\n');
  });
}

const configOf = (logFile, guarded) => {
  const cfg = gatewayConfig({
    masterKey: MASTER,
    deployments: [deployment({ alias: 'gpt', model: 'gpt-4o-mini', upstream: scripted.url })],
    load: ['provider-openai', 'guardrail-pii', 'sink-request-log'],
  });
  if (guarded) cfg.guardrails = [{ plugin: 'guardrail-pii', phases: ['output'] }];
  cfg.sinks = [{ plugin: 'sink-request-log', config: { path: logFile } }];
  return cfg;
};

before(async () => {
  released = new Promise((r) => { release = r; });
  scripted = await startScriptedUpstream(answer);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-reload-stream-'));
  gw = await startGateway({ config: configOf(path.join(dir, 'old.jsonl'), true) });
});
after(async () => {
  await gw?.stop();
  await scripted?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('an open stream keeps its guardrail and its sink across a reload that removes and moves them', async () => {
  const oldFile = path.join(dir, 'old.jsonl');
  const newFile = path.join(dir, 'new.jsonl');
  const res = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ model: 'gpt', stream: true, messages: [{ role: 'user', content: 'hi' }] }) });
  assert.equal(res.status, 200);

  fs.writeFileSync(gw.configFile, `${toYaml(configOf(newFile, false))}\n`);
  const reload = await request(`${gw.url}/admin/reload`, { method: 'POST', headers: auth });
  assert.equal(reload.status, 200, reload.text);
  assert.equal(reload.json.guardrails, true);
  assert.equal(reload.json.sinks, true);
  // The new snapshot is live: a whole answer now passes unredacted and is logged to the new file.
  const now = await request(`${gw.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify({ model: 'gpt', messages: [{ role: 'user', content: 'hi' }] }) });
  assert.equal(now.status, 200, now.text);
  assert.match(now.text, /john\.doe@example\.com/);

  release();
  let text = '';
  let raw = '';
  for await (const e of readSSE(res.body)) {
    raw += e.raw;
    if (e.json) text += e.json.choices?.[0]?.delta?.content ?? '';
  }
  assert.equal(text, 'Hello. Write to [EMAIL_1] today.', raw);
  assert.ok(!raw.includes('example.com'), raw);
  assert.ok(raw.trimEnd().endsWith('data: [DONE]'));

  const old = await jsonLines(oldFile, 1);
  const fresh = await jsonLines(newFile, 1);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal((await jsonLines(oldFile, 1)).length, 1);
  assert.equal((await jsonLines(newFile, 1)).length, 1);
  assert.equal(old[0].stream, true, JSON.stringify(old[0]));
  assert.deepEqual(old[0].guardrails.map((g) => g.decision), ['modify'], JSON.stringify(old[0]));
  assert.equal(fresh[0].stream, false, JSON.stringify(fresh[0]));
});
