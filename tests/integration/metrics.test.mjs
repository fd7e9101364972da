// GET /metrics: Prometheus text with each deployment's live state and the registered counters.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { closedPort, deployment, gatewayConfig, postJSON, startGateway, UPSTREAM_KEY, USER_HELLO } from './lib/gateway.mjs';

let good;
let gw;

before(async () => {
  good = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  const refused = `http://127.0.0.1:${await closedPort()}`;
  const config = gatewayConfig({ deployments: [
    { ...deployment({ alias: 'pool', upstream: refused }), model_info: { id: 'down' } },
    { ...deployment({ alias: 'pool', upstream: good.url }), model_info: { id: 'up' } },
  ] });
  config.router_settings = { allowed_fails: 1, cooldown_time: 60 };
  gw = await startGateway({ config });
});
after(async () => {
  await gw?.stop();
  await good?.close();
});

/** The value of `name{deployment="id",...}` in the exposition text. */
function sample(text, name, id) {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{deployment="${id}"`));
  assert.ok(line, `${name} for ${id} missing:\n${text}`);
  return Number(line.split(' ').at(-1));
}

test('per-deployment gauges follow the traffic: requests, cooldown, latency', async () => {
  for (let i = 0; i < 6; i++) assert.equal((await postJSON(`${gw.url}/v1/chat/completions`, { model: 'pool', messages: [USER_HELLO] })).status, 200);
  const res = await fetch(`${gw.url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(text, /# TYPE llmgw_deployment_in_flight gauge/);
  assert.equal(sample(text, 'llmgw_deployment_requests_this_minute', 'up'), 6);
  assert.equal(sample(text, 'llmgw_deployment_in_flight', 'up'), 0);
  assert.equal(sample(text, 'llmgw_deployment_cooling_down', 'down'), 1, 'the refusing deployment is cooling down');
  assert.equal(sample(text, 'llmgw_deployment_cooling_down', 'up'), 0);
  assert.ok(sample(text, 'llmgw_deployment_latency_ewma_seconds', 'up') > 0);
  assert.ok(sample(text, 'llmgw_deployment_latency_ewma_seconds', 'down') >= 10, 'a failure counts as a slow call');
  assert.ok(sample(text, 'llmgw_deployment_recent_failures', 'down') >= 1);
});
