// A mock OpenAI upstream speaking the real Chat Completions wire format (plain node:http, no deps).
//
//   import { startOpenAIMock } from './openai-mock.mjs';
//   const mock = await startOpenAIMock({ apiKey: 'sk-upstream-secret' });
//   mock.url            // http://127.0.0.1:PORT   (OpenAI base URL: mock.url + '/v1')
//   mock.requests       // every request: { method, path, headers, body: Buffer, json, response…,
//                       //   responseChunkTimes (performance.now() of each SSE event written) }
//   mock.enqueue({ status: 429, body: {...}, headers: {'retry-after': '1'} })   // next request
//   mock.enqueue({ hang: true }) / { delayMs } / { streamDelayMs } / { destroyMidStream: true }
//   mock.enqueue({ finish: 'content_filter' })   // the answer's finish_reason (whole and streamed)
//   mock.enqueue({ content: 'a b', pieces: ['a', ' b'] })  // the answer; streamed in these pieces
//   mock.enqueue({ resetMidStream | stallMidStream | truncateStream: true, cutAfter: N })  // broken 200s
//   (all behaviours: lib/mock-server.mjs); mock.arrivals(): monotonic arrival time of each request
//   mock.reset(); await mock.close();
//
// Standalone: `node tests/mocks/openai-mock.mjs --port 0 [--api-key KEY]` prints "listening on PORT".
//
// Routes: POST /v1/chat/completions, POST /v1/embeddings (deterministic unit vectors, float or
// base64 of little-endian float32), GET /v1/models, GET /v1/models/{id}; anything else is 404
// "Invalid URL". Requests are validated as OpenAI does (see openai-validate.mjs). With `tools` and a
// last user message mentioning "weather" it answers two parallel tool calls; a follow-up whose last
// messages are the tool results gets a text answer quoting them. response_format json_schema /
// json_object → JSON (shaped by the schema); max_completion_tokens / max_tokens cut a longer text
// (finish_reason "length").
// Vertex AI's OpenAI-compatible endpoint for open models: with `vertex: { project, location,
// authorize(authorizationHeader) → bool }` the same chat answers are served at POST
// /v1/projects/{project}/locations/{location}/endpoints/openapi/chat/completions, authenticated by
// an OAuth Bearer token (Google's 401 UNAUTHENTICATED otherwise; another project or location is
// Google's 404); the model must name its publisher ("meta/llama-3.3-70b-instruct-maas", else
// Google's 400). rec.vertex = { project, location } records the route.
// Azure OpenAI: with `azure: { apiKey }` the same chat and embeddings answers are served at POST
// /openai/deployments/{deployment}/chat/completions and /embeddings, authenticated by the `api-key`
// header (Azure's 401 "Access denied due to invalid subscription key…" otherwise) and needing the
// ?api-version= query (Azure's 404 "Resource not found" without it). rec.azure = { deployment,
// apiVersion } records the route.
import { createMockServer, parseArgs, randomId, runStandalone } from './lib/mock-server.mjs';
import { vectorFor } from './lib/embedding-vectors.mjs';
import { JSON_PARSE_ERROR, embeddingSize, openaiError, validateChatRequest, validateEmbeddingsRequest } from './openai-validate.mjs';

export const MOCK_TEXT = 'Hello! I am the mock OpenAI upstream. How can I help you today?';
export const WEATHER_ARGUMENTS = [
  '{"location":"Paris, France","unit":"celsius"}',
  '{"location":"Tokyo, Japan","unit":"celsius"}',
];
export const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o'];
export const SYSTEM_FINGERPRINT = 'fp_mock000001';
export { openaiError, randomId };

function textOf(content) {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (p && typeof p.text === 'string' ? p.text : '')).join('');
  return '';
}

/** A value matching a JSON schema (the structured-output answer). */
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

/** The text answer: JSON under response_format json_schema (shaped by the schema) / json_object. */
function answerText(body) {
  const rf = body.response_format;
  if (rf?.type === 'json_schema') return JSON.stringify(sampleOf(rf.json_schema?.schema));
  if (rf?.type === 'json_object') return JSON.stringify({ answer: MOCK_TEXT });
  return MOCK_TEXT;
}

/** max_completion_tokens / max_tokens cut a longer text answer (finish_reason "length"), a word a token. */
function cut(body, plan) {
  const max = body.max_completion_tokens ?? body.max_tokens;
  const words = plan.content.match(/\s*\S+/g) ?? [];
  if (!Number.isInteger(max) || words.length <= max) return plan;
  return { content: words.slice(0, max).join(''), finish: 'length' };
}

