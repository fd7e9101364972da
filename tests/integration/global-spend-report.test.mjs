// LiteLLM's /global/spend/report through the real binary, on SQLite and on PostgreSQL (the
// test's own server, scripts/start-postgres.sh): calls by two keys (one in a team) and two
// models, priced by a table written here against a scripted upstream whose usage reports cached
// and reasoning tokens; the report's days, groups and (model, key) cells add up to the calls
// made, with the token split; bad parameters are clear 400s.
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
const MASTER = 'sk-gw-master-spend-report-3f0b';
const USAGE = { prompt_tokens: 1000, completion_tokens: 500, total_tokens: 1500,
  prompt_tokens_details: { cached_tokens: 200 }, completion_tokens_details: { reasoning_tokens: 120 } };
const PRICES = {
  'model-a': { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, cache_read_input_token_cost: 5e-7,
    litellm_provider: 'openai' },
  'model-b': { input_cost_per_token: 2e-6, output_cost_per_token: 4e-6, cache_read_input_token_cost: 1e-6,
    litellm_provider: 'openai' },
};
const COST_MICRO = { a: 1900, b: 3800 };  // 800 × in + 200 × cache read + 500 × out

let up;
let dir;
const auth = { headers: { authorization: `Bearer ${MASTER}` } };

function config(databaseUrl) {
  const cfg = gatewayConfig({
    masterKey: MASTER,
    deployments: ['a', 'b'].map((m) => ({ model_name: `alias-${m}`,
      litellm_params: { model: `openai/model-${m}`, api_base: `${up.url}/v1`, api_key: 'sk-up' } })),
  });
  cfg.general_settings.database_url = databaseUrl;
  cfg.general_settings.model_prices = path.join(dir, 'prices.json');
  cfg.general_settings.ledger_spool_path = path.join(fs.mkdtempSync(path.join(dir, 'spool-')), 'ledger.spool');
  return cfg;
}

