// A mock OpenAI upstream speaking the real Chat Completions wire format (plain node:http, no deps).
//
//   import { startOpenAIMock } from './openai-mock.mjs';
//   const mock = await startOpenAIMock({ apiKey: 'sk-upstream-secret' });
//   mock.url            // http://127.0.0.1:PORT   (OpenAI base URL: mock.url + '/v1')
//   mock.requests       // every request: { method, path, headers, body: Buffer, json, response…,
//                       //   responseChunkTimes (performance.now() of each SSE event written) }
//   mock.enqueue({ status: 429, body: {...}, headers: {'retry-after': '1'} })   // next request
//   mock.enqueue({ hang: true }) / { delayMs } / { streamDelayMs } / { destroyMidStream: true }
//   mock.reset(); await mock.close();
//
// Standalone: `node tests/mocks/openai-mock.mjs --port 0 [--api-key KEY]` prints "listening on PORT".
//
// Routes: POST /v1/chat/completions, GET /v1/models, GET /v1/models/{id}; anything else is 404
// "Invalid URL". Requests are validated as OpenAI does (see openai-validate.mjs). With `tools` and a
// last user message mentioning "weather" it answers two parallel tool calls; a follow-up whose last
// messages are the tool results gets a text answer quoting them.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { JSON_PARSE_ERROR, openaiError, validateChatRequest } from './openai-validate.mjs';

export const MOCK_TEXT = 'Hello! I am the mock OpenAI upstream. How can I help you today?';
export const WEATHER_ARGUMENTS = [
  '{"location":"Paris, France","unit":"celsius"}',
  '{"location":"Tokyo, Japan","unit":"celsius"}',
];
export const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o'];
export const SYSTEM_FINGERPRINT = 'fp_mock000001';
export { openaiError };

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export function randomId(n) {
  const bytes = randomBytes(n);
  let s = '';
  for (const b of bytes) s += ALNUM[b % ALNUM.length];
  return s;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function textOf(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p.text === 'string' ? p.text : '')).join('');
  return '';
}

/** What the mock will answer: { content } or { toolCalls: [{ id, name, arguments }] }. */
export function planAnswer(body, behaviour = {}) {
  const msgs = body.messages;
  const last = msgs[msgs.length - 1];
  if (behaviour.content !== undefined) return { content: behaviour.content };
  // enqueue({ toolCalls: [{ name, arguments }] }): call exactly these tools.
  if (Array.isArray(behaviour.toolCalls)) {
    return { toolCalls: behaviour.toolCalls.map((c) => ({ id: `call_${randomId(24)}`, name: c.name,
      arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {}) })) };
  }
  if (last.role === 'tool' && behaviour.toolCalls !== true) {
    const results = [];
    for (let i = msgs.length - 1; i >= 0 && msgs[i].role === 'tool'; i--) results.unshift(textOf(msgs[i].content));
    return { content: `Based on the tool results: ${results.join('; ')}` };
  }
  const tools = Array.isArray(body.tools) ? body.tools : [];
  const wantsTools = behaviour.toolCalls ??
    (tools.length > 0 && last.role === 'user' && /\bweather\b/i.test(textOf(last.content)));
  if (!wantsTools) return { content: MOCK_TEXT };
  const named = tools.find((t) => /weather/i.test(t.function?.name ?? '')) ?? tools[0];
  const name = named?.function?.name ?? 'get_weather';
  return { toolCalls: WEATHER_ARGUMENTS.map((args) => ({ id: `call_${randomId(24)}`, name, arguments: args })) };
}

function usageFor(body, plan, behaviour) {
  if (behaviour.usage) return behaviour.usage;
  const prompt = Math.max(1, Math.ceil(Buffer.byteLength(JSON.stringify(body.messages)) / 4));
  const completion = plan.content !== undefined
    ? Math.max(1, plan.content.split(/\s+/).filter(Boolean).length)
    : plan.toolCalls.reduce((n, c) => n + 5 + Math.ceil(c.arguments.length / 4), 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: behaviour.cachedTokens ?? 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0,
    },
  };
}

