// A mock Anthropic upstream speaking the real Messages API wire format (plain node:http, no deps).
//
//   import { startAnthropicMock } from './anthropic-mock.mjs';
//   const mock = await startAnthropicMock({ apiKey: 'sk-ant-upstream' });
//   mock.url            // http://127.0.0.1:PORT   (Anthropic base URL; routes are /v1/…)
//   mock.requests       // every request: { method, path, headers, body: Buffer, json, requestId, usage,
//                       //   status, responseHeaders, responseBody, events (SSE names sent), closed… }
//   mock.enqueue({ status: 529, body: {...}, headers: {'retry-after': '1'}, times: 2 })   // next requests
//   mock.enqueue({ hang: true }) / { delayMs } / { streamDelayMs } / { destroyMidStream: true }
//   mock.enqueue({ resetMidStream | stallMidStream | truncateStream: true, cutAfter: N })  // broken 200s
//   (all behaviours: lib/mock-server.mjs); mock.arrivals(): monotonic arrival time of each request
//   mock.enqueue({ streamError: { type: 'overloaded_error', message: 'Overloaded' } })
//   mock.enqueue({ text: '…' } / { toolUse: true } / { deltaUsage: 'minimal' })     // shape the answer
//   mock.enqueue({ text: 'a b', pieces: ['a', ' b'] })     // stream the text in these text_delta pieces
//   mock.enqueue({ stopReason: 'refusal' })                                          // the stop_reason
//   mock.reset(); mock.reset({ cache: true }); mock.cacheSize(); await mock.close();
//
// Standalone: `node tests/mocks/anthropic-mock.mjs --port 0 [--api-key K] [--min-cache-tokens N]`
// prints "listening on PORT". Routes: POST /v1/messages, POST /v1/messages/count_tokens (a
// `?beta=true` query is ignored); else 404. Requests are validated as Anthropic does
// (anthropic-validate.mjs; anthropic-version 2023-06-01, 2023-01-01 or 2026-10-21, the last with its
// stricter rules). With tools and a user text mentioning "weather" (or a forced tool) it answers
// tool_use blocks: two parallel ones, or exactly one for a forced {type: "tool"} or under
// disable_parallel_tool_use. Prompt caching as documented: the prefix is tools → system → messages;
// a cache_control breakpoint caches the prefix up to and including its block; a later request with
// an identical prefix (same model) hits at a breakpoint or up to 20 blocks before one, within the
// TTL (5m, or 1h; refreshed on each hit); prefixes under minCacheableTokens are never cached.
// Tokens ≈ ceil(bytes/4) of each block's key-sorted JSON without its cache_control.
// Vertex AI's Anthropic publisher: with `vertex: { project, location, authorize(authorizationHeader)
// → bool }` the same answers are served at POST /v1/projects/{project}/locations/{location}/
// publishers/anthropic/models/{model}:rawPredict and :streamRawPredict, authenticated by an OAuth
// Bearer token (Google's 401 UNAUTHENTICATED otherwise; another project or location is Google's 404).
// The body is the Messages request without `model` (the URL names it; a `model` member is 400) and
// with `anthropic_version: "vertex-2023-10-16"` (400 when missing or another); no anthropic-version
// header or API key is needed. rec.vertex = { project, location, method } records the route.
// Its token counter: POST …/publishers/anthropic/models/count-tokens:rawPredict with the
// count_tokens body naming the model ("model" required; anthropic_version optional) →
// {input_tokens}.
import { createHash, randomBytes } from 'node:crypto';
import { createMockServer, parseArgs, randomId, runStandalone } from './lib/mock-server.mjs';
import {
  anthropicError, ERROR_TYPE_BY_STATUS, promptItems, stableStringify, tokensOf, turnsOf, validateHeaders, validateRequest,
  validateVertexBody, validateVertexCountBody,
} from './anthropic-validate.mjs';
export { promptItems, randomId, stableStringify, tokensOf };

export const MOCK_TEXT = 'Hello! I am the mock Anthropic upstream. How can I help you today?';
export const THINKING_TEXT = 'Let me consider the request carefully before I answer it.';
export const WEATHER_INPUTS = [{ location: 'Paris' }, { location: 'London' }];
export const DEFAULT_MODELS = ['claude-sonnet-4-5', 'claude-haiku-4-5', 'claude-opus-4-1'];
export const LOOKBACK_BLOCKS = 20;
const TTL_MS = { '5m': 5 * 60_000, '1h': 60 * 60_000 };

