// The spend ledger across a database outage, through the real binary: calls are made before,
// during and after the outage (the writer's rows wait in its on-disk spool meanwhile), and once
// the database is back every ledger row arrives exactly once (the count, the request ids, the
// sum of cost and the key's stored spend equal the calls made; none duplicated). The writer's
// counters on /metrics follow it: rows spooled and waiting in the spool (rows and bytes) and
// failed writes during the outage; after it, the spool empty, every row written and replayed,
// none dropped, and batches timed.
//   - PostgreSQL: the test's own server (scripts/start-postgres.sh) is stopped mid-run and
//     started again with its data (scripts/stop-postgres.sh --keep-data);
//   - SQLite: the database file (and its WAL) made unwritable mid-run (chattr +i: root ignores
//     file modes, and an immutable file refuses writes even on descriptors already open), then
//     writable again.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { gatewayConfig, postJSON, request, startGateway } from './lib/gateway.mjs';
import { sleep, startScriptedUpstream } from './lib/scripted-upstream.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const MASTER = 'sk-gw-master-ledger-outage-77a1';
const USAGE = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500, prompt_tokens_details: { cached_tokens: 200 } };
const PRICES = {
  'budget-model': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, cache_read_input_token_cost: 5e-7,
    litellm_provider: 'openai' },
};
const COST_MICRO = 1900;  // 800 × 1e-6 + 200 × 5e-7 + 500 × 2e-6 = $0.0019
const PER_PHASE = 8;

let up;
let dir;

const auth = (key) => ({ headers: { authorization: `Bearer ${key}` } });

function config(databaseUrl) {
  const cfg = gatewayConfig({
    masterKey: MASTER,
    deployments: [
      { model_name: 'priced', litellm_params: { model: 'openai/budget-model', api_base: `${up.url}/v1`, api_key: 'sk-up' } },
    ],
  });
  cfg.general_settings.database_url = databaseUrl;
  cfg.general_settings.model_prices = path.join(dir, 'prices.json');
  cfg.general_settings.ledger_spool_path = path.join(fs.mkdtempSync(path.join(dir, 'spool-')), 'ledger.spool');
  return cfg;
}

async function within(ms, fn) {
  const end = Date.now() + ms;
  let v;
  do {
    try {
      v = await fn();
    } catch {
      v = undefined;
    }
    if (v) return v;
    await sleep(100);
  } while (Date.now() < end);
  return v;
}

/** Makes `n` calls with `key`; returns their request ids. */
async function calls(gw, key, n) {
  const ids = [];
  for (let i = 0; i < n; ++i) {
    const res = await postJSON(`${gw.url}/v1/chat/completions`,
      { model: 'priced', messages: [{ role: 'user', content: `call ${i}` }] }, auth(key));
    assert.equal(res.status, 200, res.text);
    ids.push(res.headers.get('x-llmgw-request-id'));
  }
  return ids;
}

async function ledger(gw, key) {
  const res = await request(`${gw.url}/spend/logs?api_key=${key}&limit=1000`, auth(MASTER));
  return res.status === 200 ? res.json : null;
}

/** The ledger writer's series on /metrics: { 'llmgw_ledger_…{labels}': number }. */
async function ledgerMetrics(gw) {
  const text = (await request(`${gw.url}/metrics`, auth(MASTER))).text;
  const out = {};
  for (const m of text.matchAll(/^(llmgw_ledger_[a-z_]+(?:\{[^}]*\})?) (\S+)$/gm)) out[m[1]] = Number(m[2]);
  return out;
}

