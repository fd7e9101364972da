// Admission leases (general_settings.admission_lease_calls, limits/admission_lease) through the
// real binary: two gateway instances on one real redis-server and a key whose RPM (1,500) lets
// the admit script grant leases at first: of 1,800 requests over both at most 1,500 succeed, and
// exactly 1,500 once the leases ended (leases count ahead in Redis, never behind, and none is
// granted near the limit); most calls of a
// class far from its limits are admitted without a round trip; a gateway stopped (SIGTERM)
// while it holds leases gives back their unused part, so Redis counts exactly the calls made; and
// with a budget every hold (the calls' own, the leases') is gone once the calls settled.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { UPSTREAM_KEY, deployment, gatewayConfig, postJSON, startGateway } from './lib/gateway.mjs';
import { adminWith, blast, generateKey, visibleEverywhere as visibleOn } from './lib/governed.mjs';
import { HAVE_REDIS, redisCommand, startRedis } from './lib/redis-server.mjs';

const SKIP = HAVE_REDIS ? false : 'redis-server is not on the PATH (scripts/install-deps.sh installs it)';
const MASTER = 'sk-gw-master-lease-51e0';
const running = [];
let openai;

function config({ dbFile, redisPort }) {
  const cfg = gatewayConfig({
    masterKey: MASTER,
    deployments: [deployment({ alias: 'gpt-4o-mini', model: 'gpt-4o-mini', upstream: openai.url,
      extra: { input_cost_per_token: 0.000001, output_cost_per_token: 0.000002 } })],
    router: { redis_host: '127.0.0.1', redis_port: redisPort },
  });
  cfg.general_settings.database_url = `sqlite://${dbFile}`;
  // A generous deadline: a call that misses it is admitted unchecked (fail open).
  cfg.general_settings.rate_limit_redis_timeout_ms = 2000;
  cfg.general_settings.admission_lease_calls = 32;
  return cfg;
}

const admin = adminWith(MASTER);
const CHAT = { model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: 'Say hello.' }] };
const visibleEverywhere = (gws, key) => visibleOn(gws, key, CHAT);
const chat = (gw, key) => postJSON(`${gw.url}/v1/chat/completions`, CHAT, { headers: { authorization: `Bearer ${key}` } });

const generate = (gw, body) => generateKey(admin, gw, body);

/** EVALSHA calls Redis has run so far. */
async function evalshaCalls(port) {
  const info = await redisCommand(port, 'INFO', 'commandstats');
  const m = /cmdstat_evalsha:calls=(\d+)/.exec(info);
  return m ? Number(m[1]) : 0;
}

/** Members of every request log (one key here). */
/** Redis' clock: the current second. */
async function redisSecond(port) {
  return Number((await redisCommand(port, 'TIME'))[0]);
}

/** Waits for the start of Redis' next second (the limits' clock). */
async function secondStart(port) {
  const t = await redisCommand(port, 'TIME');
  await sleep(1005 - Math.floor(Number(t[1]) / 1000));
}

async function requestsCounted(port) {
  const keys = await redisCommand(port, 'KEYS', 'llmgw:rl:v2:*:req');
  let n = 0;
  for (const k of keys) n += await redisCommand(port, 'ZCARD', k);
  return n;
}

before(async () => { openai = await startOpenAIMock({ apiKey: UPSTREAM_KEY }); });
after(async () => {
  for (const p of running.reverse()) await (p.stop?.() ?? p.kill?.());
  await openai?.close();
});