/** What the mock will answer: { content, finish? } or { toolCalls: [{ id, name, arguments }] }. */
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
  if (!wantsTools) return cut(body, { content: answerText(body) });
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
    choices: [{ index: 0, message, logprobs: null, finish_reason: plan.finish ?? (plan.toolCalls ? 'tool_calls' : 'stop') }],
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
    // enqueue({ content, pieces: [...] }): the content's delta pieces as given (cut anywhere).
    const given = behaviour.pieces ?? null;
    if (given && given.join('') !== plan.content) throw new Error('pieces do not add up to the content');
    for (const piece of given ?? plan.content.match(/\s*\S+/g) ?? []) out.push(chunk({ content: piece }));
    out.push(chunk({}, plan.finish ?? 'stop'));
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
  strictModels = false, vertex = null, azure = null } = {}) {
  const srv = createMockServer({
    route,
    defaultHeaders: () => ({ 'x-request-id': `req_${randomId(32)}` }),
    onError: (res, rec, e) => srv.send(res, rec, 500, openaiError(`mock failure: ${e.message}`, { type: 'server_error' })),
  });
  const { send } = srv;

  async function chat(req, res, rec) {
    const b = await srv.behaviourFor(rec);
    if (b.hang) return; // never answer; the socket stays open until the client or close() ends it
    if (b.status) return send(res, rec, b.status, b.body ?? openaiError('mock error', { type: 'server_error' }), b.headers);
    const authErr = rec.vertex || rec.azure ? null : unauthorized(req.headers.authorization, apiKey);
    if (authErr) return send(res, rec, 401, authErr);
    if (rec.json === undefined) return send(res, rec, 400, JSON_PARSE_ERROR);
    const body = rec.json;
    const err = validateChatRequest(body);
    if (err) return send(res, rec, 400, err);
    if (rec.vertex && !/^[a-z0-9-]+\/[A-Za-z0-9._@-]+$/.test(String(body.model))) {
      return googleFail(res, rec, 400, 'INVALID_ARGUMENT', `Invalid model: ${JSON.stringify(body.model)}; expected "{publisher}/{model}".`);
    }
    if (strictModels && !models.includes(body.model)) {
      return send(res, rec, 404, openaiError(`The model \`${body.model}\` does not exist or you do not have access to it.`,
        { code: 'model_not_found' }));
    }
    const plan = planAnswer(body, b);
    if (b.finish) plan.finish = b.finish;  // enqueue({ finish: 'content_filter' }): the answer stops so
    rec.plan = plan;
    if (body.stream !== true) return srv.sendFull(res, rec, b, Buffer.from(JSON.stringify(buildCompletion(body, plan, b))));
    const events = buildChunks(body, plan, b).map((c) => `data: ${JSON.stringify(c)}\n\n`);
    events.push('data: [DONE]\n\n');
    return srv.stream(res, rec, b, events);
  }

  async function embeddings(req, res, rec) {
    const b = await srv.behaviourFor(rec);
    if (b.hang) return;
    if (b.status) return send(res, rec, b.status, b.body ?? openaiError('mock error', { type: 'server_error' }), b.headers);
    const authErr = rec.azure ? null : unauthorized(req.headers.authorization, apiKey);
    if (authErr) return send(res, rec, 401, authErr);
    if (rec.json === undefined) return send(res, rec, 400, JSON_PARSE_ERROR);
    const body = rec.json;
    const err = validateEmbeddingsRequest(body);
    if (err) return send(res, rec, 400, err);
    const items = Array.isArray(body.input) && (typeof body.input[0] !== 'number') ? body.input : [body.input];
    const dims = body.dimensions ?? embeddingSize(body.model);
    const tokens = items.reduce((n, it) => n + (typeof it === 'string' ? Math.ceil(it.length / 4) : it.length), 0);
    const data = items.map((it, index) => {
      const v = vectorFor(it, dims);
      const embedding = body.encoding_format === 'base64' ? Buffer.from(v.buffer).toString('base64') : Array.from(v);
      return { object: 'embedding', index, embedding };
    });
    return send(res, rec, 200, { object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } });
  }

  const googleFail = (res, rec, status, code, message) => send(res, rec, status, { error: { code: status, message, status: code } });
  /** Vertex AI's OpenAI-compatible endpoint: Google's 404 / 401 before the chat itself. */
  function vertexChat(req, res, rec, v) {
    rec.vertex = { project: v[1], location: v[2] };
    if (v[1] !== vertex.project || v[2] !== vertex.location) {
      return googleFail(res, rec, 404, 'NOT_FOUND', `Project or location not found: projects/${v[1]}/locations/${v[2]}`);
    }
    if (!vertex.authorize(req.headers.authorization)) {
      return googleFail(res, rec, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. ' +
        'Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    }
    return chat(req, res, rec);
  }

  /** Azure OpenAI's deployment routes: Azure's 404 / 401 before the call itself. */
  function azureCall(req, res, rec, a) {
    const apiVersion = new URL(rec.path, 'http://x').searchParams.get('api-version');
    rec.azure = { deployment: decodeURIComponent(a[1]), apiVersion };
    if (!apiVersion) return send(res, rec, 404, { error: { code: '404', message: 'Resource not found' } });
    if (req.headers['api-key'] !== azure.apiKey) {
      return send(res, rec, 401, { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API ' +
        'endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' } });
    }
    return a[2] === 'embeddings' ? embeddings(req, res, rec) : chat(req, res, rec);
  }

  function route(req, res, rec) {
    const path = rec.path.split('?')[0].replace(/\/+$/, '');
    const a = /^\/openai\/deployments\/([^/]+)\/(chat\/completions|embeddings)$/.exec(path);
    if (req.method === 'POST' && a && azure) return azureCall(req, res, rec, a);
    const v = /^\/v1(?:beta1)?\/projects\/([^/]+)\/locations\/([^/]+)\/endpoints\/openapi\/chat\/completions$/.exec(path);
    if (req.method === 'POST' && v && vertex) return vertexChat(req, res, rec, v);
    if (req.method === 'POST' && path === '/v1/chat/completions') return chat(req, res, rec);
    if (req.method === 'POST' && path === '/v1/embeddings') return embeddings(req, res, rec);
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

  const mock = await srv.listen({ host, port });
  return { ...mock, baseURL: `${mock.url}/v1` };
}

await runStandalone(import.meta.url, startOpenAIMock, (argv) => parseArgs(argv, {
  '--port': ['port', Number], '--host': ['host'], '--api-key': ['apiKey'], '--strict-models': ['strictModels', true],
}, '--port N --host H --api-key K --strict-models'));