const sha = (...parts) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest('hex');

/** A per-instance prompt cache. account() returns the usage split of a request (and writes it). */
export function createPromptCache({ minTokens = 1024, clock = Date.now } = {}) {
  const entries = new Map(); // prefix hash → { expiresAt, ttlMs }
  return {
    size: () => [...entries.values()].filter((e) => e.expiresAt > clock()).length,
    clear() { entries.clear(); },
    account(body, { write = true } = {}) {
      const items = promptItems(body);
      const min = typeof minTokens === 'function' ? minTokens(body.model) : minTokens;
      // Changing tool_choice or thinking invalidates the messages part of the cache, not tools/system.
      const context = stableStringify({ tool_choice: body.tool_choice ?? null, thinking: body.thinking ?? null });
      const prefix = [];
      const hashes = [];
      let h = sha('model', body.model);
      let sum = 0;
      items.forEach((it, k) => {
        if (it.section === 'messages' && items[k - 1]?.section !== 'messages') h = sha(h, '|context|', context);
        h = sha(h, `|${it.section}|`, it.text);
        sum += it.tokens;
        prefix.push(sum);
        hashes.push(h);
      });
      const now = clock();
      const live = (k) => (entries.get(hashes[k])?.expiresAt ?? 0) > now;
      const breakpoints = items.map((it, k) => (it.ttl ? k : -1)).filter((k) => k >= 0);
      let hit = -1;
      for (const b of breakpoints) {
        for (let p = b; p >= Math.max(0, b - LOOKBACK_BLOCKS + 1) && p > hit; p--) {
          if (live(p)) { hit = p; break; }
        }
      }
      const read = hit >= 0 ? prefix[hit] : 0;
      const created = { '5m': 0, '1h': 0 };
      let covered = read;
      for (const b of breakpoints) {
        if (prefix[b] < min) continue; // below the minimum cacheable length: processed uncached
        if (prefix[b] > covered) {
          created[items[b].ttl] += prefix[b] - covered;
          covered = prefix[b];
        }
        if (write) {
          const ttlMs = TTL_MS[items[b].ttl];
          entries.set(hashes[b], { ttlMs, expiresAt: Math.max(entries.get(hashes[b])?.expiresAt ?? 0, now + ttlMs) });
        }
      }
      if (write && hit >= 0) { // a hit refreshes the entry it hit
        const e = entries.get(hashes[hit]);
        e.expiresAt = Math.max(e.expiresAt, now + e.ttlMs);
      }
      const creation = created['5m'] + created['1h'];
      const total = Math.max(1, sum);
      return {
        input_tokens: Math.max(0, total - read - creation),
        cache_creation_input_tokens: creation,
        cache_read_input_tokens: read,
        cache_creation: { ephemeral_5m_input_tokens: created['5m'], ephemeral_1h_input_tokens: created['1h'] },
        total,
      };
    },
  };
}

const pieces = (text) => text.match(/\s*\S+|\s+$/g) ?? [];
const resultText = (b) => (typeof b.content === 'string' ? b.content
  : Array.isArray(b.content) ? b.content.map((c) => c.text ?? '').join('') : '');
const blockTokens = (b) => (b.type === 'tool_use' ? 5 + tokensOf(JSON.stringify(b.input))
  : pieces(b.type === 'text' ? b.text : b.thinking).length);

const systemText = (system) => (typeof system === 'string' ? system
  : Array.isArray(system) ? system.map((b) => b?.text ?? '').join('\n') : '');

/** A value matching a JSON schema (a structured-output answer). */
function sampleOf(schema) {
  switch (schema?.type) {
    case 'object': return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, sampleOf(v)]));
    case 'array': return [sampleOf(schema.items)];
    case 'integer': return 21;
    case 'number': return 2.5;
    case 'boolean': return true;
    default: return schema?.enum?.[0] ?? 'Paris';
  }
}

