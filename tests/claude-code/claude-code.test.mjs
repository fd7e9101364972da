// Claude Code itself (the pinned @anthropic-ai/claude-code, run as `claude -p … --output-format json`)
// through llmgw: passthrough to the Anthropic mock, and translation to the OpenAI mock.
//
//   Claude Code ──▶ tap (records bytes) ──▶ llmgw ──▶ anthropic-mock | openai-mock
//
// Claude Code gets a fresh HOME and working directory per run, the gateway's master key, and no
// network but 127.0.0.1 (CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC and friends). Tool turns use a
// local stdio MCP server (mcp-weather-server.mjs, tool `get_weather`) that the mocks pick on their
// own, and — once the mocks can be told which tool to call — Claude Code's built-in Read tool.
// What Claude Code sends is summarised in WHAT-IT-SENDS.md.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MOCK_TEXT as ANTHROPIC_TEXT, planAnswer as anthropicPlan, startAnthropicMock } from '../mocks/anthropic-mock.mjs';
import { MOCK_TEXT as OPENAI_TEXT, planAnswer as openaiPlan, startOpenAIMock } from '../mocks/openai-mock.mjs';
import { gatewayConfig, startGateway } from '../integration/lib/gateway.mjs';
import { claudeCommand, exchanges, MCP_TOOL, PINNED_VERSION, runClaude, startTap } from './lib/claude.mjs';

const MASTER = 'sk-llmgw-claude-code-master-1f2e3d';
const ANTHROPIC_KEY = 'sk-ant-upstream-claude-code-9a8b7c';
const OPENAI_KEY = 'sk-openai-upstream-claude-code-6d5e4f';
const OPENAI_MODEL = 'gpt-4o-mini';

// The model ids Claude Code 2.1.197 sends: its default main model for an API-key user (no
// ANTHROPIC_MODEL), the one these tests pin with ANTHROPIC_MODEL, and the background ("haiku")
// model pinned with ANTHROPIC_DEFAULT_HAIKU_MODEL / ANTHROPIC_SMALL_FAST_MODEL (without them, a
// non-Anthropic base URL makes it reuse the main model). Each is a gateway alias.
const DEFAULT_MODEL = 'claude-opus-4-8';
const MAIN_MODEL = 'claude-sonnet-4-5';
const FAST_MODEL = 'claude-haiku-4-5';
const ALIASES = [DEFAULT_MODEL, MAIN_MODEL, FAST_MODEL];
const PINNED_MODELS = { ANTHROPIC_MODEL: MAIN_MODEL, ANTHROPIC_DEFAULT_HAIKU_MODEL: FAST_MODEL, ANTHROPIC_SMALL_FAST_MODEL: FAST_MODEL };
const NO_THINKING = { CLAUDE_CODE_DISABLE_THINKING: '1' };
const MID_CONVERSATION_SYSTEM_BETA = 'mid-conversation-system-2026-04-07';

const NOTE = 'The secret word is PELICAN-42.\n';

// ---------------------------------------------------------------------------------------------
// What the mocks can be told to do (both are owned elsewhere; the tests adapt to what they offer).

/** Anthropic mock: enqueue({ toolUse: { name, input } }) answers exactly that tool_use. */
function anthropicMockNamesTools() {
  try {
    const body = { model: 'm', max_tokens: 100, messages: [{ role: 'user', content: 'x' }],
      tools: [{ name: 'Read', input_schema: { type: 'object' } }] };
    const plan = anthropicPlan(body, { toolUse: { name: 'Read', input: { file_path: '/probe' } } });
    return plan.content.some((b) => b.type === 'tool_use' && b.name === 'Read' && b.input?.file_path === '/probe');
  } catch { return false; }
}
/** OpenAI mock: enqueue({ toolCalls: [{ name, arguments }] }) answers exactly those calls. */
function openaiMockNamesTools() {
  try {
    const body = { model: 'm', messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'function', function: { name: 'Read', parameters: { type: 'object' } } }] };
    const plan = openaiPlan(body, { toolCalls: [{ name: 'Read', arguments: '{"file_path":"/probe"}' }] });
    return plan.toolCalls?.length === 1 && plan.toolCalls[0].name === 'Read' && plan.toolCalls[0].arguments.includes('/probe');
  } catch { return false; }
}
const NAMED_TOOL_SKIP_ANTHROPIC = anthropicMockNamesTools() ? false
  : 'the Anthropic mock cannot be told which tool to call yet: it needs enqueue({ toolUse: { name, input } })';
