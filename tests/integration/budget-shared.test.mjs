// Budgets exact across instances: two gateways on one database and one real redis-server hold
// every budget reservation in Redis (policy/redis_reservation_store), priced by a table written
// here against a scripted upstream whose answers report fixed usage ($0.0019 a call):
//   - calls alternating between the instances, faster than either's key cache reads the other's
//     ledger rows: exactly the calls that fit succeed (the crossing one too), every later one is
//     refused on both instances in the client's dialect (OpenAI and Anthropic);
//   - concurrent calls over both instances never overrun the budget by more than one call;
//   - a cancelled stream and a failed-over call leave no reservation in Redis;
//   - a call the rate limits refuse (the limits' and the budget's scripts go to Redis together)
//     leaves no reservation in Redis and is charged nothing;
//   - a call the budget refuses takes no RPM slot either: admission is all or nothing.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gatewayConfig, postJSON, request, startGateway } from './lib/gateway.mjs';
import { HAVE_REDIS, redisCommand, startRedis } from './lib/redis-server.mjs';
import { STREAM_HEAD, chunk, chunkEvent, sleep, startScriptedUpstream } from './lib/scripted-upstream.mjs';

const SKIP = HAVE_REDIS ? false : 'redis-server is not on the PATH (scripts/install-deps.sh installs it)';
const MASTER = 'sk-gw-master-budget-shared-51d0';
const USAGE = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 200 } };
const PRICES = {
  'budget-model': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, cache_read_input_token_cost: 5e-7,
    max_output_tokens: 1000, litellm_provider: 'openai' },
};
const COST_MICRO = 1900;  // 800 × 1e-6 + 200 × 5e-7 + 500 × 2e-6 = $0.0019

let up;
let redis;
let dir;
let a;
let b;

function answer(socket, body) {
  const text = JSON.stringify({
    id: 'chatcmpl-s', object: 'chat.completion', created: 1, model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: USAGE,
  });
  socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
}

async function hang(socket) {
  socket.write(STREAM_HEAD);
  for (let i = 0; i < 10_000 && !socket.destroyed; ++i) {
    socket.write(chunk(chunkEvent('tok ')));
    await sleep(20);
  }
}

function config(dbFile) {
  const cfg = gatewayConfig({
    masterKey: MASTER,
    deployments: [
      { model_name: 'priced', litellm_params: { model: 'openai/budget-model', api_base: `${up.url}/v1`, api_key: 'sk-up' } },
      { model_name: 'failover', litellm_params: { model: 'openai/broken-model', api_base: `${up.url}/v1`, api_key: 'sk-up',
        weight: 1000000 }, model_info: { id: 'fo-broken' } },
      { model_name: 'failover', litellm_params: { model: 'openai/budget-model', api_base: `${up.url}/v1`, api_key: 'sk-up',
        weight: 1 }, model_info: { id: 'fo-good' } },
    ],
    router: { num_retries: 0, redis_host: '127.0.0.1', redis_port: redis.port },
  });
  cfg.general_settings.database_url = `sqlite://${dbFile}`;
  cfg.general_settings.model_prices = path.join(dir, 'prices.json');
  // A generous deadline: a call whose reservation Redis misses is held by its instance only.
  cfg.general_settings.rate_limit_redis_timeout_ms = 2000;
  return cfg;
}

const auth = (key) => ({ headers: { authorization: `Bearer ${key}` } });
const chat = (gw, key, model = 'priced') => postJSON(`${gw.url}/v1/chat/completions`,
  { model, messages: [{ role: 'user', content: 'Say hello.' }] }, auth(key));
const messages = (gw, key) => postJSON(`${gw.url}/v1/messages`,
  { model: 'priced', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] },
  { headers: { 'x-api-key': key, 'anthropic-version': '2023-06-01' } });

/** A key, once both instances' key caches have it (a call to an unknown model is refused in
 *  phase 5, before any budget counts it). */
async function generate(body) {
  const res = await postJSON(`${a.url}/key/generate`, body, auth(MASTER));
  assert.equal(res.status, 200, res.text);
  const key = res.json.key;
  for (const gw of [a, b]) {
    const end = Date.now() + 3000;
    while ((await chat(gw, key, 'no-such-model')).status !== 404) {
      assert.ok(Date.now() < end, `key not visible on ${gw.url}`);
      await sleep(50);
    }
  }
  return key;
}

async function ledger(key) {
  const res = await request(`${a.url}/spend/logs?api_key=${key}`, auth(MASTER));
  assert.equal(res.status, 200, res.text);
  return res.json.filter((r) => r.model !== 'no-such-model');  // generate()'s probes
}

