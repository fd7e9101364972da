// Helpers to drive Claude Code itself (the pinned @anthropic-ai/claude-code) through llmgw.
//
//   const tap = await startTap(gw.url);            // records what Claude Code sends, forwards to llmgw
//   const run = await runClaude({ baseURL: tap.url, apiKey, prompt: 'Say hello', env: {...} });
//   run.code, run.result (the parsed --output-format json object), run.stdout, run.stderr, run.dir
//
// Every run gets a fresh HOME and working directory, and only the environment given here (no
// ANTHROPIC_* or proxy variables leak in from the caller); non-essential traffic is switched off,
// so Claude Code talks to ANTHROPIC_BASE_URL (127.0.0.1) only.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const PACKAGE_DIR = path.join(HERE, 'node_modules/@anthropic-ai/claude-code');
export const MCP_SERVER = path.join(HERE, 'mcp-weather-server.mjs');
/** The MCP server's name in --mcp-config, so its tool is `mcp__wx__get_weather` in Claude Code. */
export const MCP_TOOL = 'mcp__wx__get_weather';

/** The pinned version (package.json) and the installed one. */
export const PINNED_VERSION = JSON.parse(fs.readFileSync(path.join(HERE, 'package.json'), 'utf8'))
  .dependencies['@anthropic-ai/claude-code'];

/**
 * The command that starts Claude Code: bin/claude.exe once the package's postinstall has put the
 * native binary there (what `npm ci` does), else the package's own fallback launcher.
 */
export function claudeCommand() {
  const pkg = path.join(PACKAGE_DIR, 'package.json');
  if (!fs.existsSync(pkg)) {
    throw new Error(`${PACKAGE_DIR} is missing: run scripts/install-node-deps.sh (npm ci in tests/claude-code)`);
  }
  const bin = path.join(PACKAGE_DIR, 'bin/claude.exe');
  if (fs.existsSync(bin) && fs.statSync(bin).size > 1_000_000) return [bin];
  return [process.execPath, path.join(PACKAGE_DIR, 'cli-wrapper.cjs')];
}

const BASE_ENV = {
  CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  DISABLE_TELEMETRY: '1',
  DISABLE_AUTOUPDATER: '1',
  DISABLE_ERROR_REPORTING: '1',
  TERM: 'dumb',
  NO_COLOR: '1',
};

/**
 * Runs `claude -p <prompt> --output-format json` (or `format: 'stream-json'`, with --verbose and
 * --include-partial-messages) to completion. `env` entries override the base
 * environment; a null value removes a variable. `mcp: true` registers the local get_weather MCP
 * server (allowed without a prompt); `mcpEnv` is its environment; `files` are written into the
 * working directory first, then `onCwd(cwd)` runs (to queue mock behaviours naming files there).
 * Resolves { code, signal, stdout, stderr, result (the final "result" object), streamEvents, dir,
 * cwd, home, mcpCalls() }.
 */