/** What the mock answers: { content (without signatures), stop_reason, stop_sequence, output_tokens }. */
export function planAnswer(body, behaviour = {}) {
  const turns = turnsOf(body.messages);
  const last = turns.at(-1);
  const userItems = last.role === 'user' ? last.items : [];
  const results = userItems.filter((x) => x.block.type === 'tool_result');
  const continuing = results.length > 0 && userItems[0].block.type === 'tool_result';
  const content = [];
  if (['enabled', 'adaptive'].includes(body.thinking?.type) && !continuing) content.push({ type: 'thinking', thinking: THINKING_TEXT });
  const tools = (Array.isArray(body.tools) ? body.tools : []).filter((t) => (t.type ?? 'custom') === 'custom');
  const forced = body.tool_choice?.type === 'any' || body.tool_choice?.type === 'tool';
  const asked = /\bweather\b/i.test(userItems.filter((x) => x.block.type === 'text').map((x) => x.block.text).join(' '));
  const wantsTools = tools.length > 0 && body.tool_choice?.type !== 'none' &&
    (behaviour.toolUse ?? (forced || (asked && !continuing)));
  if (behaviour.text !== undefined) {
    content.push({ type: 'text', text: behaviour.text });
  } else if (wantsTools && typeof behaviour.toolUse === 'object' && behaviour.toolUse !== null) {
    // enqueue({ toolUse: { name, input } }) (or an array of them): call exactly these tools.
    for (const t of [behaviour.toolUse].flat()) {
      content.push({ type: 'tool_use', id: `toolu_01${randomId(22)}`, name: t.name, input: t.input ?? {} });
    }
  } else if (wantsTools) {
    const name = body.tool_choice?.name ?? (tools.find((t) => /weather/i.test(t.name)) ?? tools[0]).name;
    // A forced tool ({type: "tool"}) is called exactly once, as Anthropic does; so is any tool under
    // disable_parallel_tool_use ("at most one" with auto, "exactly one" with any / tool).
    const single = body.tool_choice?.type === 'tool' || body.tool_choice?.disable_parallel_tool_use === true;
    for (const input of single ? WEATHER_INPUTS.slice(0, 1) : WEATHER_INPUTS) {
      content.push({ type: 'tool_use', id: `toolu_01${randomId(22)}`, name, input });
    }
  } else if (body.output_config?.format?.type === 'json_schema' && !continuing) {
    content.push({ type: 'text', text: JSON.stringify(sampleOf(body.output_config.format.schema)) });
  } else if (!continuing && /\bonly with a single valid JSON object\b/i.test(systemText(body.system))) {
    // A model told to answer in JSON does (the instruction a json_object response_format becomes).
    content.push({ type: 'text', text: JSON.stringify({ answer: MOCK_TEXT }) });
  } else if (continuing) {
    content.push({ type: 'text', text: `Based on the tool results: ${results.map((x) => resultText(x.block)).join('; ')}` });
  } else {
    content.push({ type: 'text', text: MOCK_TEXT });
  }
  let stopReason = content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
  let stopSequence = null;
  // stop_sequences: cut the text before the first one generated.
  for (let i = 0; i < content.length && !stopSequence; i++) {
    if (content[i].type !== 'text') continue;
    let at = -1;
    for (const s of body.stop_sequences ?? []) {
      const k = s ? content[i].text.indexOf(s) : -1;
      if (k >= 0 && (at < 0 || k < at)) { at = k; stopSequence = s; }
    }
    if (stopSequence !== null) {
      content[i] = { type: 'text', text: content[i].text.slice(0, at) };
      content.splice(content[i].text ? i + 1 : i);
      stopReason = 'stop_sequence';
    }
  }
  // max_tokens: keep what fits (whole tool_use blocks only).
  let budget = body.max_tokens;
  let used = 0;
  for (let i = 0; i < content.length; i++) {
    const b = content[i];
    const n = blockTokens(b);
    if (n <= budget) { budget -= n; used += n; continue; }
    stopReason = 'max_tokens';
    stopSequence = null;
    if (b.type === 'tool_use' || budget === 0) { content.splice(i); break; }
    const kept = pieces(b.type === 'text' ? b.text : b.thinking).slice(0, budget).join('');
    content[i] = b.type === 'text' ? { type: 'text', text: kept } : { type: 'thinking', thinking: kept };
    content.splice(i + 1);
    used += budget;
    break;
  }
  // enqueue({ stopReason: 'refusal' }): the classifiers stopped the answer (stop_sequence null).
  if (behaviour.stopReason) { stopReason = behaviour.stopReason; stopSequence = null; }
  return { content, stop_reason: stopReason, stop_sequence: stopSequence, output_tokens: used };
}

