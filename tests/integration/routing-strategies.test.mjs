// Routing strategies (router_settings.routing_strategy, served by the router-builtin plugin):
// weighted routing follows the weights; least-busy and latency-based routing move traffic away
// from a slow deployment; usage-based follows rpm headroom; cost-based goes to the cheapest.
// Each answer names its deployment (x-llmgw-deployment: pool#0, pool#1).
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { deployment, gatewayConfig, postJSON, runGateway, startGateway, UPSTREAM_KEY, USER_HELLO, writeConfig }
  from './lib/gateway.mjs';

const SLOW_MS = 250;
let fast;
let slow;

before(async () => {
  fast = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  slow = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
});
after(async () => {
  await fast?.close();
  await slow?.close();
});
beforeEach(() => { fast.reset(); slow.reset(); });

const body = { model: 'pool', messages: [USER_HELLO] };

/** A gateway over `pool` (deployment options per entry) with router-builtin and `router_settings`. */
async function withGateway(pool, routerSettings, fn, { load = ['provider-openai', 'router-builtin'] } = {}) {
  const config = {
    ...gatewayConfig({ deployments: pool.map((d) => deployment({ alias: 'pool', ...d })), load }),
    router_settings: routerSettings,
  };
  const gw = await startGateway({ config });
  try { await fn(gw); } finally { await gw.stop(); }
}

/** Sends `total` requests, `concurrency` at a time; returns how many each deployment answered. */
async function spread(gw, total, concurrency) {
  const counts = { 'pool#0': 0, 'pool#1': 0 };
  let next = 0;
  const worker = async () => {
    while (next < total) {
      next++;
      const res = await postJSON(`${gw.url}/v1/chat/completions`, body);
      assert.equal(res.status, 200, res.text);
      counts[res.headers.get('x-llmgw-deployment')]++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  assert.equal(counts['pool#0'] + counts['pool#1'], total, 'every answer named pool#0 or pool#1');
  return counts;
}

const slowForever = () => slow.enqueue({ delayMs: SLOW_MS, times: 100_000 });

test('weighted 3:1: within ±5 % of the weights over 2,000 requests, with and without router-builtin',
  async () => {
    const pool = [{ upstream: fast.url, extra: { weight: 3 } }, { upstream: fast.url, extra: { weight: 1 } }];
    for (const load of [['provider-openai', 'router-builtin'], ['provider-openai']]) {
      await withGateway(pool, { routing_strategy: 'simple-shuffle' }, async (gw) => {
        const counts = await spread(gw, 2000, 16);
        const share = counts['pool#0'] / 2000;
        assert.ok(share >= 0.70 && share <= 0.80, `${load.join('+')}: weight-3 share ${share} is 0.75 ± 0.05`);
      }, { load });
    }
  });

test('no weights given: the pool is weighted by rpm (1:3) as LiteLLM\'s simple-shuffle does', async () => {
  const pool = [{ upstream: fast.url, extra: { rpm: 1000 } }, { upstream: fast.url, extra: { rpm: 3000 } }];
  await withGateway(pool, { routing_strategy: 'simple-shuffle' }, async (gw) => {
    const counts = await spread(gw, 2000, 16);
    const share = counts['pool#1'] / 2000;
    assert.ok(share >= 0.70 && share <= 0.80, `rpm-3000 share ${share} is 0.75 ± 0.05`);
  });
});

test('least-busy: a slow deployment, holding calls in flight, gets little of a concurrent load', async () => {
  slowForever();
  // Control: simple-shuffle sends the slow deployment about half the calls.
  await withGateway([{ upstream: slow.url }, { upstream: fast.url }], { routing_strategy: 'simple-shuffle' },
    async (gw) => {
      const counts = await spread(gw, 120, 8);
      assert.ok(counts['pool#0'] >= 36, `simple-shuffle sent the slow one ${counts['pool#0']} of 120`);
    });
  await withGateway([{ upstream: slow.url }, { upstream: fast.url }], { routing_strategy: 'least-busy' },
    async (gw) => {
      const counts = await spread(gw, 240, 8);
      assert.ok(counts['pool#0'] <= 36, `least-busy sent the slow one ${counts['pool#0']} of 240 (at most 15 %)`);
    });
});

test('latency-based: once both were measured, every call goes to the fast deployment', async () => {
  slowForever();
  await withGateway([{ upstream: slow.url }, { upstream: fast.url }], { routing_strategy: 'latency-based-routing' },
    async (gw) => {
      const first = await spread(gw, 10, 1);
      // A deployment with no latency yet counts as the best: the slow one is tried, then avoided.
      assert.ok(first['pool#0'] >= 1 && first['pool#0'] <= 2, `slow one tried ${first['pool#0']} times of 10`);
      const rest = await spread(gw, 30, 1);
      assert.equal(rest['pool#0'], 0, 'no call went to the slow deployment after it was measured');
      // Concurrent calls too.
      const concurrent = await spread(gw, 64, 8);
      assert.equal(concurrent['pool#0'], 0);
    });
});

test('usage-based: calls follow rpm headroom', async () => {
  // Stay clear of a minute boundary, where the per-minute counts start again.
  if (Date.now() % 60_000 > 55_000) await sleep(60_000 - (Date.now() % 60_000) + 200);
  await withGateway([{ upstream: fast.url, extra: { rpm: 2 } }, { upstream: fast.url, extra: { rpm: 4 } }],
    { routing_strategy: 'usage-based-routing-v2' }, async (gw) => {
      // Headroom 2/2 vs 4/4, then 1/2 vs 4/4 (or 2/2 vs 3/4) ...: the first 6 calls fill both
      // limits in proportion, 2 and 4.
      const counts = await spread(gw, 6, 1);
      assert.deepEqual(counts, { 'pool#0': 2, 'pool#1': 4 });
    });
});

test('cost-based: every call goes to the cheapest deployment', async () => {
  await withGateway([
    { upstream: fast.url, extra: { input_cost_per_token: 0.0000025, output_cost_per_token: 0.00001 } },
    { upstream: fast.url, extra: { input_cost_per_token: 0.00000015, output_cost_per_token: 0.0000006 } },
  ], { routing_strategy: 'cost-based-routing' }, async (gw) => {
    assert.deepEqual(await spread(gw, 40, 4), { 'pool#0': 0, 'pool#1': 40 });
  });
});

test('a strategy no loaded plugin implements stops start-up with one line naming the plugin', async () => {
  const config = {
    ...gatewayConfig({ deployments: [deployment({ alias: 'pool', upstream: fast.url })] }),
    router_settings: { routing_strategy: 'least-busy' },
  };
  const { file } = writeConfig(config);
  const r = await runGateway(['--check-config', file]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /router_settings\.routing_strategy least-busy: no loaded router plugin implements it/);
  assert.match(r.stderr, /plugins\.load: \[router-builtin\]/);
});

test('a LiteLLM config with no plugins section gets router-builtin from the plugin folder', async () => {
  const { file } = writeConfig({
    model_list: [deployment({ alias: 'pool', upstream: fast.url })],
    router_settings: { routing_strategy: 'latency-based-routing' },
  });
  const r = await runGateway(['--check-config', file]);
  assert.equal(r.code, 0, r.stderr);
});