export function buildCompletion(body, plan, behaviour = {}) {
  const message = { role: 'assistant', content: plan.content ?? null, refusal: null, annotations: [] };
  if (plan.toolCalls) {
    message.tool_calls = plan.toolCalls.map((c) => ({
      id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments },
    }));
  }
  return {
    id: `chatcmpl-${randomId(29)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.toolCalls ? 'tool_calls' : 'stop' }],
    usage: usageFor(body, plan, behaviour),
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

/** The chat.completion.chunk objects of a streamed answer, in order (without [DONE]). */
export function buildChunks(body, plan, behaviour = {}) {
  const includeUsage = body.stream_options?.include_usage === true;
  const base = {
    id: `chatcmpl-${randomId(29)}`, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000),
    model: body.model, service_tier: 'default', system_fingerprint: SYSTEM_FINGERPRINT,
  };
  const chunk = (delta, finish = null) => {
    const c = { ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] };
    if (includeUsage) c.usage = null;
    return c;
  };
  const out = [];
  if (plan.toolCalls) {
    plan.toolCalls.forEach((call, index) => {
      const head = { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } };
      out.push(chunk(index === 0
        ? { role: 'assistant', content: null, tool_calls: [head], refusal: null }
        : { tool_calls: [head] }));
      for (const piece of call.arguments.match(/[\s\S]{1,8}/g)) {
        out.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
      }
    });
    out.push(chunk({}, 'tool_calls'));
  } else {
    out.push(chunk({ role: 'assistant', content: '', refusal: null }));
    for (const piece of plan.content.match(/\s*\S+/g) ?? []) out.push(chunk({ content: piece }));
    out.push(chunk({}, 'stop'));
  }
  if (includeUsage) out.push({ ...base, choices: [], usage: usageFor(body, plan, behaviour) });
  return out;
}

function unauthorized(auth, apiKey) {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(auth ?? '');
  if (!m) {
    return openaiError("You didn't provide an API key. You need to provide your API key in an " +
      'Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the ' +
      "password field (with blank username) if you're accessing the API from your browser and are " +
      'prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.');
  }
  if (apiKey != null && m[1] !== apiKey) {
    const k = m[1];
    const masked = k.length > 8 ? `${k.slice(0, 3)}${'*'.repeat(Math.min(k.length - 7, 20))}${k.slice(-4)}` : '****';
    return openaiError(`Incorrect API key provided: ${masked}. You can find your API key at ` +
      'https://platform.openai.com/account/api-keys.', { code: 'invalid_api_key' });
  }
  return null;
}

export async function startOpenAIMock({ apiKey = null, host = '127.0.0.1', port = 0, models = DEFAULT_MODELS,
  strictModels = false } = {}) {
  const requests = [];
  const queue = [];
  const sockets = new Set();

  function takeBehaviour() {
    const b = queue[0];
    if (!b) return {};
    if (--b.remaining <= 0) queue.shift();
    return b;
  }

  function writeOut(res, rec, data) {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
    rec.responseChunks.push(buf);
    rec.responseChunkTimes.push(performance.now());
    return res.write(buf);
  }

  function send(res, rec, status, body, headers = {}) {
    const isBuf = Buffer.isBuffer(body) || typeof body === 'string';
    const buf = isBuf ? Buffer.from(body) : Buffer.from(JSON.stringify(body));
    const h = { 'content-type': 'application/json', 'x-request-id': `req_${randomId(32)}`, ...headers };
    h['content-length'] = String(buf.length);
    rec.status = status;
    rec.responseHeaders = h;
    res.writeHead(status, h);
    rec.responseChunks.push(buf);
    res.end(buf);
  }

  async function chat(req, res, rec) {
    const b = takeBehaviour();
    rec.behaviour = b;
    if (b.delayMs) await sleep(b.delayMs);
    if (b.hang) return; // never answer; the socket stays open until the client or close() ends it
    if (b.status) return send(res, rec, b.status, b.body ?? openaiError('mock error', { type: 'server_error' }), b.headers);
    const authErr = unauthorized(req.headers.authorization, apiKey);
    if (authErr) return send(res, rec, 401, authErr);
    if (rec.json === undefined) return send(res, rec, 400, JSON_PARSE_ERROR);
    const body = rec.json;
    const err = validateChatRequest(body);
    if (err) return send(res, rec, 400, err);
    if (strictModels && !models.includes(body.model)) {
      return send(res, rec, 404, openaiError(`The model \`${body.model}\` does not exist or you do not have access to it.`,
        { code: 'model_not_found' }));
    }
    const plan = planAnswer(body, b);
    rec.plan = plan;
    if (body.stream !== true) {
      const full = Buffer.from(JSON.stringify(buildCompletion(body, plan, b)));
      if (!b.destroyMidStream) return send(res, rec, 200, full, b.headers);
      rec.status = 200;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(full.length) });
      writeOut(res, rec, full.subarray(0, full.length >> 1));
      return setTimeout(() => res.socket?.destroy(), 20);
    }
    const events = buildChunks(body, plan, b).map((c) => `data: ${JSON.stringify(c)}\n\n`);
    events.push('data: [DONE]\n\n');
    rec.status = 200;
    rec.responseHeaders = {
      'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache',
      'x-request-id': `req_${randomId(32)}`, ...b.headers,
    };
    res.writeHead(200, rec.responseHeaders);
    res.flushHeaders();
    const cut = Math.max(1, events.length >> 1);
    for (let i = 0; i < events.length; i++) {
      if (i > 0) await (b.streamDelayMs ? sleep(b.streamDelayMs) : new Promise((r) => setImmediate(r)));
      if (res.destroyed || rec.closedAt !== null) return;
      if (b.destroyMidStream && i === cut) return res.socket?.destroy();
      writeOut(res, rec, events[i]);
      rec.eventsSent = i + 1;
    }
    res.end();
  }

  function route(req, res, rec) {
    const path = rec.path.split('?')[0].replace(/\/+$/, '');
    if (req.method === 'POST' && path === '/v1/chat/completions') return chat(req, res, rec);
    if (req.method === 'GET' && (path === '/v1/models' || path.startsWith('/v1/models/'))) {
      const authErr = unauthorized(req.headers.authorization, apiKey);
      if (authErr) return send(res, rec, 401, authErr);
      const obj = (id) => ({ id, object: 'model', created: 1715367049, owned_by: 'system' });
      if (path === '/v1/models') return send(res, rec, 200, { object: 'list', data: models.map(obj) });
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      if (models.includes(id)) return send(res, rec, 200, obj(id));
      return send(res, rec, 404, openaiError(`The model '${id}' does not exist`, { param: 'model', code: 'model_not_found' }));
    }
    return send(res, rec, 404, openaiError(`Invalid URL (${req.method} ${path || '/'})`));
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let json;
      try { json = body.length ? JSON.parse(body.toString('utf8')) : undefined; } catch { json = undefined; }
      let onClosed;
      const rec = {
        method: req.method, path: req.url, headers: { ...req.headers }, rawHeaders: [...req.rawHeaders],
        body, json, receivedAt: Date.now(), status: null, responseHeaders: null, responseChunks: [],
        responseChunkTimes: [], // performance.now() of each streamed write (one SSE event each)
        eventsSent: 0, finished: false, aborted: false, closedAt: null,
        closed: new Promise((r) => { onClosed = r; }),
        get responseBody() { return Buffer.concat(this.responseChunks); },
      };
      requests.push(rec);
      res.on('close', () => {
        rec.closedAt = Date.now();
        rec.finished = res.writableFinished;
        rec.aborted = !res.writableFinished;
        onClosed(rec);
      });
      Promise.resolve(route(req, res, rec)).catch((e) => {
        if (!res.headersSent) send(res, rec, 500, openaiError(`mock failure: ${e.message}`, { type: 'server_error' }));
        else res.destroy();
      });
    });
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s) => {
    s.setNoDelay(true);
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actualPort = server.address().port;
  const url = `http://${host}:${actualPort}`;

  return {
    port: actualPort,
    url,
    baseURL: `${url}/v1`,
    requests,
    /** Queue a behaviour for the next chat request (`times: N` for the next N requests). */
    enqueue(behaviour = {}) { queue.push({ ...behaviour, remaining: behaviour.times ?? 1 }); },
    pending() { return queue.length; },
    reset() { requests.length = 0; queue.length = 0; },
    /** Resolves once at least n requests were received (rejects after timeoutMs). */
    async waitForRequests(n, timeoutMs = 5000) {
      const end = Date.now() + timeoutMs;
      while (requests.length < n) {
        if (Date.now() > end) throw new Error(`mock: expected ${n} requests, got ${requests.length}`);
        await sleep(10);
      }
      return requests[n - 1];
    },
    /** Open connections from clients (the gateway's pool), for connection-reuse assertions. */
    connectionCount() { return sockets.size; },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') opts.port = Number(argv[++i]);
    else if (a === '--host') opts.host = argv[++i];
    else if (a === '--api-key') opts.apiKey = argv[++i];
    else if (a === '--strict-models') opts.strictModels = true;
    else throw new Error(`unknown argument ${a} (use --port N --host H --api-key K --strict-models)`);
  }
  return opts;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const mock = await startOpenAIMock(parseArgs(process.argv.slice(2)));
  process.stdout.write(`listening on ${mock.port}\n`);
  const stop = () => mock.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