/** The non-streamed `message` object. `sign(thinking)` issues a thinking block's signature. */
export function buildMessage(body, plan, usage, sign) {
  const { total, ...u } = usage;
  return {
    id: `msg_01${randomId(22)}`,
    type: 'message',
    role: 'assistant',
    model: body.model,
    content: plan.content.map((b) => (b.type === 'thinking' ? { ...b, signature: sign(b.thinking) } : b)),
    stop_reason: plan.stop_reason,
    stop_sequence: plan.stop_sequence,
    usage: { ...u, output_tokens: plan.output_tokens, service_tier: 'standard' },
  };
}

/** The SSE events of a streamed answer, in order: [{ name, data }]. */
export function buildEvents(message, { deltaUsage = 'full', pieces: given } = {}) {
  const out = [];
  const ev = (name, data) => out.push({ name, data: { type: name, ...data } });
  const { usage } = message;
  ev('message_start', { message: { ...message, content: [], stop_reason: null, stop_sequence: null,
    usage: { ...usage, output_tokens: Math.min(1, usage.output_tokens) } } });
  if (message.content.length === 0) ev('ping', {});
  message.content.forEach((b, index) => {
    const start = b.type === 'text' ? { type: 'text', text: '' }
      : b.type === 'tool_use' ? { type: 'tool_use', id: b.id, name: b.name, input: {} }
      : { type: 'thinking', thinking: '', signature: '' };
    ev('content_block_start', { index, content_block: start });
    if (index === 0) ev('ping', {});
    const delta = (d) => ev('content_block_delta', { index, delta: d });
    // enqueue({ text, pieces: [...] }): a text block's text_delta pieces as given (cut anywhere).
    const cuts = b.type === 'text' && given ? given : null;
    if (cuts && cuts.join('') !== b.text) throw new Error('pieces do not add up to the text');
    if (b.type === 'text') for (const p of cuts ?? pieces(b.text)) delta({ type: 'text_delta', text: p });
    if (b.type === 'thinking') {
      for (const p of pieces(b.thinking)) delta({ type: 'thinking_delta', thinking: p });
      delta({ type: 'signature_delta', signature: b.signature });
    }
    if (b.type === 'tool_use') {
      const json = JSON.stringify(b.input);
      delta({ type: 'input_json_delta', partial_json: '' });
      for (const p of json.match(new RegExp(`[\\s\\S]{1,${Math.max(1, Math.ceil(json.length / 4))}}`, 'g'))) {
        delta({ type: 'input_json_delta', partial_json: p });
      }
    }
    ev('content_block_stop', { index });
  });
  const { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens } = usage;
  ev('message_delta', {
    delta: { stop_reason: message.stop_reason, stop_sequence: message.stop_sequence },
    usage: deltaUsage === 'minimal' ? { output_tokens }
      : { input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens },
  });
  ev('message_stop', {});
  return out;
}
export const sseFrame = (e) => `event: ${e.name}\ndata: ${JSON.stringify(e.data)}\n\n`;

