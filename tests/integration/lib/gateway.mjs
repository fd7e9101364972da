// Helpers to run the real llmgw binary in integration and e2e tests.
//
//   const gw = await startGateway({ config: gatewayConfig({ upstream: mock.url }) });
//   const res = await postJSON(`${gw.url}/v1/chat/completions`, body);
//   await gw.stop();
//
// LLMGW_BIN (default build/bin/llmgw) and LLMGW_PLUGIN_DIR (default build/lib/llmgw/plugins) are
// set by CTest; relative defaults are resolved against the repository root.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const LLMGW_BIN = path.resolve(REPO_ROOT, process.env.LLMGW_BIN || 'build/bin/llmgw');
export const PLUGIN_DIR = path.resolve(REPO_ROOT, process.env.LLMGW_PLUGIN_DIR || 'build/lib/llmgw/plugins');
export const UPSTREAM_KEY = 'sk-upstream-secret-7f3a9c1e5b2d';

const LISTENING = /listening on http:\/\/(\[[^\]]+\]|[^\s:/]+):(\d+)/;
const running = new Set();
process.on('exit', () => { for (const p of running) try { p.kill('SIGKILL'); } catch { /* gone */ } });

// ---------------------------------------------------------------------------------------------
// Config

const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const isNested = (v) => (isPlainObject(v) && Object.keys(v).length > 0) || (Array.isArray(v) && v.length > 0);

function scalar(v) {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return '[]';
  if (isPlainObject(v)) return '{}';
  return String(v);
}

/** Block-style YAML (keys plain, strings double-quoted) so each key sits on its own line. */
export function toYaml(value, indent = '') {
  if (Array.isArray(value)) {
    return value.map((item) => {
      if (!isNested(item)) return `${indent}- ${scalar(item)}`;
      const body = toYaml(item, `${indent}  `);
      return `${indent}- ${body.slice(indent.length + 2)}`;
    }).join('\n');
  }
  if (isPlainObject(value)) {
    return Object.entries(value).map(([k, v]) => (isNested(v)
      ? `${indent}${k}:\n${toYaml(v, `${indent}  `)}`
      : `${indent}${k}: ${scalar(v)}`)).join('\n');
  }
  return `${indent}${scalar(value)}`;
}

/** One OpenAI deployment entry for model_list. */
export function deployment({ alias = 'gpt-4o-mini', model = 'gpt-4o-mini', upstream, apiBase, apiKey = UPSTREAM_KEY,
  timeout = 5, extra = {} } = {}) {
  const params = { model: `openai/${model}`, api_base: apiBase ?? `${upstream}/v1`, api_key: apiKey };
  if (timeout !== undefined) params.timeout = timeout;
  return { model_name: alias, litellm_params: { ...params, ...extra } };
}

/** The upstream key of Anthropic deployments (anthropicDeployment's default `apiKey`). */
export const ANTHROPIC_UPSTREAM_KEY = 'sk-ant-upstream-secret-4d8e2b6a1c';

/**
 * One Anthropic deployment entry for model_list (served by provider-anthropic): `upstream` is the
 * Anthropic mock's url (the plugin appends /v1/messages).
 */
export function anthropicDeployment({ alias = 'claude-sonnet-4-5', model = 'claude-sonnet-4-5', upstream, apiBase,
  apiKey = ANTHROPIC_UPSTREAM_KEY, timeout = 5, extra = {} } = {}) {
  const params = { model: `anthropic/${model}`, api_base: apiBase ?? upstream, api_key: apiKey };
  if (timeout !== undefined) params.timeout = timeout;
  return { model_name: alias, litellm_params: { ...params, ...extra } };
}

const usesAnthropic = (deployments) => (deployments ?? [])
  .some((d) => String(d?.litellm_params?.model ?? '').startsWith('anthropic/'));

/**
 * A gateway config object: one deployment to `upstream` (a mock's url) plus `deployments`.
 * `load` defaults to provider-openai, plus provider-anthropic when a deployment is `anthropic/…`.
 */