async function run(gw) {
  const admin = (p, body) => (body ? postJSON(`${gw.url}${p}`, body, auth) : request(`${gw.url}${p}`, auth));
  const team = await admin('/team/new', { team_alias: 'eng' });
  assert.equal(team.status, 200, team.text);
  const k1 = (await admin('/key/generate', { key_alias: 'k1', team_id: team.json.team_id })).json;
  const k2 = (await admin('/key/generate', { key_alias: 'k2' })).json;
  const call = async (key, alias) => {
    const res = await postJSON(`${gw.url}/v1/chat/completions`, { model: alias, messages: [{ role: 'user', content: 'hi' }] },
      { headers: { authorization: `Bearer ${key}` } });
    assert.equal(res.status, 200, res.text);
  };
  // k1: 2 × a, 1 × b; k2: 1 × b.
  await call(k1.key, 'alias-a');
  await call(k1.key, 'alias-a');
  await call(k1.key, 'alias-b');
  await call(k2.key, 'alias-b');
  const end = Date.now() + 5000;
  while ((await admin('/spend/logs?limit=1000')).json.length < 4 && Date.now() < end) await sleep(100);
  const today = new Date().toISOString().slice(0, 10);
  const q = `start_date=${today}&end_date=${today}`;

  const byTeam = await admin(`/global/spend/report?${q}`);
  assert.equal(byTeam.status, 200, byTeam.text);
  assert.equal(byTeam.json.length, 1);
  assert.equal(byTeam.json[0].group_by_day, `${today}T00:00:00+00:00`);
  const teams = byTeam.json[0].teams;
  assert.equal(teams.length, 2, JSON.stringify(teams));
  // team_name is the team's alias, as LiteLLM shows it; its id beside it.
  const eng = teams.find((t) => t.team_name === 'eng');
  const none = teams.find((t) => t.team_name === null);
  assert.ok(eng, JSON.stringify(teams));
  assert.equal(eng.team_id, team.json.team_id);
  assert.equal(none.team_id, null);
  assert.equal(Math.round(eng.total_spend * 1e6), 2 * COST_MICRO.a + COST_MICRO.b);
  assert.equal(Math.round(none.total_spend * 1e6), COST_MICRO.b);
  assert.equal(eng.requests, 3);
  assert.equal(eng.prompt_tokens, 3000);
  assert.equal(eng.completion_tokens, 1500);
  assert.equal(eng.total_tokens, 4500);
  assert.equal(eng.cached_read_tokens, 600);
  assert.equal(eng.reasoning_tokens, 360);
  assert.equal(eng.cache_write_tokens, 0);
  assert.deepEqual(eng.metadata.map((m) => [m.model, m.api_key, m.requests]),
    [['alias-a', k1.token, 2], ['alias-b', k1.token, 1]]);
  assert.equal(Math.round(eng.metadata[0].spend * 1e6), 2 * COST_MICRO.a);

  const byKey = await admin(`/global/spend/report?${q}&group_by=api_key`);
  assert.equal(byKey.status, 200, byKey.text);
  const k2row = byKey.json[0].api_keys.find((k) => k.api_key === k2.token);
  assert.equal(Math.round(k2row.total_spend * 1e6), COST_MICRO.b);
  const byModel = await admin(`/global/spend/report?${q}&group_by=model`);
  const b = byModel.json[0].models.find((m) => m.model === 'alias-b');
  assert.equal(b.requests, 2);
  assert.equal(Math.round(b.total_spend * 1e6), 2 * COST_MICRO.b);
  // Filters: one key, and a range with nothing in it.
  const one = await admin(`/global/spend/report?${q}&api_key=${k2.key}`);
  assert.equal(one.json[0].teams.length, 1);
  assert.deepEqual((await admin('/global/spend/report?start_date=2001-01-01&end_date=2001-01-02')).json, []);

  for (const [p, param] of [['/global/spend/report', 'start_date'], [`/global/spend/report?start_date=${today}`, 'end_date'],
    [`/global/spend/report?${q}&group_by=planet`, 'group_by'], ['/global/spend/report?start_date=yesterday&end_date=x', 'start_date'],
    [`/global/spend/report?start_date=${today}&end_date=2001-01-01`, 'end_date']]) {
    const res = await admin(p);
    assert.equal(res.status, 400, `${p}: ${res.text}`);
    assert.equal(res.json.error.param, param, res.text);
    assert.ok(res.json.error.message.length > 10, res.text);
  }
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-spend-report-'));
  fs.writeFileSync(path.join(dir, 'prices.json'), JSON.stringify(PRICES));
  up = await startScriptedUpstream(async (socket, req) => {
    const body = JSON.parse(req.body);
    const text = JSON.stringify({
      id: 'chatcmpl-r', object: 'chat.completion', created: 1, model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }], usage: USAGE,
    });
    socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`);
  });
});

after(async () => {
  await up?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('on SQLite', () => {
  let gw;
  before(async () => { gw = await startGateway({ config: config(`sqlite://${path.join(dir, 'llmgw.db')}`) }); });
  after(async () => { await gw?.stop(); });
  test('/global/spend/report adds up, in LiteLLM\'s shape', async () => { await run(gw); });
});

describe('on PostgreSQL', () => {
  const state = () => path.join(dir, 'postgres');
  let gw;
  let skip = false;
  before(async () => {
    const r = spawnSync('bash', [path.join(ROOT, 'scripts/start-postgres.sh'), state()], { encoding: 'utf8' });
    if (r.status === 77) { skip = true; return; }
    assert.equal(r.status, 0, r.stderr);
    gw = await startGateway({ config: config(r.stdout.trim().split('\n').at(-1)) });
  });
  after(async () => {
    await gw?.stop();
    spawnSync('bash', [path.join(ROOT, 'scripts/stop-postgres.sh'), state()]);
  });
  test('/global/spend/report adds up, in LiteLLM\'s shape', async (t) => {
    if (skip) return t.skip('PostgreSQL cannot run here');
    await run(gw);
  });
});
