// guardrails: scoped by caller beyond the input phase (scope-keys.test.mjs covers the input phase and
// sinks). Two virtual keys the admin API generates: key A (no team) and key B (team "team-t").
// - An OUTPUT guardrail scoped to keys: [key-a] on alias "out": A's answer (whole, streamed with the
//   address cut across events, and a whole answer's tool-call arguments) reaches the client as
//   [EMAIL_1]; B's answer arrives as the upstream sent it. The request itself goes upstream as sent.
// - A guardrail scoped to teams: [team-t] on alias "team": B's request (B is in team-t) is redacted
//   upstream, A's is not.
// - A guardrail scoped to keys: [key-a] on alias "swap", reloaded to keys: [key-b]: before, A's
//   request is redacted and B's is not; afterwards B's is and A's is not.
// - Reversible redaction (a second gateway, guardrail-pii reversible: true) scoped to keys: [key-a]:
//   A's request goes upstream as placeholders and A gets its values back; B's goes upstream as sent.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startOpenAIMock } from '../mocks/openai-mock.mjs';
import { deployment, gatewayConfig, postJSON, readSSE, request, startGateway, toYaml, UPSTREAM_KEY } from './lib/gateway.mjs';

const MASTER = 'sk-gw-master-scope-guards-51c7';
const EMAIL = 'john.doe@example.com';
const PROMPT = `Mail ${EMAIL} the plan.`;
const REDACTED_PROMPT = 'Mail [EMAIL_1] the plan.';
const ANSWER = `Sure, I will write to ${EMAIL} today.`;
const REDACTED_ANSWER = 'Sure, I will write to [EMAIL_1] today.';
const SEND_MAIL_TOOL = { type: 'function', function: { name: 'send_mail', description: 'Send an e-mail.',
  parameters: { type: 'object', properties: { to: { type: 'string' } }, required: ['to'] } } };

/** A streamed chat call as `key` to `model`: the status, the deltas' text and the raw stream. */
async function streamChat(w, key, model) {
  const res = await fetch(`${w.gw.url}/v1/chat/completions`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: PROMPT }] }) });
  let text = '';
  let raw = '';
  for await (const e of readSSE(res.body)) {
    raw += e.raw;
    if (e.json) text += e.json.choices?.[0]?.delta?.content ?? '';
  }
  return { status: res.status, text, raw };
}

/** Starts a mock, a gateway with a database, and generates team-t, key A and key B. */
async function startWorld(name, { load, guardrails, aliases }) {
  const w = { mock: await startOpenAIMock({ apiKey: UPSTREAM_KEY }), keys: {} };
  w.dir = fs.mkdtempSync(path.join(os.tmpdir(), `llmgw-${name}-`));
  w.config = gatewayConfig({
    masterKey: MASTER,
    deployments: aliases.map((alias) => deployment({ alias, upstream: w.mock.url })),
    load,
  });
  w.config.general_settings.database_url = `sqlite://${path.join(w.dir, 'llmgw.db')}`;
  w.config.guardrails = guardrails;
  w.gw = await startGateway({ config: w.config });
  w.admin = (p, body) => postJSON(`${w.gw.url}${p}`, body, { headers: { authorization: `Bearer ${MASTER}` } });
  const team = await w.admin('/team/new', { team_id: 'team-t', team_alias: 'Team T' });
  assert.equal(team.status, 200, team.text);
  for (const [k, body] of [['a', { key_alias: 'key-a' }], ['b', { key_alias: 'key-b', team_id: 'team-t' }]]) {
    const res = await w.admin('/key/generate', body);
    assert.equal(res.status, 200, res.text);
    w.keys[k] = res.json.key;
  }
  /** A whole chat call; the response. */
  w.chat = (key, model, extra = {}) => postJSON(`${w.gw.url}/v1/chat/completions`,
    { model, messages: [{ role: 'user', content: PROMPT }], ...extra }, { headers: { authorization: `Bearer ${key}` } });
  /** What the upstream received as the user's message of the last call. */
  w.sentUpstream = () => w.mock.requests.at(-1).json.messages[0].content;
  w.stop = async () => {
    await w.gw?.stop();
    await w.mock?.close();
    fs.rmSync(w.dir, { recursive: true, force: true });
  };
  return w;
}

