// Request bodies in sink events under guardrails (issue 12: "bodies only when enabled, and then
// after guardrail redaction"): with guardrail-pii and a request-log sink that asks for bodies,
//   - a request the guardrail passed logs its body as it went upstream: redacted;
//   - a request it blocked, and requests refused before the guardrail phase (wrong key, unknown
//     model), log no body at all: the personal data they hold never reaches the sink.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { deployment, gatewayConfig, postJSON, startGateway, UPSTREAM_KEY } from './lib/gateway.mjs';
import { jsonLines } from './lib/json-lines.mjs';

const MASTER = 'sk-gw-master-sink-bodies-7a41';
const EMAIL = 'jane.doe@example.org';
const SSN = '078-05-1120';

let mock;
let gw;
let dir;
let logFile;

before(async () => {
  mock = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-sink-bodies-'));
  logFile = path.join(dir, 'requests.jsonl');
  const config = gatewayConfig({
    masterKey: MASTER,
    deployments: [deployment({ alias: 'gpt', upstream: mock.url })],
    load: ['provider-openai', { path: 'guardrail-pii', config: { detectors: { us_ssn: 'block' } } },
      { path: 'sink-request-log', config: { path: logFile, include_bodies: true } }],
  });
  config.guardrails = [{ plugin: 'guardrail-pii' }];
  config.sinks = [{ plugin: 'sink-request-log', include_bodies: true }];
  gw = await startGateway({ config });
});
after(async () => {
  await gw?.stop();
  await mock?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const chat = (content, { key = MASTER, model = 'gpt' } = {}) => postJSON(`${gw.url}/v1/chat/completions`,
  { model, messages: [{ role: 'user', content }] }, { headers: { authorization: `Bearer ${key}` } });

test('a passed request logs its redacted body; blocked and refused ones log none', async () => {
  const passed = await chat(`Write to ${EMAIL} today.`);
  assert.equal(passed.status, 200, passed.text);
  const blocked = await chat(`My SSN is ${SSN}.`);
  assert.equal(blocked.status, 400, blocked.text);
  const wrongKey = await chat(`My SSN is ${SSN}.`, { key: 'sk-not-a-key' });
  assert.equal(wrongKey.status, 401, wrongKey.text);
  const unknown = await chat(`My SSN is ${SSN}.`, { model: 'no-such-model' });
  assert.equal(unknown.status, 404, unknown.text);

  const list = await jsonLines(logFile, 4);
  const text = fs.readFileSync(logFile, 'utf8');
  assert.equal(list.length, 4);
  const [ok, deny, unauthorized, notFound] = list;
  assert.equal(ok.status, 200);
  assert.match(ok.request_body, /Write to \[EMAIL_1\] today\./);
  assert.equal(ok.guardrails[0].decision, 'modify');  // the input phase (then the answer's)
  assert.equal(deny.status, 400);
  assert.deepEqual(deny.guardrails.map((g) => g.decision), ['deny']);  // no call, no output phase
  for (const e of [deny, unauthorized, notFound]) assert.equal('request_body' in e, false, JSON.stringify(e));
  assert.equal(unauthorized.status, 401);
  assert.equal(notFound.status, 404);
  // Neither the address nor the number is anywhere in what the sink received.
  assert.ok(!text.includes(EMAIL), text);
  assert.ok(!text.includes(SSN), text);
});