/**
 * router_settings for tests about what the client gets from one upstream answer (error bodies,
 * statuses, headers): no retries and no cooldowns, so every request reaches the upstream once.
 */
export const RELAY_AS_IS = Object.freeze({ num_retries: 0, disable_cooldowns: true });

export function gatewayConfig({ upstream, masterKey, server, deployments, load, router, ...one } = {}) {
  const cfg = {};
  if (masterKey) cfg.general_settings = { master_key: masterKey };
  if (server) cfg.server = server;
  if (router) cfg.router_settings = { ...router };
  const modelList = deployments ?? [deployment({ upstream, ...one })];
  const plugins = load ?? (usesAnthropic(modelList) ? ['provider-openai', 'provider-anthropic'] : ['provider-openai']);
  cfg.plugins = { dirs: [PLUGIN_DIR], load: plugins };
  cfg.model_list = modelList;
  return cfg;
}

/** Writes a config (object or YAML text) into a fresh temp dir; returns { dir, file }. */
export function writeConfig(config, name = 'llmgw.yaml') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-it-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof config === 'string' ? config : `${toYaml(config)}\n`);
  return { dir, file };
}

// ---------------------------------------------------------------------------------------------
// Processes

function ensureBinary() {
  if (!fs.existsSync(LLMGW_BIN)) {
    throw new Error(`llmgw binary not found at ${LLMGW_BIN}: build it first, or set LLMGW_BIN`);
  }
}

function waitExit(proc, ms) {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    proc.once('exit', () => { clearTimeout(t); resolve(true); });
  });
}

/**
 * Starts the gateway on 127.0.0.1 with an ephemeral port and waits for its
 * "listening on http://HOST:PORT" line. Returns { url, port, proc, stop(), stderr(), stdout(), logs() }.
 */
