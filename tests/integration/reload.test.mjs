// Hot reload (issue 12, operations): SIGHUP re-reads the config file and swaps aliases,
// deployments and fallbacks at once; a stream opened before the swap finishes on the deployment
// it started on with every event.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, test } from 'node:test';
import { MOCK_TEXT, startOpenAIMock } from '../mocks/openai-mock.mjs';
import {
  deployment, gatewayConfig, postJSON, readSSE, request, startGateway, toYaml, UPSTREAM_KEY, USER_HELLO,
} from './lib/gateway.mjs';

const MASTER = 'sk-master-reload-test-91c7';
const auth = { authorization: `Bearer ${MASTER}` };

let mock1;
let mock2;

before(async () => {
  mock1 = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  mock2 = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
});
after(async () => {
  await mock1?.close();
  await mock2?.close();
});

const configOf = (deployments, extra = {}) => ({ ...gatewayConfig({ masterKey: MASTER, deployments }), ...extra });
const chat = (gw, model, extra = {}) => postJSON(`${gw.url}/v1/chat/completions`,
  { model, messages: [USER_HELLO], ...extra }, { headers: auth });
const rewrite = (gw, config) => fs.writeFileSync(gw.configFile, typeof config === 'string' ? config : `${toYaml(config)}\n`);

/** The aliases GET /v1/models lists. */
async function aliases(gw) {
  const res = await request(`${gw.url}/v1/models`, { headers: auth });
  assert.equal(res.status, 200, res.text);
  return res.json.data.map((m) => m.id).sort();
}

/** Waits until GET /v1/models lists exactly `want` (the reload is asynchronous to SIGHUP). */
async function untilAliases(gw, want, ms = 10_000) {
  const end = performance.now() + ms;
  for (;;) {
    const got = await aliases(gw);
    if (JSON.stringify(got) === JSON.stringify(want)) return;
    if (performance.now() > end) assert.fail(`aliases still ${JSON.stringify(got)}, want ${JSON.stringify(want)}\n${gw.logs()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('SIGHUP swaps routing; a stream opened before finishes on the old deployment with every event', async () => {
  mock1.reset();
  mock2.reset();
  const gw = await startGateway({ config: configOf([deployment({ alias: 'A', upstream: mock1.url })]) });
  try {
    assert.deepEqual(await aliases(gw), ['A']);
    // A stream that takes a while: ~15 events 120 ms apart, on mock 1.
    mock1.enqueue({ streamDelayMs: 120 });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ model: 'A', messages: [USER_HELLO], stream: true }),
    });
    assert.equal(res.status, 200);
    const events = [];
    const it = readSSE(res.body);
    const first = await it.next();
    events.push(first.value);

    // The new config: A on mock 2, and a new alias B.
    rewrite(gw, configOf([deployment({ alias: 'A', upstream: mock2.url }), deployment({ alias: 'B', upstream: mock2.url })]));
    gw.proc.kill('SIGHUP');
    await untilAliases(gw, ['A', 'B']);
    assert.equal(mock1.requests[0].finished, false, 'the stream was still running at the swap');

    // New calls: A goes to mock 2, B works (on mock 2); mock 1 gets nothing more.
    const a = await chat(gw, 'A');
    assert.equal(a.status, 200, a.text);
    const b = await chat(gw, 'B');
    assert.equal(b.status, 200, b.text);
    assert.equal(b.json.choices[0].message.content, MOCK_TEXT);
    assert.equal(mock2.requests.length, 2);
    assert.deepEqual(mock2.requests.map((r) => r.json.model), ['gpt-4o-mini', 'gpt-4o-mini']);

    // The old stream ends whole, every event from mock 1, then [DONE].
    for (let e = await it.next(); !e.done; e = await it.next()) events.push(e.value);
    assert.equal(mock1.requests.length, 1);
    assert.equal(events.length, mock1.requests[0].eventsSent, 'every event the upstream sent reached the client');
    assert.equal(events.at(-1).data, '[DONE]');
    assert.ok(events.every((e) => !e.incomplete));
    const text = events.filter((e) => e.json).map((e) => e.json.choices?.[0]?.delta?.content ?? '').join('');
    assert.equal(text, MOCK_TEXT);
  } finally {
    await gw.stop();
  }
});
