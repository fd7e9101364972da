// Rate limits of virtual keys and teams (issue 11) through the real binary: two gateway instances
// sharing one real redis-server and one SQLite database; 1,000 requests spread over both against
// a key with RPM 300 → exactly 300 succeed, the rest are refused with 429 in the client's dialect
// and x-ratelimit-* headers computed from the same counters; the same for TPM and for a team limit
// binding two keys; parallel requests; Redis gone → fail open, counted. Without Redis each
// instance holds the limit on its own.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { startAnthropicMock } from '../mocks/anthropic-mock.mjs';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import {
  ANTHROPIC_UPSTREAM_KEY, UPSTREAM_KEY, anthropicDeployment, closedPort, deployment, gatewayConfig, postJSON, request,
  startGateway } from './lib/gateway.mjs';
import { adminWith, blast, generateKey, visibleEverywhere as visibleOn } from './lib/governed.mjs';
import { HAVE_REDIS, redisCommand, startRedis } from './lib/redis-server.mjs';

const SKIP = HAVE_REDIS ? false : 'redis-server is not on the PATH (scripts/install-deps.sh installs it)';
const MASTER = 'sk-gw-master-ratelimits-8c1d';
const running = [];
let openai;
let anthropic;

function config({ dbFile, redisPort, general = {} }) {
  const cfg = gatewayConfig({
    masterKey: MASTER,
    deployments: [
      deployment({ alias: 'gpt-4o-mini', model: 'gpt-4o-mini', upstream: openai.url }),
      deployment({ alias: 'embed', model: 'text-embedding-3-small', upstream: openai.url }),
      anthropicDeployment({ alias: 'claude-sonnet-4-5', upstream: anthropic.url }),
    ],
    router: redisPort ? { redis_host: '127.0.0.1', redis_port: redisPort } : undefined,
  });
  cfg.general_settings.database_url = `sqlite://${dbFile}`;
  Object.assign(cfg.general_settings, general);
  return cfg;
}

/** Two gateways on one database (and one Redis when `redisPort`). */
async function twoGateways(redisPort) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-rl-'));
  const dbFile = path.join(dir, 'llmgw.db');
  // A generous deadline: on a loaded CI machine a 100 ms round trip can happen, and a call that
  // misses it is admitted unchecked (fail open), which would make the counts below unprovable.
  const general = { rate_limit_redis_timeout_ms: 2000 };
  const a = await startGateway({ config: config({ dbFile, redisPort, general }) });
  const b = await startGateway({ config: config({ dbFile, redisPort, general }) });
  running.push(a, b);
  return { a, b, dir };
}

const admin = adminWith(MASTER);
const CHAT = { model: 'gpt-4o-mini', max_tokens: 16, messages: [{ role: 'user', content: 'Say hello.' }] };
const visibleEverywhere = (gws, key) => visibleOn(gws, key, CHAT);
const chat = (gw, key, body = CHAT) => postJSON(`${gw.url}/v1/chat/completions`, body,
  { headers: { authorization: `Bearer ${key}` } });

const generate = (gw, body) => generateKey(admin, gw, body);

function checkRefusal(res, { limitHeader, limit }) {
  assert.equal(res.status, 429, res.text);
  assert.equal(res.json.error.type, 'rate_limit_error');
  assert.equal(res.json.error.code, 'rate_limit_exceeded');
  const retry = Number(res.headers.get('retry-after'));
  assert.ok(retry >= 1 && retry <= 60, `retry-after ${retry}`);
  assert.equal(res.headers.get(`x-ratelimit-limit-${limitHeader}`), String(limit));
  assert.match(res.headers.get(`x-ratelimit-reset-${limitHeader}`), /^(\d+m)?\d+(\.\d+)?s$|^\d+ms$/);
}

before(async () => {
  openai = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  anthropic = await startAnthropicMock({ apiKey: ANTHROPIC_UPSTREAM_KEY });
});
after(async () => {
  for (const p of running.reverse()) await (p.stop?.() ?? p.kill?.());
  await openai?.close();
  await anthropic?.close();
});