/** The run: calls before, during (`down()`) and after (`up()`) the outage; checks the ledger. */
async function outage(gw, spool, down, back) {
  const gen = await postJSON(`${gw.url}/key/generate`, { key_alias: 'outage' }, auth(MASTER));
  assert.equal(gen.status, 200, gen.text);
  const key = gen.json.key;
  const ids = await calls(gw, key, PER_PHASE);
  assert.ok(await within(5000, async () => (await ledger(gw, key))?.length === PER_PHASE), 'rows before the outage');
  const m0 = await ledgerMetrics(gw);
  assert.equal(m0.llmgw_ledger_rows_written_total, PER_PHASE);
  assert.equal(m0.llmgw_ledger_database_up, 1);
  assert.equal(m0.llmgw_ledger_spool_rows, 0);
  assert.ok(m0.llmgw_ledger_batch_duration_seconds_count >= 1, 'batches are timed');
  down();
  ids.push(...await calls(gw, key, PER_PHASE));
  await sleep(1500);  // the writer fails at least once and spools
  ids.push(...await calls(gw, key, PER_PHASE));
  // The outage reached the writer: rows wait in the spool.
  assert.ok(await within(5000, async () => fs.existsSync(spool) && fs.statSync(spool).size > 0), 'rows spooled');
  const m1 = await within(5000, async () => {
    const m = await ledgerMetrics(gw);
    return m.llmgw_ledger_spool_rows > 0 && m.llmgw_ledger_spool_bytes > 0 ? m : null;
  });
  assert.ok(m1, 'the spool\'s rows and bytes are on /metrics');
  assert.ok(m1.llmgw_ledger_rows_spooled_total >= m1.llmgw_ledger_spool_rows);
  assert.ok(m1.llmgw_ledger_write_failures_total >= 1);
  assert.equal(m1.llmgw_ledger_database_up, 0);
  back();
  ids.push(...await calls(gw, key, PER_PHASE));
  const rows = await within(60_000, async () => {
    const r = await ledger(gw, key);
    return r?.length >= ids.length ? r : null;
  });
  assert.ok(rows, `all ${ids.length} rows arrive after the outage (got ${(await ledger(gw, key))?.length})`);
  await sleep(1500);  // a duplicate would come now, with a late replay
  const final = await ledger(gw, key);
  assert.equal(final.length, ids.length, 'no row written twice');
  assert.deepEqual(final.map((r) => r.request_id).sort(), [...ids].sort(), 'every call has its row, once');
  assert.equal(final.reduce((s, r) => s + Math.round(r.spend * 1e6), 0), ids.length * COST_MICRO, 'the sum of cost');
  const m2 = await within(5000, async () => {
    const m = await ledgerMetrics(gw);
    return m.llmgw_ledger_spool_rows === 0 ? m : null;
  });
  assert.ok(m2, 'the spool is empty again on /metrics');
  assert.equal(m2.llmgw_ledger_spool_bytes, 0);
  assert.equal(m2.llmgw_ledger_database_up, 1);
  assert.equal(m2.llmgw_ledger_rows_written_total, ids.length, 'every row written once');
  assert.equal(m2.llmgw_ledger_rows_replayed_total, m2.llmgw_ledger_rows_spooled_total, 'every spooled row replayed');
  assert.equal(m2.llmgw_ledger_rows_queued_total, ids.length);
  assert.equal(m2['llmgw_ledger_rows_dropped_total{reason="queue_full"}'], 0);
  assert.equal(m2['llmgw_ledger_rows_dropped_total{reason="spool_full"}'], 0);
  const info = await request(`${gw.url}/key/info?key=${key}`, auth(MASTER));
  assert.equal(Math.round(info.json.info.spend * 1e6), ids.length * COST_MICRO, 'the key\'s stored spend');
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-ledger-outage-'));
  fs.writeFileSync(path.join(dir, 'prices.json'), JSON.stringify(PRICES));
  up = await startScriptedUpstream(async (socket, req) => {
    const body = JSON.parse(req.body);
    const text = JSON.stringify({
      id: 'chatcmpl-o', object: 'chat.completion', created: 1, model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: USAGE,
    });
    socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  });
});

after(async () => {
  await up?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('PostgreSQL stopped mid-run', () => {
  const state = () => path.join(dir, 'postgres');
  let url;
  let gw;
  let spool;
  let skip = false;
  before(async () => {
    const r = spawnSync('bash', [path.join(ROOT, 'scripts/start-postgres.sh'), state()], { encoding: 'utf8' });
    if (r.status === 77) { skip = true; return; }
    assert.equal(r.status, 0, r.stderr);
    url = r.stdout.trim().split('\n').at(-1);
    const cfg = config(url);
    spool = cfg.general_settings.ledger_spool_path;
    gw = await startGateway({ config: cfg });
  });
  after(async () => {
    await gw?.stop();
    spawnSync('bash', [path.join(ROOT, 'scripts/stop-postgres.sh'), state()]);
  });

  test('every ledger row arrives once after PostgreSQL comes back', async (t) => {
    if (skip) return t.skip('PostgreSQL cannot run here');
    await outage(gw, spool, () => {
      const r = spawnSync('bash', [path.join(ROOT, 'scripts/stop-postgres.sh'), state(), '--keep-data'], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }, () => {
      const r = spawnSync('bash', [path.join(ROOT, 'scripts/start-postgres.sh'), state()], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    });
  });
});

describe('SQLite file read-only mid-run', () => {
  let gw;
  let file;
  let spool;
  const immutable = (on) => {
    for (const f of [file, `${file}-wal`, `${file}-shm`]) {
      if (!fs.existsSync(f)) continue;
      const r = spawnSync('chattr', [on ? '+i' : '-i', f], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
  };
  before(async () => {
    file = path.join(fs.mkdtempSync(path.join(dir, 'sqlite-')), 'llmgw.db');
    const cfg = config(`sqlite://${file}`);
    spool = cfg.general_settings.ledger_spool_path;
    gw = await startGateway({ config: cfg });
  });
  after(async () => {
    if (file) spawnSync('chattr', ['-i', file, `${file}-wal`, `${file}-shm`]);
    await gw?.stop();
  });

  test('every ledger row arrives once after the file is writable again', async (t) => {
    if (process.getuid?.() !== 0 || spawnSync('chattr', ['--help']).error) return t.skip('chattr +i needs root');
    await outage(gw, spool, () => immutable(true), () => immutable(false));
  });
});
