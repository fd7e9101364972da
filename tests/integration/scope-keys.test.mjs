// guardrails: and sinks: scoped by caller (keys: by key_alias, teams: by team_id), with two
// virtual keys the admin API generates: key A (no team) and key B (team "team-t"). A PII
// guardrail scoped to key A and alias "gpt" redacts A's request to "gpt" only: B's, the master
// key's and A's to "other" go upstream as sent. A sink scoped to team "team-t" receives only B's
// events while an unscoped sink receives all of them. A reload that changes the sink's scope to
// keys: [key-a] makes a new sink (reported) that receives only A's events.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { deployment, gatewayConfig, postJSON, request, startGateway, toYaml, UPSTREAM_KEY } from './lib/gateway.mjs';
import { jsonLines } from './lib/json-lines.mjs';

const MASTER = 'sk-gw-master-scope-keys-8e41';
const EMAIL = 'john.doe@example.com';
let mock;
let gw;
let dir;
let teamFile;
let allFile;
let config;
const keys = {};

const admin = (p, body) => postJSON(`${gw.url}${p}`, body, { headers: { authorization: `Bearer ${MASTER}` } });
const chat = (key, model) => postJSON(`${gw.url}/v1/chat/completions`,
  { model, messages: [{ role: 'user', content: `Mail ${EMAIL} the plan.` }] }, { headers: { authorization: `Bearer ${key}` } });
/** What the upstream received as the user's message of the last call. */
const sentUpstream = () => mock.requests.at(-1).json.messages[0].content;

before(async () => {
  mock = await startOpenAIMock({ apiKey: UPSTREAM_KEY });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-scope-keys-'));
  teamFile = path.join(dir, 'team.jsonl');
  allFile = path.join(dir, 'all.jsonl');
  config = gatewayConfig({
    masterKey: MASTER,
    deployments: [deployment({ alias: 'gpt', upstream: mock.url }), deployment({ alias: 'other', upstream: mock.url })],
    load: ['provider-openai', 'guardrail-pii', 'sink-request-log'],
  });
  config.general_settings.database_url = `sqlite://${path.join(dir, 'llmgw.db')}`;
  config.guardrails = [{ plugin: 'guardrail-pii', aliases: ['gpt'], keys: ['key-a'], phases: ['input'] }];
  config.sinks = [
    { plugin: 'sink-request-log', config: { path: teamFile }, teams: ['team-t'] },
    { plugin: 'sink-request-log', config: { path: allFile } },
  ];
  gw = await startGateway({ config });
  const team = await admin('/team/new', { team_id: 'team-t', team_alias: 'Team T' });
  assert.equal(team.status, 200, team.text);
  for (const [name, body] of [['a', { key_alias: 'key-a' }], ['b', { key_alias: 'key-b', team_id: 'team-t' }]]) {
    const res = await admin('/key/generate', body);
    assert.equal(res.status, 200, res.text);
    keys[name] = res.json.key;
  }
});
after(async () => {
  await gw?.stop();
  await mock?.close();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('a guardrail scoped to key A (and alias gpt) redacts only A\'s requests to gpt', async () => {
  const calls = [[keys.a, 'gpt', true], [keys.b, 'gpt', false], [MASTER, 'gpt', false], [keys.a, 'other', false]];
  for (const [key, model, redacted] of calls) {
    const before = mock.requests.length;
    const res = await chat(key, model);
    assert.equal(res.status, 200, res.text);
    assert.equal(mock.requests.length, before + 1);
    const who = `${key === MASTER ? 'master' : key === keys.a ? 'A' : 'B'} → ${model}`;
    if (redacted) assert.equal(sentUpstream(), 'Mail [EMAIL_1] the plan.', who);
    else assert.equal(sentUpstream(), `Mail ${EMAIL} the plan.`, who);
  }
});

test('a sink scoped to team-t receives only its key\'s events; the unscoped sink gets every one', async () => {
  const all = await jsonLines(allFile, 4);
  assert.equal(all.length, 4, JSON.stringify(all));
  assert.deepEqual(all.map((e) => e.key_alias), ['key-a', 'key-b', null, 'key-a']);
  const team = await jsonLines(teamFile, 1);
  await new Promise((r) => setTimeout(r, 300));  // nothing more arrives late
  const again = await jsonLines(teamFile, 1);
  assert.equal(again.length, 1, JSON.stringify(again));
  assert.equal(team[0].key_alias, 'key-b');
  assert.equal(team[0].team, 'team-t');
  assert.equal(team[0].request_id, all[1].request_id);
  for (const line of fs.readFileSync(allFile, 'utf8').split('\n')) {  // the keys never in clear
    assert.ok(!line.includes(keys.a) && !line.includes(keys.b) && !line.includes(MASTER), line);
  }
});

test('a reload that changes the sink\'s scope to keys: [key-a] replaces it; it then gets only A\'s events', async () => {
  config.sinks[0] = { plugin: 'sink-request-log', config: { path: teamFile }, keys: ['key-a'] };
  fs.writeFileSync(gw.configFile, `${toYaml(config)}\n`);
  const res = await request(`${gw.url}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${MASTER}` } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.sinks, true, res.text);
  assert.equal(res.json.guardrails, false, res.text);
  for (const key of [keys.b, keys.a, MASTER]) assert.equal((await chat(key, 'other')).status, 200);
  await jsonLines(allFile, 7);
  const team = await jsonLines(teamFile, 2);
  await new Promise((r) => setTimeout(r, 300));
  const again = await jsonLines(teamFile, 2);
  assert.equal(again.length, 2, JSON.stringify(again));
  assert.deepEqual(team.map((e) => e.key_alias), ['key-b', 'key-a']);
  assert.equal(team[1].alias, 'other');
});