describe('two instances, one Redis', { skip: SKIP }, () => {
  let redis;
  let a;
  let b;
  before(async () => {
    redis = await startRedis();
    running.push(redis);
    ({ a, b } = await twoGateways(redis.port));
  });

  test('RPM 300: of 1,000 requests over both instances exactly 300 succeed, each remaining count once', async () => {
    const key = await generate(a, { key_alias: 'rpm', rpm_limit: 300 });
    await visibleEverywhere([a, b], key);
    const answers = await blast(1000, 40, (i) => chat(i % 2 ? b : a, key));
    const ok = answers.filter((r) => r.status === 200);
    const refused = answers.filter((r) => r.status !== 200);
    assert.equal(ok.length, 300, `admitted ${ok.length}`);
    for (const r of refused) {
      checkRefusal(r, { limitHeader: 'requests', limit: 300 });
      assert.equal(r.headers.get('x-ratelimit-remaining-requests'), '0');
    }
    // One counter for both instances: every remaining value from 299 down to 0 exactly once.
    const remaining = ok.map((r) => Number(r.headers.get('x-ratelimit-remaining-requests'))).sort((x, y) => x - y);
    assert.deepEqual(remaining, Array.from({ length: 300 }, (_, i) => i));
    for (const r of ok) assert.equal(r.headers.get('x-ratelimit-limit-requests'), '300');
    assert.ok(ok.some((r) => r.headers.get('x-llmgw-request-id')));
    assert.ok(!/rate limits: Redis did not answer/.test(a.logs() + b.logs()), 'no call failed open');
  });

  test('TPM: reservations by estimate, exactly limit / tokens-per-call succeed', async () => {
    const body = { ...CHAT, messages: [{ role: 'user', content: 'Count the tokens of this one.' }] };
    const bytes = Buffer.byteLength(JSON.stringify(body));
    const perCall = Math.ceil(bytes / 4) + body.max_tokens;  // the gateway's estimate
    // The mock reports exactly the estimate, so reconciliation changes nothing.
    openai.enqueue({ usage: { prompt_tokens: perCall - body.max_tokens, completion_tokens: body.max_tokens,
      total_tokens: perCall }, times: 1000 });
    const limit = perCall * 300;
    const key = await generate(a, { key_alias: 'tpm', tpm_limit: limit });
    await visibleEverywhere([a, b], key);
    const answers = await blast(1000, 40, (i) => chat(i % 2 ? b : a, key, body));
    openai.reset();
    const ok = answers.filter((r) => r.status === 200);
    assert.equal(ok.length, 300, `admitted ${ok.length}`);
    for (const r of answers.filter((x) => x.status !== 200)) {
      checkRefusal(r, { limitHeader: 'tokens', limit });
      assert.ok(Number(r.headers.get('x-ratelimit-remaining-tokens')) < perCall);
      assert.match(r.json.error.message, /tokens per minute/);
    }
    const remaining = ok.map((r) => Number(r.headers.get('x-ratelimit-remaining-tokens'))).sort((x, y) => x - y);
    assert.deepEqual(remaining, Array.from({ length: 300 }, (_, i) => i * perCall));
  });

  test('TPM is reconciled with the usage reported: a call that used less gives the rest back', async () => {
    const body = { ...CHAT, max_tokens: 2000 };
    const estimate = Math.ceil(Buffer.byteLength(JSON.stringify(body)) / 4) + 2000;
    const key = await generate(a, { key_alias: 'tpm-reconcile', tpm_limit: estimate + 500 });
    await visibleEverywhere([a, b], key);
    openai.enqueue({ usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 }, times: 2 });
    const first = await chat(a, key, body);
    assert.equal(first.status, 200, first.text);
    assert.equal(first.headers.get('x-ratelimit-remaining-tokens'), '500');
    // The refund (estimate − 30) is sent after the answer: the next call fits once it landed.
    let second;
    for (let i = 0; i < 20; i++) {
      second = await chat(b, key, body);
      if (second.status === 200) break;
      await sleep(50);
    }
    assert.equal(second.status, 200, second.text);
    assert.equal(second.headers.get('x-ratelimit-remaining-tokens'), String(500 - 30));
    openai.reset();
  });

  test('a team limit binds all its keys, across instances', async () => {
    const team = await admin(a, '/team/new', { team_alias: 'rl-team', rpm_limit: 300 });
    assert.equal(team.status, 200, team.text);
    const k1 = await generate(a, { key_alias: 'team-1', team_id: team.json.team_id });
    const k2 = await generate(b, { key_alias: 'team-2', team_id: team.json.team_id });
    await visibleEverywhere([a, b], k1);
    await visibleEverywhere([a, b], k2);
    const answers = await blast(1000, 40, (i) => chat(i % 2 ? b : a, (i >> 1) % 2 ? k2 : k1));
    const ok = answers.filter((r) => r.status === 200);
    assert.equal(ok.length, 300, `admitted ${ok.length}`);
    for (const r of answers.filter((x) => x.status !== 200)) {
      checkRefusal(r, { limitHeader: 'requests', limit: 300 });
      assert.match(r.json.error.message, /team 'rl-team'|team '/);
    }
  });

  test('max_parallel_requests: slots held for the call, freed at its end', async () => {
    const key = await generate(a, { key_alias: 'parallel', max_parallel_requests: 2 });
    await visibleEverywhere([a, b], key);
    openai.enqueue({ delayMs: 600, times: 2 });
    const slow = [chat(a, key), chat(b, key)];
    await sleep(250);
    const third = await chat(a, key);
    assert.equal(third.status, 429, third.text);
    // Both slots are leases in Redis while the calls run…
    const parKeys = await redisCommand(redis.port, 'KEYS', 'llmgw:rl:v2:key:*:par');
    const held = [];
    for (const k of parKeys) if (await redisCommand(redis.port, 'ZCARD', k) === 2) held.push(k);
    assert.equal(held.length, 1, parKeys.join(' '));
    assert.match(third.json.error.message, /parallel requests: limit 2/);
    const done = await Promise.all(slow);
    assert.deepEqual(done.map((r) => r.status), [200, 200]);
    let again;
    for (let i = 0; i < 20; i++) {
      again = await chat(b, key);
      if (again.status === 200) break;
      await sleep(50);
    }
    assert.equal(again.status, 200);
    // …released by the finish script when they end, not left to expire.
    await sleep(100);
    assert.equal(await redisCommand(redis.port, 'ZCARD', held[0]), 0);
  });

  test('Anthropic clients get the 429 in their dialect', async () => {
    const key = await generate(a, { key_alias: 'anthropic', rpm_limit: 1 });
    await visibleEverywhere([a, b], key);
    const send = (gw) => postJSON(`${gw.url}/v1/messages`,
      { model: 'claude-sonnet-4-5', max_tokens: 32, messages: [{ role: 'user', content: 'Hi' }] },
      { headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01' } });
    assert.equal((await send(a)).status, 200);
    const res = await send(b);
    assert.equal(res.status, 429, res.text);
    assert.equal(res.json.type, 'error');
    assert.equal(res.json.error.type, 'rate_limit_error');
    assert.ok(Number(res.headers.get('retry-after')) >= 1);
    assert.equal(res.headers.get('x-ratelimit-limit-requests'), '1');
    assert.equal(res.headers.get('x-ratelimit-remaining-requests'), '0');
  });

  test('one RPM counter for every route: chat, messages, embeddings (count_tokens is not counted)', async () => {
    const key = await generate(a, { key_alias: 'routes', rpm_limit: 3 });
    await visibleEverywhere([a, b], key);
    const anthropicHeaders = { 'x-api-key': key, 'anthropic-version': '2023-06-01' };
    const count = () => postJSON(`${b.url}/v1/messages/count_tokens`,
      { model: 'claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hi' }] }, { headers: anthropicHeaders });
    const embed = (gw) => postJSON(`${gw.url}/v1/embeddings`, { model: 'embed', input: 'hello' },
      { headers: { authorization: `Bearer ${key}` } });
    assert.equal((await chat(a, key)).status, 200);
    assert.equal((await count()).status, 200);
    const m = await postJSON(`${b.url}/v1/messages`,
      { model: 'claude-sonnet-4-5', max_tokens: 32, messages: [{ role: 'user', content: 'Hi' }] }, { headers: anthropicHeaders });
    assert.equal(m.status, 200, m.text);
    assert.equal(m.headers.get('x-ratelimit-remaining-requests'), '1');
    const e = await embed(a);
    assert.equal(e.status, 200, e.text);
    assert.equal(e.headers.get('x-ratelimit-remaining-requests'), '0');
    const over = await embed(b);
    checkRefusal(over, { limitHeader: 'requests', limit: 3 });
    assert.equal((await count()).status, 200);
  });

  test('the counters live in Redis under versioned keys', async () => {
    const keys = await redisCommand(redis.port, 'KEYS', 'llmgw:rl:v2:*');
    assert.ok(keys.length > 0);
    assert.ok(keys.every((k) => /^llmgw:rl:v2:(key|team|model):.+:(req|tok|par)$/.test(k)), keys.join(' '));
  });

  test('Redis gone: calls fail open, counted in /metrics', async () => {
    const key = await generate(a, { key_alias: 'open', rpm_limit: 2 });
    await visibleEverywhere([a, b], key);
    await redis.kill();
    const answers = await blast(10, 5, () => chat(a, key));
    assert.deepEqual(answers.map((r) => r.status), new Array(10).fill(200));
    const metrics = await request(`${a.url}/metrics`, { headers: { authorization: `Bearer ${MASTER}` } });
    const m = /llmgw_rate_limit_redis_unavailable_total (\d+)/.exec(metrics.text);
    assert.ok(m && Number(m[1]) >= 10, metrics.text.slice(0, 200));
    assert.match(a.logs(), /rate limits: Redis did not answer/);
  });
});