describe('admission leases, two instances, one Redis', { skip: SKIP }, () => {
  let redis;
  let a;
  let b;
  let dir;
  before(async () => {
    redis = await startRedis();
    running.push(redis);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-lease-'));
    const dbFile = path.join(dir, 'llmgw.db');
    a = await startGateway({ config: config({ dbFile, redisPort: redis.port }) });
    b = await startGateway({ config: config({ dbFile, redisPort: redis.port }) });
    running.push(a, b);
  });

  test('RPM 1,500 (leases granted at first): 1,800 requests over both instances, exactly 1,500 succeed', async () => {
    const key = await generate(a, { key_alias: 'lease-rpm', rpm_limit: 1500 });
    await visibleEverywhere([a, b], key);
    const trips = await evalshaCalls(redis.port);
    // A lease follows the class's call rate on its loop: the first 300 calls (counted like the
    // rest) let it build up, then 1,500 more at once.
    const answers = await blast(300, 8, (i) => chat(i % 2 ? b : a, key));
    answers.push(...await blast(1500, 40, (i) => chat(i % 2 ? b : a, key)));
    const made = (await evalshaCalls(redis.port)) - trips;
    const ok = answers.filter((r) => r.status === 200);
    assert.ok(ok.length <= 1500, `admitted ${ok.length}`);  // never more, at any moment
    // Leases were granted: fewer round trips than calls (each refusal makes one).
    assert.ok(made < 1500, `round trips ${made}`);
    // A lease still unused when the traffic stopped holds its part until its second ends; then
    // it is given back and the rest of the limit is there: 1,500 in all, exactly.
    await sleep(1200);
    assert.equal(await requestsCounted(redis.port), ok.length);
    const more = await blast(100, 10, (i) => chat(i % 2 ? b : a, key));
    const okMore = more.filter((r) => r.status === 200);
    assert.equal(ok.length + okMore.length, 1500, `admitted ${ok.length} + ${okMore.length}`);
    for (const r of [...answers, ...more].filter((x) => x.status !== 200)) {
      assert.equal(r.status, 429, r.text);
      assert.equal(r.json.error.code, 'rate_limit_exceeded');
    }
    assert.ok(!/rate limits: Redis did not answer/.test(a.logs() + b.logs()), 'no call failed open');
  });

  test('far from its limits a class is admitted mostly without a round trip; SIGTERM gives leases back', async (t) => {
    await redisCommand(redis.port, 'FLUSHALL');
    const key = await generate(a, { key_alias: 'lease-wide', rpm_limit: 1000000, tpm_limit: 1000000000 });
    await visibleEverywhere([a], key);
    // (At a second's start: a lease is sized to what is left of it, and all 300 calls fit in it.)
    await secondStart(redis.port);
    const started = await redisSecond(redis.port);
    const trips = await evalshaCalls(redis.port);
    const answers = await blast(300, 4, () => chat(a, key));
    const oneSecond = (await redisSecond(redis.port)) === started;
    assert.ok(answers.every((r) => r.status === 200));
    const made = (await evalshaCalls(redis.port)) - trips;
    // (A lease follows the class's rate on its loop and is of 8 calls at least: the first few
    // dozen calls of a class make their own round trips.)
    assert.ok(made <= 150, `round trips ${made} for 300 calls`);
    const remaining = answers.map((r) => Number(r.headers.get('x-ratelimit-remaining-requests')));
    // Within one second every call has its own figure. (Across a second's end the leases give
    // back what they did not use, and the count, so a figure can come again: a loaded machine
    // took over a second for the 300 calls once.)
    if (oneSecond) assert.equal(new Set(remaining).size, 300, 'every call its own remaining figure');
    else t.diagnostic('the calls spanned two seconds: figures not required distinct');
    await a.stop();
    // The drain gave back what the leases did not use: exactly the calls made.
    assert.equal(await requestsCounted(redis.port), 300);
  });

  test('with a budget: the leases hold it, each call settles its part, nothing is left held after SIGTERM', async () => {
    await redisCommand(redis.port, 'FLUSHALL');
    const key = await generate(b, { key_alias: 'lease-budget', rpm_limit: 1000000, tpm_limit: 1000000000,
      max_budget: 1000 });
    await visibleEverywhere([b], key);
    await secondStart(redis.port);
    const trips = await evalshaCalls(redis.port);
    const answers = await blast(300, 4, () => chat(b, key));
    assert.ok(answers.every((r) => r.status === 200 && r.headers.get('x-llmgw-cost')));
    const made = (await evalshaCalls(redis.port)) - trips;
    assert.ok(made <= 150, `round trips ${made} for 300 calls`);
    const leaseHolds = async () => {
      let n = 0;
      for (const k of await redisCommand(redis.port, 'KEYS', 'llmgw:bud:v2:key:*:held'))
        n += (await redisCommand(redis.port, 'HKEYS', k)).filter((f) => f.startsWith('lease:')).length;
      return n;
    };
    await b.stop();
    // Every hold (a call's own, and each lease's: its calls' parts and its return) is gone, and
    // the running sum with them: nothing over-held, nothing taken off twice.
    // (An emptied hash is deleted; the running sum stays, at 0.)
    const [sumKey] = await redisCommand(redis.port, 'KEYS', 'llmgw:bud:v2:key:*:hsum');
    assert.ok(sumKey, 'the budget was reserved in Redis');
    assert.equal(Number(await redisCommand(redis.port, 'GET', sumKey)), 0);
    assert.equal(await redisCommand(redis.port, 'HLEN', sumKey.replace(/:hsum$/, ':held')), 0);
    assert.equal(await redisCommand(redis.port, 'ZCARD', sumKey.replace(/:hsum$/, ':hexp')), 0);
    assert.equal(await leaseHolds(), 0);
  });
});
