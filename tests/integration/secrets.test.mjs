// Upstream API keys never leave the gateway except in the upstream Authorization header: not in
// its logs (even at debug level), not in error bodies or headers sent to clients, not in
// --check-config messages.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { openaiError, startOpenAIMock } from '../mocks/openai-mock.mjs';
import {
  closedPort, deployment, gatewayConfig, postJSON, request, runGateway, startGateway, USER_HELLO, writeConfig,
} from './lib/gateway.mjs';

// Distinctive keys, so any leak (whole or of a long fragment) is unambiguous.
const KEYS = {
  live: 'sk-live-leakcheck-A1b2C3d4E5f6G7h8',
  slow: 'sk-slow-leakcheck-Z9y8X7w6V5u4T3s2',
  dead: 'sk-dead-leakcheck-Q1w2E3r4T5y6U7i8',
  wrong: 'sk-wrong-leakcheck-M1n2B3v4C5x6Z7l8',
};
const fragments = (k) => [k, k.slice(8), k.slice(-16)];

let mock;
let gw;
const seen = []; // every response text and header block the clients got

before(async () => {
  mock = await startOpenAIMock({ apiKey: KEYS.live });
  const dead = await closedPort();
  gw = await startGateway({
    logLevel: 'debug',
    config: gatewayConfig({
      deployments: [
        deployment({ alias: 'live', upstream: mock.url, apiKey: KEYS.live }),
        deployment({ alias: 'slow', upstream: mock.url, apiKey: KEYS.slow, timeout: 1 }),
        deployment({ alias: 'dead', apiBase: `http://127.0.0.1:${dead}/v1`, apiKey: KEYS.dead }),
        deployment({ alias: 'wrongkey', upstream: mock.url, apiKey: KEYS.wrong }),
      ],
    }),
  });
});
after(async () => {
  await gw?.stop();
  await mock?.close();
});

async function call(model, extra = {}) {
  const res = await postJSON(`${gw.url}/v1/chat/completions`, { model, messages: [USER_HELLO], ...extra },
    { signal: AbortSignal.timeout(20_000) });
  seen.push(res.text, JSON.stringify([...res.headers]));
  return res;
}

function assertNoKey(text, where) {
  for (const [name, key] of Object.entries(KEYS)) {
    for (const f of fragments(key)) assert.ok(!text.includes(f), `${name} key (fragment "${f}") leaked in ${where}`);
  }
}

describe('keys stay secret', () => {
  test('traffic of every kind: success, stream, refused, timeout, upstream 401, upstream 500', async () => {
    assert.equal((await call('live')).status, 200);
    // the upstream did get the deployment key, so the traffic below really carries it
    assert.equal(mock.requests[0].headers.authorization, `Bearer ${KEYS.live}`);
    assert.equal((await call('live', { stream: true })).status, 200);
    assert.equal((await call('dead')).status, 502);
    mock.enqueue({ hang: true, times: 10 });
    assert.equal((await call('slow')).status, 504);
    mock.reset();
    assert.ok((await call('wrongkey')).status >= 400); // the mock answers 401 "Incorrect API key provided"
    mock.enqueue({ status: 500, body: openaiError('boom', { type: 'server_error' }), times: 10 });
    assert.equal((await call('live')).status, 500);
    mock.reset();
    seen.push((await request(`${gw.url}/v1/models`)).text, (await request(`${gw.url}/health`)).text);
  });

  test('no key in any response body or header', () => {
    assertNoKey(seen.join('\n'), 'a response to a client');
  });

  test('no key in the gateway stdout/stderr at debug level', async () => {
    await new Promise((r) => setTimeout(r, 300)); // let async log lines land
    assertNoKey(gw.stdout(), 'stdout');
    assertNoKey(gw.stderr(), 'stderr');
  });

  test('no key in --check-config messages about the deployment holding it', async () => {
    const text = `model_list:\n  - model_name: x\n    litellm_params:\n      model: openai/x\n` +
      `      api_key: ${KEYS.live}\n      timeout: "never"\n`;
    const { dir, file } = writeConfig(text);
    try {
      const r = await runGateway(['--check-config', file]);
      assert.notEqual(r.code, 0);
      assertNoKey(r.stdout + r.stderr, '--check-config output');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