export async function startAnthropicMock({ apiKey = null, host = '127.0.0.1', port = 0, models = DEFAULT_MODELS,
  strictModels = false, minCacheableTokens = 1024, clock = Date.now, firstMessageUser = false, vertex = null } = {}) {
  const srv = createMockServer({
    route,
    defaultHeaders: (rec) => ({ 'request-id': rec.requestId }),
    record: () => ({ requestId: `req_011C${randomId(20)}`, events: [], usage: null, message: null }),
    onError: (res, rec, e) => fail(res, rec, { status: 500, type: 'api_error', message: `mock failure: ${e.message}` }),
  });
  const { send } = srv;
  const cache = createPromptCache({ minTokens: minCacheableTokens, clock });
  const signatures = new Map(); // issued thinking signature → thinking text
  const sign = (thinking) => {
    const s = randomBytes(96).toString('base64');
    signatures.set(s, thinking);
    return s;
  };
  const fail = (res, rec, e) => send(res, rec, e.status, anthropicError(e.type, e.message, rec.requestId));

  async function messages(req, res, rec, counting, viaVertex = null) {
    const b = await srv.behaviourFor(rec);
    if (b.hang) return; // never answer; the socket stays open until the client or close() ends it
    if (b.status) {
      return send(res, rec, b.status, b.body ?? anthropicError(ERROR_TYPE_BY_STATUS[b.status] ?? 'api_error',
        'mock error', rec.requestId), b.headers);
    }
    const headerErr = viaVertex ? null : validateHeaders(req.headers, apiKey);
    if (headerErr) return fail(res, rec, headerErr);
    if (rec.json === undefined) {
      return fail(res, rec, { status: 400, type: 'invalid_request_error', message: 'There was an error parsing the body of your request as JSON.' });
    }
    let body = rec.json;
    if (viaVertex?.countTokens) {
      const vErr = validateVertexCountBody(body);
      if (vErr) return fail(res, rec, vErr);
      const { anthropic_version: _version, ...rest } = body;
      body = rest;
    } else if (viaVertex) {
      const vErr = validateVertexBody(body);
      if (vErr) return fail(res, rec, vErr);
      const { anthropic_version: _version, ...rest } = body;
      body = { model: viaVertex.model, ...rest };
    }
    const betas = String(req.headers['anthropic-beta'] ?? '').split(',').map((b) => b.trim()).filter(Boolean);
    const err = validateRequest(body, { countTokens: counting, signatures, firstMessageUser, apiVersion: req.headers['anthropic-version'], betas });
    if (err) return fail(res, rec, err);
    if (strictModels && !models.includes(body.model)) {
      return fail(res, rec, { status: 404, type: 'not_found_error', message: `model: ${body.model}` });
    }
    rec.usage = cache.account(body, { write: !counting });
    if (counting) return send(res, rec, 200, { input_tokens: rec.usage.total });
    const message = buildMessage(body, planAnswer(body, b), rec.usage, sign);
    rec.message = message;
    if (body.stream !== true) {
      return srv.sendFull(res, rec, b, Buffer.from(JSON.stringify(message)), { 'request-id': rec.requestId });
    }
    let events = buildEvents(message, b);
    if (b.streamError) {
      events = [events[0], { name: 'error', data: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded', ...b.streamError } } }];
    }
    return srv.stream(res, rec, b, events.map(sseFrame), (i) => rec.events.push(events[i].name));
  }

  const googleFail = (res, rec, status, code, message) => send(res, rec, status, { error: { code: status, message, status: code } });
  function vertexRoute(req, res, rec, v) {
    rec.vertex = { project: v[1], location: v[2], method: v[4] };
    if (v[1] !== vertex.project || v[2] !== vertex.location) {
      return googleFail(res, rec, 404, 'NOT_FOUND', `Project or location not found: projects/${v[1]}/locations/${v[2]}`);
    }
    if (!vertex.authorize(req.headers.authorization)) {
      return googleFail(res, rec, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. ' +
        'Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    }
    if (v[3] === 'count-tokens') {
      if (v[4] !== 'rawPredict') return googleFail(res, rec, 404, 'NOT_FOUND', 'count-tokens is served at :rawPredict only');
      return messages(req, res, rec, true, { countTokens: true });
    }
    return messages(req, res, rec, false, { model: decodeURIComponent(v[3]) });
  }

  function route(req, res, rec) {
    const path = rec.path.split('?')[0].replace(/\/+$/, '');
    const v = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/anthropic\/models\/([^/:]+):(rawPredict|streamRawPredict)$/.exec(path);
    if (req.method === 'POST' && v && vertex) return vertexRoute(req, res, rec, v);
    if (req.method === 'POST' && path === '/v1/messages') return messages(req, res, rec, false);
    if (req.method === 'POST' && path === '/v1/messages/count_tokens') return messages(req, res, rec, true);
    return fail(res, rec, { status: 404, type: 'not_found_error', message: 'Not Found' });
  }

  const mock = await srv.listen({ host, port });
  return {
    ...mock,
    baseURL: mock.url,
    /** Forget requests and queued behaviours; the prompt cache survives unless { cache: true }. */
    reset({ cache: clearCache = false } = {}) {
      mock.reset();
      if (clearCache) cache.clear();
    },
    /** Live prompt-cache entries (one per cached breakpoint prefix). */
    cacheSize() { return cache.size(); },
    /** Thinking signatures this mock issued (a block passed back must carry one of them, unmodified). */
    signatures,
  };
}

const FLAGS = { '--port': ['port', Number], '--host': ['host', String], '--api-key': ['apiKey', String],
  '--min-cache-tokens': ['minCacheableTokens', Number] };
await runStandalone(import.meta.url, startAnthropicMock, (argv) => parseArgs(argv,
  { ...FLAGS, '--strict-models': ['strictModels', true] }, `${Object.keys(FLAGS).join(' ')} --strict-models`));