export async function runClaude({ baseURL, apiKey, prompt, env = {}, args = [], mcp = false, mcpEnv = {}, files = {},
  onCwd, format = 'json', timeoutMs = 90_000 } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-claude-code-'));
  const home = path.join(dir, 'home');
  const cwd = path.join(dir, 'work');
  fs.mkdirSync(home);
  fs.mkdirSync(cwd);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(cwd, name), text);
  if (onCwd) await onCwd(cwd);
  const mcpLog = path.join(dir, 'mcp-calls.jsonl');
  const argv = ['-p', prompt, '--output-format', format, ...args];
  if (format === 'stream-json') argv.push('--verbose', '--include-partial-messages');
  if (mcp) {
    const config = { mcpServers: { wx: { type: 'stdio', command: process.execPath, args: [MCP_SERVER],
      env: { WEATHER_LOG: mcpLog, ...mcpEnv } } } };
    const file = path.join(dir, 'mcp.json');
    fs.writeFileSync(file, JSON.stringify(config));
    argv.push('--mcp-config', file, '--strict-mcp-config', '--allowedTools', MCP_TOOL);
  }
  const fullEnv = { PATH: process.env.PATH, HOME: home, TMPDIR: os.tmpdir(), ...BASE_ENV,
    ANTHROPIC_BASE_URL: baseURL, ANTHROPIC_API_KEY: apiKey, ...env };
  for (const [k, v] of Object.entries(fullEnv)) if (v === null || v === undefined) delete fullEnv[k];

  const [cmd, ...pre] = claudeCommand();
  const proc = spawn(cmd, [...pre, ...argv], { cwd, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8');
  proc.stderr.setEncoding('utf8');
  proc.stdout.on('data', (d) => { stdout += d; });
  proc.stderr.on('data', (d) => { stderr += d; });
  let timedOut = false;
  const timer = setTimeout(() => { timedOut = true; proc.kill('SIGKILL'); }, timeoutMs);
  const [code, signal] = await new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (c, s) => resolve([c, s]));
  }).finally(() => clearTimeout(timer));
  const lines = [];
  for (const l of stdout.split('\n')) {
    if (!l.trim()) continue;
    try { lines.push(JSON.parse(l)); } catch { /* not a JSON line */ }
  }
  const result = lines.findLast((l) => l.type === 'result');
  return {
    code, signal, timedOut, stdout, stderr, result, dir, cwd, home,
    /** stream-json: the Messages stream events Claude Code reported (stream_event lines), in order. */
    streamEvents: lines.filter((l) => l.type === 'stream_event').map((l) => l.event),
    /** The get_weather calls the MCP server received: [{ name, arguments }]. */
    mcpCalls: () => (fs.existsSync(mcpLog) ? fs.readFileSync(mcpLog, 'utf8').trim().split('\n').filter(Boolean)
      .map((l) => JSON.parse(l)) : []),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
    describe: () => `claude exited ${code}${signal ? ` (${signal})` : ''}${timedOut ? ' after the timeout' : ''}\n` +
      `stdout: ${stdout.slice(0, 2000)}\nstderr: ${stderr.slice(0, 2000)}`,
  };
}

/**
 * A recording HTTP proxy in front of llmgw: what Claude Code sends and what llmgw answers, bytes
 * unchanged, streamed through as they arrive. records: [{ method, path, headers, body, json,
 * status, responseHeaders, responseBody (getter) }].
 */
export async function startTap(target) {
  const t = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const records = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const rec = { method: req.method, path: req.url, headers: { ...req.headers }, body: Buffer.concat(chunks),
        json: undefined, status: null, responseHeaders: null, responseChunks: [], error: null,
        get responseBody() { return Buffer.concat(this.responseChunks); },
        get responseJSON() { try { return JSON.parse(this.responseBody.toString('utf8')); } catch { return undefined; } } };
      try { rec.json = rec.body.length ? JSON.parse(rec.body.toString('utf8')) : undefined; } catch { /* not JSON */ }
      records.push(rec);
      const headers = { ...req.headers, host: t.host };
      const up = http.request({ host: t.hostname, port: t.port, method: req.method, path: req.url, headers, agent }, (ur) => {
        rec.status = ur.statusCode;
        rec.responseHeaders = { ...ur.headers };
        res.writeHead(ur.statusCode, ur.headers);
        res.flushHeaders();
        ur.on('data', (c) => { rec.responseChunks.push(c); res.write(c); });
        ur.on('end', () => res.end());
        ur.on('error', () => res.destroy());
      });
      up.on('error', (e) => {
        rec.error = e.message;
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`tap: ${e.message}`);
      });
      res.on('close', () => { if (!res.writableFinished) up.destroy(); });
      up.end(rec.body);
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const sockets = new Set();
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    records,
    reset() { records.length = 0; },
    /** Claude Code's model calls: POST …/v1/messages (any query string), not count_tokens. */
    messages() { return records.filter((r) => r.method === 'POST' && /^\/v1\/messages(\?|$)/.test(r.path)); },
    countTokens() { return records.filter((r) => r.method === 'POST' && /^\/v1\/messages\/count_tokens(\?|$)/.test(r.path)); },
    close() {
      agent.destroy();
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/** One line per exchange, for assertion messages: "POST /v1/messages?beta=true → 400 {…}". */
export function exchanges(records, bodyChars = 300) {
  return records.map((r) => `${r.method} ${r.path} → ${r.status ?? r.error} ` +
    `${r.status && r.status >= 300 ? r.responseBody.toString('utf8').slice(0, bodyChars) : ''}`).join('\n');
}