describe('no Redis: each instance holds the limit alone', () => {
  test('RPM 50 on two instances without Redis: 50 on each', async () => {
    const { a, b } = await twoGateways(undefined);
    const key = await generate(a, { key_alias: 'local', rpm_limit: 50 });
    await visibleEverywhere([a, b], key);
    const answers = await blast(300, 20, (i) => chat(i % 2 ? b : a, key).then((r) => ({ r, gw: i % 2 })));
    const okA = answers.filter(({ r, gw }) => r.status === 200 && gw === 0).length;
    const okB = answers.filter(({ r, gw }) => r.status === 200 && gw === 1).length;
    assert.equal(okA, 50);
    assert.equal(okB, 50);
    for (const { r } of answers.filter(({ r: x }) => x.status !== 200)) checkRefusal(r, { limitHeader: 'requests', limit: 50 });
  });
});

describe('rate_limit_fail_closed: no Redis to ask → 503, unlimited keys unaffected', () => {
  test('a limited key is refused with 503 and Retry-After; a key without limits is served', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-rl-'));
    const gw = await startGateway({ config: config({ dbFile: path.join(dir, 'llmgw.db'), redisPort: await closedPort(),
      general: { rate_limit_fail_closed: true, rate_limit_redis_timeout_ms: 30 } }) });
    running.push(gw);
    const limited = await generate(gw, { key_alias: 'closed', rpm_limit: 10 });
    const free = await generate(gw, { key_alias: 'free' });
    await visibleEverywhere([gw], limited);
    await visibleEverywhere([gw], free);
    const res = await chat(gw, limited);
    assert.equal(res.status, 503, res.text);
    assert.equal(res.json.error.code, 'rate_limiter_unavailable');
    assert.equal(res.headers.get('retry-after'), '1');
    assert.equal((await chat(gw, free)).status, 200);
  });
});
