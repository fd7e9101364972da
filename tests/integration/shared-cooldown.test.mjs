// Cooldowns shared through Redis (router_settings.redis_host/redis_port): two llmgw instances
// with the same config and one redis-server agree on a cooldown set by either, and killing
// redis-server under load fails no request (each instance falls back to its own state and logs
// one warning), then they share again once Redis is back.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, beforeEach, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { HAVE_REDIS, redisCommand, startRedis } from './lib/redis-server.mjs';
import { deployment, gatewayConfig, postJSON, startGateway, UPSTREAM_KEY, USER_HELLO } from './lib/gateway.mjs';

const SKIP = HAVE_REDIS ? false : 'redis-server is not on the PATH (scripts/install-deps.sh installs it)';

/** Polls until fn() is truthy (or `ms` passed); returns its last value. */
async function until(fn, ms = 3000) {
  const deadline = Date.now() + ms;
  let v;
  while (!(v = await fn()) && Date.now() < deadline) await sleep(25);
  return v;
}

// ---------------------------------------------------------------------------------------------

let x;
let y;
const running = [];

before(async () => {
  x = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  y = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
});
after(async () => {
  for (const p of running) await p.stop?.() ?? p.kill?.();
  await x?.close();
  await y?.close();
});
beforeEach(() => { x?.reset(); y?.reset(); });

const body = { model: 'pool', messages: [USER_HELLO] };
const send = (gw) => postJSON(`${gw.url}/v1/chat/completions`, body);

/** redis-server and two gateways with the same config: pool = [x (pool#0), y (pool#1)]. */
async function cluster() {
  const redis = await startRedis();
  const config = {
    ...gatewayConfig({ deployments: [x.url, y.url].map((u) => deployment({ alias: 'pool', upstream: u })) }),
    router_settings: { allowed_fails: 1, cooldown_time: 120, redis_host: '127.0.0.1', redis_port: redis.port },
  };
  const a = await startGateway({ config });
  const b = await startGateway({ config });
  running.push(a, b, redis);
  return {
    redis, a, b,
    async stop() { await a.stop(); await b.stop(); await redis.kill(); },
  };
}

for (const [setter, other] of [['a', 'b'], ['b', 'a']]) {
  test(`a cooldown set through instance ${setter.toUpperCase()} holds on instance ${other.toUpperCase()}`, { skip: SKIP }, async () => {
    const c = await cluster();
    try {
      // One failure of X (allowed_fails: 1) through the setter cools X; the call moves to Y.
      x.enqueue({ status: 500, times: 1 });
      for (let i = 0; i < 40 && x.requests.length === 0; i++) assert.equal((await send(c[setter])).status, 200);
      assert.equal(x.requests.length, 1, 'X answered its 500');
      const key = await until(async () => (await redisCommand(c.redis.port, 'KEYS', 'llmgw:cooldown:*'))[0]);
      assert.equal(key, 'llmgw:cooldown:pool#0', 'the cooldown reached Redis');
      await sleep(300);  // a few sync rounds of the other instance
      for (let i = 0; i < 30; i++) {
        const res = await send(c[other]);
        assert.equal(res.status, 200, res.text);
        assert.equal(res.headers.get('x-llmgw-deployment'), 'pool#1');
        assert.equal(res.headers.get('x-llmgw-attempts'), '1', 'X was not even tried');
      }
      for (let i = 0; i < 10; i++) assert.equal((await send(c[setter])).status, 200);
      assert.equal(x.requests.length, 1, 'no call reached X on either instance');
    } finally {
      await c.stop();
    }
  });
}

test('redis-server killed under a steady stream of requests through both instances: no request fails', { skip: SKIP }, async () => {
  const c = await cluster();
  try {
    const statuses = [];
    let stop = false;
    const worker = async (gw) => {
      while (!stop) {
        try {
          const res = await send(gw);
          statuses.push(res.status === 200 ? 200 : `${res.status} ${res.text.slice(0, 200)}`);
        } catch (e) {
          statuses.push(`error ${e.message}`);
        }
      }
    };
    const workers = [c.a, c.a, c.b, c.b].map(worker);
    await sleep(800);
    assert.ok(await until(async () => (await redisCommand(c.redis.port, 'KEYS', 'llmgw:usage:*')).length > 0),
      'usage is shared while Redis is up');
    const beforeKill = statuses.length;
    await c.redis.kill();
    await sleep(1500);
    stop = true;
    await Promise.all(workers);

    const failed = statuses.filter((s) => s !== 200);
    assert.deepEqual(failed, [], 'every request succeeded');
    assert.ok(statuses.length - beforeKill > 20, `requests kept flowing after the kill (${statuses.length - beforeKill})`);
    for (const gw of [c.a, c.b]) {
      const warnings = gw.logs().split('\n').filter((l) => /Redis at 127\.0\.0\.1:\d+ db 0 is unavailable/.test(l));
      assert.equal(warnings.length, 1, `one warning per instance:\n${gw.logs()}`);
      assert.equal(gw.logs().split('\n').filter((l) => /redis/i.test(l)).length, 1, 'nothing else about Redis, nothing per request');
      const metrics = await (await fetch(`${gw.url}/metrics`)).text();
      assert.match(metrics, /^llmgw_redis_unavailable_total 1$/m, `the outage is counted once in /metrics:\n${metrics}`);
    }

    // Redis back (empty, same port): both instances share again without a restart.
    const restarted = spawn('redis-server', ['--port', String(c.redis.port), '--bind', '127.0.0.1', '--save', '',
      '--appendonly', 'no', '--daemonize', 'no'], { stdio: 'ignore' });
    running.push({ kill: () => restarted.kill('SIGKILL') });
    try {
      const ok = await until(async () => {
        await Promise.all([send(c.a), send(c.b)]);
        try {
          return (await redisCommand(c.redis.port, 'KEYS', 'llmgw:usage:*')).length > 0;
        } catch { return false; }
      }, 6000);
      assert.ok(ok, 'usage counters reach the restarted Redis');
    } finally {
      restarted.kill('SIGKILL');
    }
  } finally {
    await c.stop();
  }
});