const NAMED_TOOL_SKIP_OPENAI = openaiMockNamesTools() ? false
  : 'the OpenAI mock cannot be told which tool to call yet: it needs enqueue({ toolCalls: [{ name, arguments }] })';

/** Does the Anthropic mock accept a mid-conversation role:"system" message under its beta (as Anthropic does)? */
async function mockAcceptsMidConversationSystem(mock) {
  const res = await fetch(`${mock.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': ANTHROPIC_KEY, 'anthropic-version': '2023-06-01',
      'anthropic-beta': MID_CONVERSATION_SYSTEM_BETA },
    body: JSON.stringify({ model: MAIN_MODEL, max_tokens: 16, messages: [
      { role: 'user', content: 'hi' }, { role: 'system', content: 'Be brief.' }] }),
  });
  await res.arrayBuffer();
  mock.reset();
  return res.status === 200;
}

// ---------------------------------------------------------------------------------------------
// Set-up: one mock, one gateway (every alias → that mock) and one tap per upstream kind.

async function startStack(kind) {
  const mock = kind === 'anthropic'
    ? await startAnthropicMock({ apiKey: ANTHROPIC_KEY })
    : await startOpenAIMock({ apiKey: OPENAI_KEY });
  const deployments = ALIASES.map((alias) => (kind === 'anthropic'
    ? { model_name: alias, litellm_params: { model: `anthropic/${alias}`, api_base: mock.url, api_key: ANTHROPIC_KEY, timeout: 60 } }
    : { model_name: alias, litellm_params: { model: `openai/${OPENAI_MODEL}`, api_base: `${mock.url}/v1`, api_key: OPENAI_KEY, timeout: 60 } }));
  let gw;
  try {
    gw = await startGateway({
      config: gatewayConfig({ masterKey: MASTER, deployments, load: ['provider-openai', 'provider-anthropic'] }),
    });
  } catch (e) {
    await mock.close();
    throw e;
  }
  const tap = await startTap(gw.url);
  const runs = [];
  return {
    mock, gw, tap,
    async claude(opts) {
      const run = await runClaude({ baseURL: tap.url, apiKey: MASTER, ...opts });
      runs.push(run);
      return run;
    },
    /** Everything needed to understand a failure: Claude Code's output and the exchanges llmgw had. */
    why(run) {
      return `${run.describe()}\nclaude → llmgw:\n${exchanges(tap.records)}\n` +
        `llmgw → mock: ${mock.requests.map((r) => `${r.method} ${r.path} → ${r.status}`).join(', ') || 'nothing'}`;
    },
    async stop() {
      for (const r of runs) r.cleanup();
      await tap.close();
      await gw.stop();
      await mock.close();
    },
  };
}

/** Every request Claude Code made names an alias the gateway serves, and none was refused for it. */
function assertModelsAliased(stack) {
  for (const r of stack.tap.records) {
    if (r.json?.model === undefined) continue;
    assert.ok(ALIASES.includes(r.json.model), `Claude Code sent model "${r.json.model}", which is not an alias`);
    assert.notEqual(r.status, 404, `llmgw answered 404 to ${r.path} (model ${r.json.model}): ${r.responseBody}`);
  }
}

const textBlocks = (content) => (typeof content === 'string' ? [content]
  : (content ?? []).map((b) => (typeof b === 'string' ? b : b.text ?? '')));
const toolResultText = (block) => textBlocks(block.content).join('');

test('Claude Code: the pinned version runs on this Node', () => {
  const [cmd, ...pre] = claudeCommand();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-claude-code-'));
  const out = spawnSync(cmd, [...pre, '--version'], { encoding: 'utf8', timeout: 60_000, env: { PATH: process.env.PATH, HOME: home } });
  fs.rmSync(home, { recursive: true, force: true });
  assert.equal(out.status, 0, `claude --version failed: ${out.stderr}`);
  assert.match(out.stdout, new RegExp(`^${PINNED_VERSION.replaceAll('.', '\\.')} \\(Claude Code\\)`));
});

// =============================================================================================
describe('Claude Code → llmgw → Anthropic upstream (passthrough)', () => {
  let s;
  before(async () => { s = await startStack('anthropic'); });
  after(async () => { await s?.stop(); });
  beforeEach(() => { s.mock.reset(); s.tap.reset(); });

  test('a prompt completes and the upstream gets Claude Code\'s request byte for byte', async () => {
    const run = await s.claude({ prompt: 'Say hello.', env: PINNED_MODELS });
    assert.equal(run.code, 0, s.why(run));
    assert.equal(run.result?.is_error, false, s.why(run));
    assert.equal(run.result.result, ANTHROPIC_TEXT, s.why(run));
    assertModelsAliased(s);

    const sent = s.tap.messages();
    const got = s.mock.requests.filter((r) => r.path.split('?')[0] === '/v1/messages');
    assert.equal(sent.length, 1, s.why(run));
    assert.equal(got.length, 1, s.why(run));
    const [c] = sent;
    const [u] = got;
    assert.equal(c.path, '/v1/messages?beta=true', 'Claude Code calls the beta Messages path');
    assert.equal(c.status, 200);
    assert.match(c.responseHeaders['content-type'], /^text\/event-stream/);
    assert.equal(c.json.stream, true);
    assert.equal(c.json.model, MAIN_MODEL);
    // Passthrough: alias == upstream model name here, so the body must arrive unchanged.
    assert.ok(u.body.equals(c.body), 'the upstream body differs from what Claude Code sent');
    assert.equal(u.headers['anthropic-version'], c.headers['anthropic-version']);
    assert.equal(u.headers['anthropic-beta'], c.headers['anthropic-beta'], 'anthropic-beta must be forwarded unchanged');
    assert.match(c.headers['anthropic-beta'], /\bclaude-code-20250219\b/);
    assert.equal(u.headers['x-api-key'], ANTHROPIC_KEY, 'the upstream gets the deployment key');
    assert.notEqual(u.headers['x-api-key'], MASTER);
    assert.equal(u.headers.authorization, undefined);
    // The client gets the upstream's SSE bytes unchanged.
    assert.ok(c.responseBody.equals(u.responseBody), 'the SSE bytes Claude Code got differ from the upstream\'s');
    // Prompt caching survives: Claude Code's breakpoints are where it put them.
    const marks = [...c.json.system, ...c.json.messages.flatMap((m) => (Array.isArray(m.content) ? m.content : []))]
      .filter((b) => b.cache_control).length;
    assert.ok(marks >= 2, 'Claude Code marks cache breakpoints in system and messages');
    assert.ok(u.usage.cache_creation_input_tokens > 0, 'the upstream wrote the prompt cache');
  });

  test('stream-json: Claude Code sees every upstream SSE event, thinking and signature included, in order', async () => {
    const run = await s.claude({ prompt: 'Say hello.', env: PINNED_MODELS, format: 'stream-json' });
    assert.equal(run.result?.result, ANTHROPIC_TEXT, s.why(run));
    const [u] = s.mock.requests;
    const seen = run.streamEvents.map((e) => e.type).filter((t) => t !== 'ping');
    assert.deepEqual(seen, u.events.filter((t) => t !== 'ping'), s.why(run));
    const deltas = run.streamEvents.filter((e) => e.type === 'content_block_delta').map((e) => e.delta);
    const signature = deltas.find((d) => d.type === 'signature_delta')?.signature;
    assert.ok(signature && s.mock.signatures.has(signature), 'the thinking signature arrives unchanged');
    assert.equal(deltas.filter((d) => d.type === 'text_delta').map((d) => d.text).join(''), ANTHROPIC_TEXT);
  });

  test('Authorization: Bearer (ANTHROPIC_AUTH_TOKEN) authenticates as well as x-api-key', async () => {
    const run = await s.claude({ prompt: 'Say hello.', env: { ...PINNED_MODELS, ANTHROPIC_API_KEY: null, ANTHROPIC_AUTH_TOKEN: MASTER } });
    assert.equal(run.result?.result, ANTHROPIC_TEXT, s.why(run));
    const [c] = s.tap.messages();
    assert.equal(c.headers.authorization, `Bearer ${MASTER}`);
    assert.equal(c.headers['x-api-key'], undefined);
    assert.equal(s.mock.requests.at(-1).headers['x-api-key'], ANTHROPIC_KEY);
    assert.equal(s.mock.requests.at(-1).headers.authorization, undefined, 'the client\'s bearer token must not reach the upstream');
  });

  test('a tool turn: Claude Code runs the MCP tool, the tool_results and the signed thinking reach the upstream', async () => {
    s.mock.enqueue({ toolUse: true }); // the mock calls the tool named like "weather": mcp__wx__get_weather
    const run = await s.claude({ prompt: 'What is the weather in Paris and London?', env: PINNED_MODELS, mcp: true });
    assert.equal(run.code, 0, s.why(run));
    assert.deepEqual(run.mcpCalls().map((c) => c.arguments.location).sort(), ['London', 'Paris'], s.why(run));
    const calls = s.mock.requests.filter((r) => r.path.split('?')[0] === '/v1/messages');
    assert.equal(calls.length, 2, s.why(run));
    assert.ok(calls[0].json.tools.some((t) => t.name === MCP_TOOL), 'the MCP tool is offered');
    const msgs = calls[1].json.messages;
    const assistant = msgs.at(-2);
    const results = msgs.at(-1).content.filter((b) => b.type === 'tool_result');
    assert.equal(assistant.role, 'assistant');
    const thinking = assistant.content.find((b) => b.type === 'thinking');
    assert.ok(thinking, 'Claude Code sends the thinking block back');
    assert.ok(s.mock.signatures.has(thinking.signature), 'the thinking signature must come back exactly as the upstream issued it');
    const uses = assistant.content.filter((b) => b.type === 'tool_use');
    assert.equal(uses.length, 2);
    assert.deepEqual(results.map((b) => b.tool_use_id).sort(), uses.map((b) => b.id).sort());
    assert.deepEqual(results.map(toolResultText).sort(), [
      'WEATHER-OK location=London unit=celsius forecast=sunny temperature=21',
      'WEATHER-OK location=Paris unit=celsius forecast=sunny temperature=21',
    ]);
    assert.match(run.result.result, /^Based on the tool results: WEATHER-OK location=Paris .*; WEATHER-OK location=London /);
  });

  test('a tool turn with the built-in Read tool', { skip: NAMED_TOOL_SKIP_ANTHROPIC }, async () => {
    const run = await runClaudeWithRead(s, 'anthropic', PINNED_MODELS);
    assert.equal(run.code, 0, s.why(run));
    const calls = s.mock.requests.filter((r) => r.path.split('?')[0] === '/v1/messages');
    assert.equal(calls.length, 2, s.why(run));
    const result = calls[1].json.messages.at(-1).content.find((b) => b.type === 'tool_result');
    assert.ok(result, 'the second request carries the tool_result');
    assert.match(toolResultText(result), /The secret word is PELICAN-42\./);
    assert.notEqual(result.is_error, true);
    assert.match(run.result.result, /PELICAN-42/);
  });

  test('count_tokens: a large tool result is counted through /v1/messages/count_tokens', async () => {
    s.mock.enqueue({ toolUse: true });
    // Results over MAX_MCP_OUTPUT_TOKENS/2 (estimated) are counted by the API before use.
    const run = await s.claude({ prompt: 'What is the weather?', env: { ...PINNED_MODELS, MAX_MCP_OUTPUT_TOKENS: '2000' },
      mcp: true, mcpEnv: { WEATHER_PAD: '6000' } });
    assert.equal(run.code, 0, s.why(run));
    const counts = s.tap.countTokens();
    assert.ok(counts.length >= 1, `Claude Code did not count tokens:\n${s.why(run)}`);
    for (const c of counts) {
      assert.equal(c.path, '/v1/messages/count_tokens?beta=true');
      assert.equal(c.status, 200, s.why(run));
      assert.ok(Number.isInteger(c.responseJSON?.input_tokens) && c.responseJSON.input_tokens > 1000, String(c.responseBody));
      assert.match(c.headers['anthropic-beta'], /\btoken-counting-2024-11-01\b/);
    }
    const upstream = s.mock.requests.filter((r) => r.path.split('?')[0] === '/v1/messages/count_tokens');
    assert.equal(upstream.length, counts.length);
    assert.ok(upstream[0].body.equals(counts[0].body), 'count_tokens passes through byte for byte');
    assert.equal(upstream[0].headers['anthropic-beta'], counts[0].headers['anthropic-beta']);
    // Under the limit: the whole result reaches the model.
    const last = s.mock.requests.filter((r) => r.path.split('?')[0] === '/v1/messages').at(-1);
    const results = last.json.messages.at(-1).content.filter((b) => b.type === 'tool_result');
    assert.ok(results.length === 2 && results.every((b) => toolResultText(b).endsWith('END-OF-WEATHER')));
  });

  test('an overloaded upstream (529) reaches Claude Code as such; it retries and completes', async () => {
    // llmgw retries a 529 itself (num_retries: 2, so three attempts): Claude Code sees it only
    // when every attempt failed.
    s.mock.enqueue({ status: 529, times: 3 });
    const run = await s.claude({ prompt: 'Say hello.', env: PINNED_MODELS });
    assert.equal(run.result?.result, ANTHROPIC_TEXT, s.why(run));
    const sent = s.tap.messages();
    assert.equal(sent.length, 2, s.why(run));
    assert.equal(sent[0].status, 529);
    assert.equal(sent[0].responseJSON?.type, 'error');
    assert.equal(sent[0].responseJSON?.error?.type, 'overloaded_error');
    assert.equal(sent[1].status, 200);
  });

  test('a wrong master key: llmgw answers 401 in Anthropic shape and nothing reaches the upstream', async () => {
    // Claude Code retries a 401 (up to 10 times with back-off) unless told `x-should-retry: false`;
    // CLAUDE_CODE_MAX_RETRIES=0 keeps the test short.
    const run = await s.claude({ prompt: 'Say hello.', env: { ...PINNED_MODELS, ANTHROPIC_API_KEY: 'sk-wrong', CLAUDE_CODE_MAX_RETRIES: '0' } });
    assert.notEqual(run.code, 0, s.why(run));
    assert.equal(run.result?.is_error, true, s.why(run));
    assert.match(run.result.result, /401|auth|API key/i);
    assert.equal(s.mock.requests.length, 0);
    const [c] = s.tap.messages();
    assert.equal(c.status, 401);
    assert.equal(c.responseJSON?.type, 'error');
    assert.equal(c.responseJSON?.error?.type, 'authentication_error');
  });

  test('Claude Code\'s default model: the mid-conversation role:"system" message (beta) is passed through', async () => {
    // Claude Code 2.1.197's default model for API-key users is claude-opus-4-8; for it (and any
    // model it does not know to lack the feature) it sends `anthropic-beta: …mid-conversation-system-2026-04-07`
    // and a {"role":"system"} entry inside `messages`. Passthrough must hand it to the upstream.
    const run = await s.claude({ prompt: 'Say hello.', env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: FAST_MODEL } });
    const [c] = s.tap.messages();
    assert.ok(c, s.why(run));
    assert.equal(c.json.model, DEFAULT_MODEL);
    assert.match(c.headers['anthropic-beta'], new RegExp(`\\b${MID_CONVERSATION_SYSTEM_BETA}\\b`));
    assert.ok(c.json.messages.some((m) => m.role === 'system'), 'Claude Code sent no role:"system" message this time');
    const got = s.mock.requests.filter((r) => r.path.split('?')[0] === '/v1/messages');
    assert.ok(got.length >= 1, `llmgw refused the request instead of passing it through:\n${s.why(run)}`);
    assert.ok(got[0].body.equals(c.body), 'the upstream body differs from what Claude Code sent');
    if (await mockAcceptsMidConversationSystem(s.mock)) {
      assert.equal(run.result?.result, ANTHROPIC_TEXT, s.why(run));
    }
  });
});

/** Runs Claude Code with the mock queued to call the built-in Read tool on <cwd>/note.txt. */
function runClaudeWithRead(s, kind, env) {
  return s.claude({
    prompt: 'Read note.txt and tell me the secret word.',
    env,
    files: { 'note.txt': NOTE },
    onCwd: (cwd) => {
      const file = `${cwd}/note.txt`;
      if (kind === 'anthropic') s.mock.enqueue({ toolUse: { name: 'Read', input: { file_path: file } } });
      else s.mock.enqueue({ toolCalls: [{ name: 'Read', arguments: JSON.stringify({ file_path: file }) }] });
    },
  });
}

// =============================================================================================
describe('Claude Code → llmgw → OpenAI upstream (translation)', () => {
  let s;
  before(async () => { s = await startStack('openai'); });
  after(async () => { await s?.stop(); });
  beforeEach(() => { s.mock.reset(); s.tap.reset(); });

  const chatCalls = () => s.mock.requests.filter((r) => r.path === '/v1/chat/completions');

  test('a prompt completes (thinking off) and arrives as a Chat Completions request', async () => {
    const run = await s.claude({ prompt: 'Say hello.', env: { ...PINNED_MODELS, ...NO_THINKING } });
    assert.equal(run.code, 0, s.why(run));
    assert.equal(run.result?.is_error, false, s.why(run));
    assert.equal(run.result.result, OPENAI_TEXT, s.why(run));
    assertModelsAliased(s);
    const [c] = s.tap.messages();
    assert.equal(c.path, '/v1/messages?beta=true');
    assert.match(c.responseHeaders['content-type'], /^text\/event-stream/);
    const calls = chatCalls();
    assert.equal(calls.length, 1, s.why(run));
    const u = calls[0].json;
    assert.equal(u.model, OPENAI_MODEL);
    assert.equal(u.stream, true);
    assert.equal(calls[0].headers.authorization, `Bearer ${OPENAI_KEY}`);
    assert.equal(u.messages[0].role, 'system');
    assert.match(JSON.stringify(u.messages[0].content), /Claude/);
    assert.equal(u.messages.at(-1).role, 'user');
    assert.match(JSON.stringify(u.messages.at(-1).content), /Say hello\./);
    const names = u.tools.map((t) => t.function.name);
    for (const n of ['Bash', 'Read', 'Edit', 'Write']) assert.ok(names.includes(n), `tool ${n} not translated`);
    assert.equal(u.tools.length, c.json.tools.length, 'every tool is translated');
    assert.equal(run.result.usage.output_tokens > 0, true, 'usage reaches Claude Code');
  });

  test('stream-json (thinking off): the translated stream is a well-formed Messages event sequence', async () => {
    const run = await s.claude({ prompt: 'Say hello.', env: { ...PINNED_MODELS, ...NO_THINKING }, format: 'stream-json' });
    assert.equal(run.result?.result, OPENAI_TEXT, s.why(run));
    const types = run.streamEvents.map((e) => e.type).filter((t) => t !== 'ping');
    assert.equal(types[0], 'message_start', s.why(run));
    assert.equal(types.at(-1), 'message_stop');
    assert.equal(types.at(-2), 'message_delta');
    const starts = run.streamEvents.filter((e) => e.type === 'content_block_start');
    assert.deepEqual(starts.map((e) => e.content_block.type), ['text']);
    assert.ok(types.filter((t) => t === 'content_block_delta').length > 3, 'the text arrives in several deltas');
    const text = run.streamEvents.filter((e) => e.type === 'content_block_delta').map((e) => e.delta.text).join('');
    assert.equal(text, OPENAI_TEXT);
    assert.equal(run.streamEvents.find((e) => e.type === 'message_delta').delta.stop_reason, 'end_turn');
  });

  test('a prompt completes with thinking on, as Claude Code sends it by default', async () => {
    // Claude Code sends `thinking: {type: "enabled", budget_tokens: 31999}` (adaptive for newer
    // models) unless told otherwise. An OpenAI Chat Completions upstream has no such parameter.
    const run = await s.claude({ prompt: 'Say hello.', env: PINNED_MODELS });
    const [c] = s.tap.messages();
    assert.ok(c?.json?.thinking, 'Claude Code sent no thinking parameter this time');
    const calls = chatCalls();
    assert.equal(calls.length, 1, s.why(run));
    assert.equal('thinking' in calls[0].json, false,
      `llmgw forwarded the Anthropic-only "thinking" parameter to the OpenAI upstream: ${JSON.stringify(calls[0].json.thinking)} → ` +
      `${calls[0].status} ${calls[0].responseBody.toString('utf8').slice(0, 200)}`);
    assert.equal(run.result?.result, OPENAI_TEXT, s.why(run));
  });

  test('a tool turn (thinking off): tool_calls become tool_use, Claude Code runs the MCP tool, tool_results become tool messages', async () => {
    s.mock.enqueue({ toolCalls: true });
    const run = await s.claude({ prompt: 'What is the weather?', env: { ...PINNED_MODELS, ...NO_THINKING }, mcp: true });
    assert.equal(run.code, 0, s.why(run));
    assert.deepEqual(run.mcpCalls().map((c) => c.arguments).sort((a, b) => a.location.localeCompare(b.location)), [
      { location: 'Paris, France', unit: 'celsius' }, { location: 'Tokyo, Japan', unit: 'celsius' }], s.why(run));
    const calls = chatCalls();
    assert.equal(calls.length, 2, s.why(run));
    const sentBack = s.tap.messages()[1].json.messages;
    const uses = sentBack.at(-2).content.filter((b) => b.type === 'tool_use');
    assert.deepEqual(uses.map((b) => b.name), [MCP_TOOL, MCP_TOOL]);
    const msgs = calls[1].json.messages;
    const assistant = msgs.findLast((m) => m.role === 'assistant');
    assert.deepEqual(assistant.tool_calls.map((t) => t.function.name), [MCP_TOOL, MCP_TOOL]);
    const tools = msgs.filter((m) => m.role === 'tool');
    assert.deepEqual(tools.map((m) => m.tool_call_id).sort(), assistant.tool_calls.map((t) => t.id).sort());
    assert.deepEqual(tools.map((m) => textBlocks(m.content).join('')).sort(), [
      'WEATHER-OK location=Paris, France unit=celsius forecast=sunny temperature=21',
      'WEATHER-OK location=Tokyo, Japan unit=celsius forecast=sunny temperature=21',
    ]);
    assert.match(run.result.result, /^Based on the tool results: WEATHER-OK location=Paris, France .*; WEATHER-OK location=Tokyo, Japan /);
  });

  test('a tool turn with the built-in Read tool (thinking off)', { skip: NAMED_TOOL_SKIP_OPENAI }, async () => {
    const run = await runClaudeWithRead(s, 'openai', { ...PINNED_MODELS, ...NO_THINKING });
    assert.equal(run.code, 0, s.why(run));
    const calls = chatCalls();
    assert.equal(calls.length, 2, s.why(run));
    const tool = calls[1].json.messages.find((m) => m.role === 'tool');
    assert.ok(tool, 'the second request carries the tool message');
    assert.match(textBlocks(tool.content).join(''), /The secret word is PELICAN-42\./);
    assert.match(run.result.result, /PELICAN-42/);
  });

  test('count_tokens is answered by llmgw itself (the upstream has no such endpoint)', async () => {
    s.mock.enqueue({ toolCalls: true });
    const run = await s.claude({ prompt: 'What is the weather?', env: { ...PINNED_MODELS, ...NO_THINKING, MAX_MCP_OUTPUT_TOKENS: '2000' },
      mcp: true, mcpEnv: { WEATHER_PAD: '6000' } });
    assert.equal(run.code, 0, s.why(run));
    const counts = s.tap.countTokens();
    assert.ok(counts.length >= 1, `Claude Code did not count tokens:\n${s.why(run)}`);
    for (const c of counts) {
      assert.equal(c.status, 200, s.why(run));
      assert.ok(Number.isInteger(c.responseJSON?.input_tokens) && c.responseJSON.input_tokens > 0, String(c.responseBody));
    }
    assert.equal(s.mock.requests.filter((r) => r.path !== '/v1/chat/completions').length, 0);
    const tools = chatCalls().at(-1).json.messages.filter((m) => m.role === 'tool');
    assert.ok(tools.length === 2 && tools.every((m) => textBlocks(m.content).join('').endsWith('END-OF-WEATHER')));
  });

  test('an upstream 429 reaches Claude Code as an Anthropic rate_limit_error; it retries and completes', async () => {
    s.mock.enqueue({ status: 429, headers: { 'retry-after': '0' }, times: 3 });  // llmgw's own three attempts
    const run = await s.claude({ prompt: 'Say hello.', env: { ...PINNED_MODELS, ...NO_THINKING } });
    assert.equal(run.result?.result, OPENAI_TEXT, s.why(run));
    const sent = s.tap.messages();
    assert.equal(sent.length, 2, s.why(run));
    assert.equal(sent[0].status, 429);
    assert.equal(sent[0].responseJSON?.type, 'error');
    assert.equal(sent[0].responseJSON?.error?.type, 'rate_limit_error');
  });

  test('Claude Code\'s default model (thinking off): the mid-conversation role:"system" message is translated', async () => {
    const run = await s.claude({ prompt: 'Say hello.', env: { ANTHROPIC_DEFAULT_HAIKU_MODEL: FAST_MODEL, ...NO_THINKING } });
    const [c] = s.tap.messages();
    assert.ok(c, s.why(run));
    assert.equal(c.json.model, DEFAULT_MODEL);
    const sys = c.json.messages.find((m) => m.role === 'system');
    assert.ok(sys, 'Claude Code sent no role:"system" message this time');
    const calls = chatCalls();
    assert.ok(calls.length >= 1, `llmgw refused the request instead of translating it:\n${s.why(run)}`);
    const first = textBlocks(sys.content).join('').slice(0, 40);
    assert.ok(calls[0].json.messages.some((m) => (m.role === 'system' || m.role === 'developer') &&
      textBlocks(m.content).join('').includes(first)), 'the mid-conversation system text is not in the OpenAI request');
    assert.equal(run.result?.result, OPENAI_TEXT, s.why(run));
  });
});