describe('guardrails scoped by keys: and teams:', () => {
  let w;
  before(async () => {
    w = await startWorld('scope-guards', {
      load: ['provider-openai', 'guardrail-pii'],
      aliases: ['out', 'team', 'swap'],
      guardrails: [
        { plugin: 'guardrail-pii', aliases: ['out'], keys: ['key-a'], phases: ['output'] },
        { plugin: 'guardrail-pii', aliases: ['team'], teams: ['team-t'], phases: ['input'] },
        { plugin: 'guardrail-pii', aliases: ['swap'], keys: ['key-a'], phases: ['input'] },
      ],
    });
  });
  after(async () => { await w?.stop(); });
  const who = (key) => (key === w.keys.a ? 'A' : 'B');

  test('an output guardrail scoped to key A redacts A\'s whole answer only', async () => {
    for (const [key, redacted] of [[w.keys.a, true], [w.keys.b, false]]) {
      w.mock.enqueue({ content: ANSWER });
      const res = await w.chat(key, 'out');
      assert.equal(res.status, 200, res.text);
      assert.equal(w.sentUpstream(), PROMPT, `${who(key)}: the output phase leaves the request alone`);
      assert.equal(res.json.choices[0].message.content, redacted ? REDACTED_ANSWER : ANSWER, who(key));
    }
  });

  test('an output guardrail scoped to key A redacts A\'s streamed answer only (address cut across events)', async () => {
    const cut = ANSWER.indexOf(EMAIL) + 6;  // "john.d" | "oe@example.com today."
    for (const [key, redacted] of [[w.keys.a, true], [w.keys.b, false]]) {
      w.mock.enqueue({ content: ANSWER, pieces: [ANSWER.slice(0, cut), ANSWER.slice(cut)] });
      const { status, text, raw } = await streamChat(w, key, 'out');
      assert.equal(status, 200);
      assert.ok(raw.includes('[DONE]'), raw);
      assert.equal(text, redacted ? REDACTED_ANSWER : ANSWER, `${who(key)}: ${raw}`);
      if (redacted) assert.ok(!raw.includes('example.com'), raw);
    }
  });

  test('an output guardrail scoped to key A redacts the tool-call arguments of A\'s whole answer only', async () => {
    for (const [key, redacted] of [[w.keys.a, true], [w.keys.b, false]]) {
      w.mock.enqueue({ toolCalls: [{ name: 'send_mail', arguments: { to: EMAIL } }] });
      const res = await w.chat(key, 'out', { tools: [SEND_MAIL_TOOL] });
      assert.equal(res.status, 200, res.text);
      const calls = res.json.choices[0].message.tool_calls;
      assert.equal(calls.length, 1, res.text);
      assert.equal(calls[0].function.name, 'send_mail');
      assert.deepEqual(JSON.parse(calls[0].function.arguments), { to: redacted ? '[EMAIL_1]' : EMAIL }, who(key));
      if (redacted) assert.ok(!res.text.includes('example.com'), res.text);
    }
  });

  test('a guardrail scoped to teams: [team-t] redacts the request of B (in the team), not A\'s', async () => {
    for (const [key, redacted] of [[w.keys.b, true], [w.keys.a, false], [MASTER, false]]) {
      const before = w.mock.requests.length;
      const res = await w.chat(key, 'team');
      assert.equal(res.status, 200, res.text);
      assert.equal(w.mock.requests.length, before + 1);
      assert.equal(w.sentUpstream(), redacted ? REDACTED_PROMPT : PROMPT, key === MASTER ? 'master' : who(key));
    }
  });

  test('a reload that changes a guardrail\'s keys: from A to B moves the redaction from A to B', async () => {
    for (const [key, redacted] of [[w.keys.a, true], [w.keys.b, false]]) {
      assert.equal((await w.chat(key, 'swap')).status, 200);
      assert.equal(w.sentUpstream(), redacted ? REDACTED_PROMPT : PROMPT, `before the reload: ${who(key)}`);
    }
    w.config.guardrails[2] = { ...w.config.guardrails[2], keys: ['key-b'] };
    fs.writeFileSync(w.gw.configFile, `${toYaml(w.config)}\n`);
    const res = await request(`${w.gw.url}/admin/reload`, { method: 'POST', headers: { authorization: `Bearer ${MASTER}` } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.guardrails, true, res.text);
    for (const [key, redacted] of [[w.keys.b, true], [w.keys.a, false]]) {
      assert.equal((await w.chat(key, 'swap')).status, 200);
      assert.equal(w.sentUpstream(), redacted ? REDACTED_PROMPT : PROMPT, `after the reload: ${who(key)}`);
    }
    // The other entries did not move: the team guardrail still redacts B's request only.
    assert.equal((await w.chat(w.keys.a, 'team')).status, 200);
    assert.equal(w.sentUpstream(), PROMPT);
  });
});

describe('reversible redaction scoped by keys:', () => {
  let w;
  // The upstream answers with the placeholder it would have seen; only A's call restores it.
  const PLACEHOLDER_ANSWER = 'I will write to [EMAIL_1] today.';
  const RESTORED = `I will write to ${EMAIL} today.`;
  before(async () => {
    w = await startWorld('scope-reversible', {
      load: ['provider-openai', { path: 'guardrail-pii', config: { reversible: true } }],
      aliases: ['rev'],
      guardrails: [{ plugin: 'guardrail-pii', aliases: ['rev'], keys: ['key-a'] }],
    });
  });
  after(async () => { await w?.stop(); });

  test('A\'s request goes upstream as placeholders and A\'s answer gets the value back; B\'s is untouched', async () => {
    for (const [key, scoped] of [[w.keys.a, true], [w.keys.b, false]]) {
      w.mock.enqueue({ content: PLACEHOLDER_ANSWER });
      const res = await w.chat(key, 'rev');
      assert.equal(res.status, 200, res.text);
      const name = key === w.keys.a ? 'A' : 'B';
      assert.equal(w.sentUpstream(), scoped ? REDACTED_PROMPT : PROMPT, name);
      assert.equal(res.json.choices[0].message.content, scoped ? RESTORED : PLACEHOLDER_ANSWER, name);
    }
  });

  test('streamed: A\'s placeholder cut across events is restored; B\'s answer arrives as sent', async () => {
    const cut = PLACEHOLDER_ANSWER.indexOf('[EMAIL_1]') + 4;  // "[EMA" | "IL_1] today."
    for (const [key, scoped] of [[w.keys.a, true], [w.keys.b, false]]) {
      w.mock.enqueue({ content: PLACEHOLDER_ANSWER, pieces: [PLACEHOLDER_ANSWER.slice(0, cut), PLACEHOLDER_ANSWER.slice(cut)] });
      const { status, text, raw } = await streamChat(w, key, 'rev');
      assert.equal(status, 200);
      const name = key === w.keys.a ? 'A' : 'B';
      assert.ok(raw.includes('[DONE]'), raw);
      assert.equal(w.sentUpstream(), scoped ? REDACTED_PROMPT : PROMPT, name);
      assert.equal(text, scoped ? RESTORED : PLACEHOLDER_ANSWER, `${name}: ${raw}`);
    }
  });
});