async function within(ms, fn) {
  const end = Date.now() + ms;
  let v;
  do {
    v = await fn();
    if (v) return v;
    await sleep(50);
  } while (Date.now() < end);
  return v;
}

/** Reservations held in Redis, over every budget scope. */
async function heldInRedis() {
  let n = 0;
  for (const k of await redisCommand(redis.port, 'KEYS', 'llmgw:bud:v2:*:held')) n += await redisCommand(redis.port, 'HLEN', k);
  return n;
}

describe('budgets shared through Redis', { skip: SKIP }, () => {
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-budget-shared-'));
    fs.writeFileSync(path.join(dir, 'prices.json'), JSON.stringify(PRICES));
    up = await startScriptedUpstream(async (socket, req) => {
      const body = JSON.parse(req.body);
      if (body.model === 'broken-model') {
        const text = '{"error":{"message":"down","type":"server_error","param":null,"code":null}}';
        socket.write(`HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
        return;
      }
      if (body.stream) await hang(socket);
      else answer(socket, body);
    });
    redis = await startRedis();
    const dbFile = path.join(dir, 'llmgw.db');
    a = await startGateway({ config: config(dbFile) });
    b = await startGateway({ config: config(dbFile) });
  });

  after(async () => {
    await a?.stop();
    await b?.stop();
    await up?.close();
    await redis?.kill();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('calls alternating over two instances: exactly the calls that fit succeed, then both refuse', async () => {
    // $0.01 at $0.0019 a call: used before each call 0, .0019, … .0095 → six admitted (the sixth
    // crosses), the seventh refused. Without shared reservations the second instance, whose key
    // cache has not read the first's ledger rows yet, would admit more.
    const key = await generate({ key_alias: 'shared', max_budget: 0.01 });
    const statuses = [];
    for (let i = 0; i < 10; ++i) statuses.push((await chat(i % 2 ? b : a, key)).status);
    // Every reservation went through Redis (none held by one instance only).
    for (const gw of [a, b]) {
      const text = (await request(`${gw.url}/metrics`, auth(MASTER))).text;
      assert.match(text, /^llmgw_budget_redis_unavailable_total 0$/m, `${gw.url}: ${statuses}`);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 200, 429, 429, 429, 429]);
    for (const gw of [a, b]) {
      const o = await chat(gw, key);
      assert.equal(o.status, 429, o.text);
      assert.equal(o.json.error.code, 'budget_exceeded');
      // Refused by the reservation ("used up") or, once the stored spend shows it, at admission ("spent").
      assert.match(o.json.error.message, /budget of \$0\.01 is (used up|spent)/);
      const m = await messages(gw, key);
      assert.equal(m.status, 429, m.text);
      assert.equal(m.json.type, 'error');
      assert.equal(m.json.error.type, 'rate_limit_error');
      assert.match(m.json.error.message, /budget/);
    }
    // Refused calls have their rows too (status 429, no cost).
    // 6 made + 4 refused above + 2 × 2 refused per instance; the writer may still be on the last.
    const all = await within(5000, async () => {
      const r = await ledger(key);
      return r.length === 14 ? r : null;
    });
    assert.ok(all, 'a ledger row per call');
    const rows = all.filter((r) => r.status === 200);
    assert.equal(rows.length, 6, 'six ledger rows of calls made');
    assert.equal(all.filter((r) => r.status === 429 && r.spend === 0).length, 8);
    assert.equal(rows.reduce((s, r) => s + Math.round(r.spend * 1e6), 0), 6 * COST_MICRO, JSON.stringify(rows));
  });

  test('concurrent calls over both instances never overrun the budget by more than one call', async () => {
    const key = await generate({ key_alias: 'concurrent', max_budget: 0.01 });
    const all = await Promise.all(Array.from({ length: 24 }, (_, i) => chat(i % 2 ? b : a, key)));
    const ok = all.filter((r) => r.status === 200).length;
    for (const r of all) if (r.status !== 200) assert.equal(r.json.error.code, 'budget_exceeded', r.text);
    // Each call in flight holds its estimate (≥ its cost); at most the calls that fit get through.
    assert.ok(ok >= 1 && ok <= 6, `${ok} calls admitted`);
    assert.equal(await within(3000, async () => (await heldInRedis()) === 0), true, 'no reservation left in Redis');
  });

  test('a cancelled stream and a failed-over call leave no reservation behind in Redis', async () => {
    const key = await generate({ key_alias: 'leaks', max_budget: 1 });
    const ac = new AbortController();
    const res = await fetch(`${a.url}/v1/chat/completions`, {
      method: 'POST', signal: ac.signal,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: 'priced', stream: true, messages: [{ role: 'user', content: 'hang' }] }),
    });
    assert.equal(res.status, 200);
    await res.body.getReader().read();
    assert.equal(await heldInRedis(), 1, 'the stream holds its reservation in Redis');
    ac.abort();
    const fo = await chat(b, key, 'failover');
    assert.equal(fo.status, 200, fo.text);
    assert.equal(fo.headers.get('x-llmgw-attempts'), '2');
    assert.equal(await within(3000, async () => (await heldInRedis()) === 0), true, 'no reservation left in Redis');
    // Both were charged: their costs wait in Redis until the ledger rows are visible.
    const rows = await within(5000, async () => ((await ledger(key)).length === 2 ? ledger(key) : null));
    assert.ok(rows, `one ledger row per call: ${JSON.stringify(await ledger(key))}`);
    assert.ok(rows.every((r) => r.spend > 0), JSON.stringify(rows));
  });

  test('a call the rate limits refuse reserves nothing (limits and budget in one script)', async () => {
    const key = await generate({ key_alias: 'limited', max_budget: 1, rpm_limit: 2 });
    const budgetCounters = async (gw) => {
      const text = (await request(`${gw.url}/metrics`, auth(MASTER))).text;
      const n = (name) => Number((text.match(new RegExp(`^${name} (\\d+)$`, 'm')) || [])[1]);
      return { reserved: n('llmgw_budget_reservations_total'), settled: n('llmgw_budget_reservations_settled_total') };
    };
    const before = await Promise.all([a, b].map(budgetCounters));
    const all = await Promise.all(Array.from({ length: 6 }, (_, i) => chat(i % 2 ? b : a, key)));
    const statuses = all.map((r) => r.status).sort();
    assert.deepEqual(statuses, [200, 200, 429, 429, 429, 429], all.map((r) => r.text).join('\n'));
    for (const r of all.filter((x) => x.status === 429)) assert.equal(r.json.error.code, 'rate_limit_exceeded', r.text);
    assert.equal(await within(3000, async () => (await heldInRedis()) === 0), true, 'no reservation left in Redis');
    // Only the calls the limits admitted reserved (the one script checks the limits first and
    // holds nothing for a call they refuse), and each reservation was settled.
    const after = await Promise.all([a, b].map(budgetCounters));
    const taken = after.reduce((n, c, i) => n + c.reserved - before[i].reserved, 0);
    assert.equal(taken, 2, 'only the two calls the limits admitted reserved');
    for (let i = 0; i < 2; ++i) {
      const reserved = after[i].reserved - before[i].reserved;
      assert.equal(after[i].settled - before[i].settled, reserved, `instance ${i}: ${JSON.stringify(after[i])}`);
    }
    // Only the two calls made are charged.
    const rows = await within(5000, async () => ((await ledger(key)).length === 6 ? ledger(key) : null));
    assert.ok(rows, `a ledger row per call: ${JSON.stringify(await ledger(key))}`);
    assert.equal(rows.filter((r) => r.spend > 0).length, 2, JSON.stringify(rows));
  });

  test('a call the budget refuses takes no RPM slot: the one script counts nothing', async () => {
    const key = await generate({ key_alias: 'budget-then-rpm', max_budget: 0.001, rpm_limit: 3 });
    const scripts = async () => {  // EVALSHAs Redis ran (the joined script is loaded by earlier tests)
      const info = await redisCommand(redis.port, 'INFO', 'commandstats');
      return Number((String(info).match(/cmdstat_evalsha:calls=(\d+)/) || [])[1] ?? 0);
    };
    const before = await scripts();
    const first = await chat(a, key);  // 0.0019 of 0.001: the crossing call is made
    assert.equal(first.status, 200, first.text);
    // Five more, faster than the key caches read the ledger: refused by the budget reservation in
    // Redis (in the limits' script), never by the RPM limit their slots would fill.
    for (let i = 0; i < 5; ++i) {
      const r = await chat(i % 2 ? a : b, key);
      assert.equal(r.status, 429, r.text);
      assert.equal(r.json.error.code, 'budget_exceeded', `call ${i + 2}: ${r.text}`);
    }
    // Only the call made counts in the key's RPM window.
    const req = `llmgw:rl:v2:key:${crypto.createHash('sha256').update(key).digest('hex')}:req`;
    assert.equal(await within(3000, async () => (await redisCommand(redis.port, 'ZCARD', req)) === 1), true,
      `RPM window holds ${await redisCommand(redis.port, 'ZCARD', req)} requests`);
    // One script a call: limits and budget checked (and the first reserved) by the same EVALSHA.
    assert.equal(await scripts() - before, 6, 'one EVALSHA per call');
    assert.equal(await within(3000, async () => (await heldInRedis()) === 0), true, 'no reservation left in Redis');
  });
});
