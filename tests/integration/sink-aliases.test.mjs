// sinks[].aliases: a sink scoped to aliases receives only those aliases' events, while an
// unscoped sink of the same plugin (its own config: another file) receives every event.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { deployment, gatewayConfig, postJSON, startGateway, UPSTREAM_KEY } from './lib/gateway.mjs';
import { jsonLines } from './lib/json-lines.mjs';

const MASTER = 'sk-gw-master-sink-aliases-52d9';
let mock;
let gw;
let dir;
let scopedFile;
let allFile;

before(async () => {
  mock = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-sink-aliases-'));
  scopedFile = path.join(dir, 'scoped.jsonl');
  allFile = path.join(dir, 'all.jsonl');
  const config = gatewayConfig({
    masterKey: MASTER,
    deployments: [deployment({ alias: 'one', upstream: mock.url }), deployment({ alias: 'two', upstream: mock.url })],
    load: ['provider-openai', 'sink-request-log'],
  });
  config.sinks = [
    { plugin: 'sink-request-log', config: { path: scopedFile }, aliases: ['one'] },
    { plugin: 'sink-request-log', config: { path: allFile } },
  ];
  gw = await startGateway({ config });
});
after(async () => {
  await gw?.stop();
  await mock?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const chat = (model) => postJSON(`${gw.url}/v1/chat/completions`,
  { model, messages: [{ role: 'user', content: 'hi' }] }, { headers: { authorization: `Bearer ${MASTER}` } });

test('a sink scoped to alias "one" gets only its events; the unscoped sink gets all', async () => {
  for (const model of ['one', 'two', 'two', 'one', 'two']) assert.equal((await chat(model)).status, 200);
  const all = await jsonLines(allFile, 5);
  assert.deepEqual(all.map((e) => e.alias), ['one', 'two', 'two', 'one', 'two'], JSON.stringify(all[0]));
  const scoped = await jsonLines(scopedFile, 2);
  await new Promise((r) => setTimeout(r, 300));  // nothing more arrives late
  const again = await jsonLines(scopedFile, 2);
  assert.equal(again.length, 2, JSON.stringify(again));
  assert.deepEqual(scoped.map((e) => e.alias), ['one', 'one']);
  assert.deepEqual(scoped.map((e) => e.request_id), all.filter((e) => e.alias === 'one').map((e) => e.request_id));
});