export async function startGateway({ config, logLevel = 'warn', args = [], env = {}, timeoutMs = 10_000 } = {}) {
  ensureBinary();
  const { dir, file } = writeConfig(config);
  const argv = ['--config', file, '--host', '127.0.0.1', '--port', '0', '--log-level', logLevel, ...args];
  const proc = spawn(LLMGW_BIN, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  let out = '';
  let err = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stderr.on('data', (d) => { err += d; });

  let port;
  let host;
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(
        `llmgw did not print "listening on http://HOST:PORT" within ${timeoutMs} ms\n` +
        `command: ${LLMGW_BIN} ${argv.join(' ')}\nstdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
      proc.stdout.on('data', (d) => {
        out += d;
        const m = LISTENING.exec(out);
        if (m && port === undefined) {
          host = m[1];
          port = Number(m[2]);
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('error', (e) => { clearTimeout(timer); reject(e); });
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`llmgw exited (code ${code}, signal ${signal}) before listening\n` +
          `config:\n${fs.readFileSync(file, 'utf8')}\nstdout:\n${out}\nstderr:\n${err}`));
      });
    });
  } catch (e) {
    proc.kill('SIGKILL');
    running.delete(proc);
    throw e;
  }

  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
  return {
    url,
    port,
    proc,
    configFile: file,
    stdout: () => out,
    stderr: () => err,
    logs: () => out + err,
    /** SIGTERM, then SIGKILL after `killAfterMs` (5 s); resolves with { code, signal } once it has exited. */
    async stop(killAfterMs = 5000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        if (!(await waitExit(proc, killAfterMs))) {
          proc.kill('SIGKILL');
          await waitExit(proc, 5000);
        }
      }
      running.delete(proc);
      fs.rmSync(dir, { recursive: true, force: true });
      return { code: proc.exitCode, signal: proc.signalCode };
    },
  };
}

/** Runs llmgw with `args` to completion: { code, signal, stdout, stderr }. */
export async function runGateway(args, { timeoutMs = 10_000 } = {}) {
  ensureBinary();
  const proc = spawn(LLMGW_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d) => { stdout += d; });
  proc.stderr.on('data', (d) => { stderr += d; });
  const exited = await waitExit(proc, timeoutMs);
  if (!exited) proc.kill('SIGKILL');
  await waitExit(proc, 2000);
  running.delete(proc);
  if (!exited) throw new Error(`llmgw ${args.join(' ')} did not exit within ${timeoutMs} ms\n${stderr}`);
  return { code: proc.exitCode, signal: proc.signalCode, stdout, stderr };
}

/** A loopback port with nothing listening on it (for connection-refused tests). */
export function closedPort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// HTTP

/** fetch wrapper: { status, headers, raw: Buffer, text, json (undefined when not JSON), ms }. */
export async function request(url, { method = 'GET', headers = {}, body, signal } = {}) {
  const t0 = performance.now();
  const res = await fetch(url, { method, headers, body, signal });
  const raw = Buffer.from(await res.arrayBuffer());
  const text = raw.toString('utf8');
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, raw, text, json, ms: performance.now() - t0 };
}

/** POST a body (object → JSON text, string/Buffer sent as is) with Content-Type application/json. */
export function postJSON(url, body, { headers = {}, ...rest } = {}) {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: payload, ...rest });
}

/**
 * Reads Server-Sent Events from a fetch body or a Node stream. Yields
 * { raw, data, json, at } per event, `at` = performance.now() when its last byte arrived.
 */
export async function* readSSE(body) {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of body) {
    buf += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    for (;;) {
      const m = /\r?\n\r?\n/.exec(buf);
      if (!m) break;
      const raw = buf.slice(0, m.index + m[0].length);
      buf = buf.slice(m.index + m[0].length);
      // Comment lines only (the stream's `: x-llmgw-cost: …` line): no event, as in SSE clients.
      if (raw.split(/\r?\n/).every((l) => l === '' || l.startsWith(':'))) continue;
      const data = raw.split(/\r?\n/).filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).replace(/^ /, '')).join('\n');
      let json;
      if (data && data !== '[DONE]') { try { json = JSON.parse(data); } catch { json = undefined; } }
      yield { raw, data, json, at: performance.now() };
    }
  }
  if (buf.trim()) yield { raw: buf, data: null, json: undefined, at: performance.now(), incomplete: true };
}

/** Asserts the OpenAI error shape and returns body.error. */
export function errorOf(res) {
  const e = res.json?.error;
  if (!e || typeof e !== 'object') {
    throw new Error(`expected an OpenAI error body, got ${res.status}: ${res.text.slice(0, 500)}`);
  }
  for (const k of ['message', 'type', 'param', 'code']) {
    if (!(k in e)) throw new Error(`error body lacks "${k}": ${res.text.slice(0, 500)}`);
  }
  if (typeof e.message !== 'string' || typeof e.type !== 'string') {
    throw new Error(`error.message and error.type must be strings: ${res.text.slice(0, 500)}`);
  }
  return e;
}

export const USER_HELLO = { role: 'user', content: 'Say hello.' };
export const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Get the current weather in a city',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['location'],
    },
  },
};

/** Asserts the Anthropic error shape {"type":"error","error":{"type","message"}} and returns body.error. */
export function anthropicErrorOf(res) {
  const j = res.json;
  if (!j || j.type !== 'error' || !j.error || typeof j.error !== 'object') {
    throw new Error(`expected an Anthropic error body, got ${res.status}: ${res.text.slice(0, 500)}`);
  }
  if (typeof j.error.type !== 'string' || typeof j.error.message !== 'string') {
    throw new Error(`error.type and error.message must be strings: ${res.text.slice(0, 500)}`);
  }
  return j.error;
}

/** The `event:` name of an SSE event read by readSSE (null when it has none). */
export const sseEventName = (e) => /^event:\s*(.+?)\r?$/m.exec(e.raw)?.[1] ?? null;
