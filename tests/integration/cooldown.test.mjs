// Cooldowns: a deployment that answered 429 with Retry-After, or failed allowed_fails times in a
// row, gets no traffic while another one can serve; then it is tried again. When every
// deployment is cooling down the client gets 429 with a Retry-After saying when to come back.
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { closedPort, deployment, gatewayConfig, postJSON, startGateway, UPSTREAM_KEY, USER_HELLO } from './lib/gateway.mjs';

let a;
let b;

before(async () => {
  a = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  b = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
});
after(async () => {
  await a?.close();
  await b?.close();
});
beforeEach(() => { a.reset(); b.reset(); });

const body = { model: 'pool', messages: [USER_HELLO] };

async function withGateway(upstreams, routerSettings, fn) {
  const config = {
    ...gatewayConfig({ deployments: upstreams.map((u) => deployment({ alias: 'pool', upstream: u })) }),
    router_settings: routerSettings,
  };
  const gw = await startGateway({ config });
  try { await fn(gw); } finally { await gw.stop(); }
}

const send = (gw) => postJSON(`${gw.url}/v1/chat/completions`, body);

test('429 with Retry-After: no traffic to that deployment in the window, a probe after it', async () => {
  await withGateway([a.url, b.url], { allowed_fails: 100 }, async (gw) => {
    a.enqueue({ status: 429, headers: { 'retry-after': '2' }, times: 1 });
    // Send until a request has landed on A (each pick is weighted random).
    for (let i = 0; i < 40 && a.requests.length === 0; i++) assert.equal((await send(gw)).status, 200);
    assert.equal(a.requests.length, 1, 'A answered its 429');
    const started = Date.now();
    for (let i = 0; i < 15; i++) assert.equal((await send(gw)).status, 200);
    assert.ok(Date.now() - started < 1800, 'the burst ran inside the Retry-After window');
    assert.equal(a.requests.length, 1, 'no call reached A while it was cooling down');
    await sleep(2200);
    for (let i = 0; i < 20 && a.requests.length === 1; i++) assert.equal((await send(gw)).status, 200);
    assert.ok(a.requests.length > 1, 'A is tried again after its cooldown');
  });
});

test('allowed_fails consecutive failures take a deployment out for cooldown_time', async () => {
  const refused = `http://127.0.0.1:${await closedPort()}`;
  await withGateway([refused, b.url], { allowed_fails: 2, cooldown_time: 30 }, async (gw) => {
    let retries = 0;
    for (let i = 0; i < 30; i++) {
      const res = await send(gw);
      assert.equal(res.status, 200, res.text);
      if (res.headers.get('x-llmgw-attempts') === '2') retries++;
    }
    assert.equal(retries, 2, 'after two failures the refusing deployment is not tried again');
  });
});

test('every deployment cooling down: 429 from the gateway with Retry-After, no upstream call', async () => {
  await withGateway([a.url, b.url], { num_retries: 0 }, async (gw) => {
    a.enqueue({ status: 429, headers: { 'retry-after': '3' }, times: 5 });
    b.enqueue({ status: 429, headers: { 'retry-after': '3' }, times: 5 });
    const first = await send(gw);
    assert.equal(first.status, 429, first.text);
    assert.equal(a.requests.length + b.requests.length, 2, 'both deployments were tried once');
    const res = await send(gw);
    assert.equal(res.status, 429, res.text);
    assert.equal(JSON.parse(res.text).error.code, 'deployments_cooling_down');
    const wait = Number(res.headers.get('retry-after'));
    assert.ok(wait >= 1 && wait <= 3, `Retry-After ${wait} says when the first deployment returns`);
    assert.equal(a.requests.length + b.requests.length, 2, 'no upstream call while all are cooling down');
  });
});
