// A mock Mistral upstream speaking the real chat API wire format (plain node:http, no deps).
//
//   const mock = await startMistralMock({ apiKey: 'mistral-upstream' });
//   mock.url                       // http://127.0.0.1:PORT (api_base; route POST /v1/chat/completions)
//   mock.requests / enqueue / reset / close   (lib/mock-server.mjs; all common behaviours)
//   mock.enqueue({ text: '…' })    // answer this text
// prompt_cache_key: requests with the same key sharing a prompt prefix report it (whole 64-token
// blocks) in usage.prompt_tokens_details.cached_tokens.
//
// Standalone: `node tests/mocks/mistral-mock.mjs --port 0 [--api-key K]`.
// Validation as Mistral does it: Bearer auth (401 {"message":"Unauthorized"}); unknown members
// anywhere → 422 {"object":"error","message":{"detail":[{"type":"extra_forbidden",…}]},
// "type":"invalid_request_message_error"}; tool-call ids must be 9 characters [a-zA-Z0-9] (400);
// tool_choice auto | none | any | required | {type:"function", function:{name}}; every tool call
// answered by one tool message (400 "Not the same number of function calls and responses").
// Answers: tools + a user text mentioning "weather" (or tool_choice any/required) → two parallel
// calls; after tool results → "Based on the tool results: …"; response_format json_object /
// json_schema → JSON; max_tokens cuts the text (finish_reason "length"). Streams end with a chunk
// carrying finish_reason and usage, then data: [DONE].
// POST /v1/embeddings: {model, input: string | [strings], output_dimension?, output_dtype?,
// encoding_format?, metadata?}; unknown members 422 extra_forbidden; input of another type 422
// string_type; output_dimension only on codestral-embed (1..3072; mistral-embed is 1024 fixed) →
// {id, object: "list", data: [{object: "embedding", embedding, index}], model, usage}.
// Vertex AI's Mistral publisher: with `vertex: { project, location, authorize(authorizationHeader)
// → bool }` the same chat answers are served at POST /v1/projects/{project}/locations/{location}/
// publishers/mistralai/models/{model}:rawPredict and :streamRawPredict, authenticated by an OAuth
// Bearer token (Google's 401 UNAUTHENTICATED otherwise; another project or location, or a model
// Vertex does not serve from Mistral, is Google's 404). The body is Mistral's, validated as above.
// Stricter than documented, to hold the plugin to Google's and Mistral's Vertex examples: the body
// names the model without its version (the URL's "mistral-small-2503@001" is the body's
// "mistral-small-2503"), and :streamRawPredict goes with "stream": true, :rawPredict without it;
// else Google's 400.
// rec.vertex = { project, location, method, model } records the route.
import { tokensOfTexts, vectorFor } from './lib/embedding-vectors.mjs';
import { createMockServer, parseArgs, randomId, runStandalone } from './lib/mock-server.mjs';

export const MOCK_TEXT = 'Hello! I am the mock Mistral upstream. How can I help you today?';
export const WEATHER_ARGS = [{ location: 'Paris' }, { location: 'London' }];
const TOOL_ID = /^[a-zA-Z0-9]{9}$/;
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const words = (text) => text.match(/\s*\S+|\s+$/g) ?? [];
const tokensOf = (text) => Math.ceil(Buffer.byteLength(text) / 4);

const REQUEST = new Set(['model', 'messages', 'temperature', 'top_p', 'max_tokens', 'stream', 'stop', 'random_seed',
  'response_format', 'tools', 'tool_choice', 'presence_penalty', 'frequency_penalty', 'n', 'prediction',
  'parallel_tool_calls', 'safe_prompt', 'prompt_mode', 'prompt_cache_key']);
const MESSAGE = {
  system: new Set(['role', 'content']), user: new Set(['role', 'content']),
  assistant: new Set(['role', 'content', 'tool_calls', 'prefix']), tool: new Set(['role', 'content', 'tool_call_id', 'name']),
};
const PART = { text: ['type', 'text'], image_url: ['type', 'image_url'], document_url: ['type', 'document_url', 'document_name'],
  input_audio: ['type', 'input_audio'], reference: ['type', 'reference_ids'] };

const extra = (loc, input) => ({ status: 422, body: { object: 'error', message: { detail: [{ type: 'extra_forbidden', loc: ['body', ...loc],
  msg: 'Extra inputs are not permitted', input }] }, type: 'invalid_request_message_error', param: null, code: null } });
const invalid = (message, status = 400) => ({ status, body: { object: 'error', message, type: 'invalid_request_message_error', param: null, code: null } });
const unknownIn = (obj, known, loc) => Object.keys(obj).find((k) => !known.has(k)) ?? null;

const EMBED_REQUEST = new Set(['model', 'input', 'output_dimension', 'output_dtype', 'encoding_format', 'metadata']);
const DTYPES = ['float', 'int8', 'uint8', 'binary', 'ubinary'];
const typeError = (loc, input, type, msg) => ({ status: 422, body: { object: 'error', message: { detail: [{ type, loc: ['body', ...loc], msg, input }] },
  type: 'invalid_request_message_error', param: null, code: null } });
export const mistralEmbedSize = (model) => (/codestral-embed/.test(model) ? 1536 : 1024);

/** null when Mistral's /v1/embeddings would accept the body; else { status, body }. */
export function validateEmbeddings(body) {
  if (!isObject(body)) return typeError([], body, 'model_attributes_type', 'Input should be a valid dictionary or object to extract fields from');
  const unknown = unknownIn(body, EMBED_REQUEST);
  if (unknown) return extra([unknown], body[unknown]);
  if (typeof body.model !== 'string') return typeError(['model'], body.model, 'missing', 'Field required');
  const texts = typeof body.input === 'string' ? [body.input] : body.input;
  if (!Array.isArray(texts) || texts.length === 0) return typeError(['input'], body.input, 'missing', 'Field required');
  const i = texts.findIndex((t) => typeof t !== 'string');
  if (i >= 0) return typeError(['input', 'list[str]', i], texts[i], 'string_type', 'Input should be a valid string');
  if (body.output_dimension !== undefined && body.output_dimension !== null) {
    if (!/codestral-embed/.test(body.model)) return invalid(`Model ${body.model} does not support output_dimension`);
    if (!Number.isInteger(body.output_dimension) || body.output_dimension < 1 || body.output_dimension > 3072) {
      return typeError(['output_dimension'], body.output_dimension, 'less_than_equal', 'Input should be less than or equal to 3072');
    }
  }
  if (body.output_dtype !== undefined && !DTYPES.includes(body.output_dtype)) return typeError(['output_dtype'], body.output_dtype, 'enum', `Input should be ${DTYPES.join(', ')}`);
  if (body.encoding_format !== undefined && !['float', 'base64'].includes(body.encoding_format)) {
    return typeError(['encoding_format'], body.encoding_format, 'enum', "Input should be 'float' or 'base64'");
  }
  return null;
}

/** null when Mistral would accept the body; else { status, body }. */
export function validate(body) {
  if (!isObject(body)) return invalid('Invalid JSON body', 400);
  let k = unknownIn(body, REQUEST);
  if (k) return extra([k], body[k]);
  if (body.prompt_cache_key !== undefined && body.prompt_cache_key !== null && typeof body.prompt_cache_key !== 'string') {
    return typeError(['prompt_cache_key'], body.prompt_cache_key, 'string_type', 'Input should be a valid string');
  }
  if (typeof body.model !== 'string') return extra(['model'], body.model);
  if (!Array.isArray(body.messages) || body.messages.length === 0) return invalid('Expected last role User or Tool (or Assistant with prefix True) for serving but got none');
  const pending = [];
  for (let i = 0; i < body.messages.length; i++) {
    const m = body.messages[i];
    if (!isObject(m) || !MESSAGE[m.role]) return invalid(`Input tag '${m?.role}' found using 'role' does not match any of the expected tags: 'system', 'user', 'assistant', 'tool'`, 422);
    k = unknownIn(m, MESSAGE[m.role]);
    if (k) return extra(['messages', i, m.role, k], m[k]);
    if (Array.isArray(m.content)) {
      for (let j = 0; j < m.content.length; j++) {
        const p = m.content[j];
        const known = PART[p?.type];
        if (!known) return invalid(`Input tag '${p?.type}' found using 'type' does not match any of the expected tags`, 422);
        k = unknownIn(p, new Set(known));
        if (k) return extra(['messages', i, m.role, 'content', j, p.type, k], p[k]);
      }
    }
    if (m.role === 'assistant' && m.tool_calls) {
      if (pending.length) return invalid('Not the same number of function calls and responses');
      for (const c of m.tool_calls) {
        if (!TOOL_ID.test(c.id ?? '')) return invalid(`Tool call id was ${c.id} but must be a-z, A-Z, 0-9, with a length of 9.`);
        pending.push(c.id);
      }
    }
    if (m.role === 'tool') {
      if (!TOOL_ID.test(m.tool_call_id ?? '')) return invalid(`Tool call id was ${m.tool_call_id} but must be a-z, A-Z, 0-9, with a length of 9.`);
      const at = pending.indexOf(m.tool_call_id);
      if (at < 0) return invalid('Unexpected tool call id ' + m.tool_call_id + ' in tool results');
      pending.splice(at, 1);
    }
    if ((m.role === 'user' || m.role === 'system') && pending.length) return invalid('Not the same number of function calls and responses');
  }
  if (pending.length) return invalid('Not the same number of function calls and responses');
  const tc = body.tool_choice;
  if (tc !== undefined && !['auto', 'none', 'any', 'required'].includes(tc) &&
    !(isObject(tc) && tc.type === 'function' && typeof tc.function?.name === 'string')) {
    return invalid(`Input should be 'auto', 'none', 'any' or 'required'`, 422);
  }
  for (const t of body.tools ?? []) {
    k = unknownIn(t, new Set(['type', 'function']));
    if (k) return extra(['tools', 0, k], t[k]);
  }
  if (body.random_seed !== undefined && !Number.isInteger(body.random_seed)) return extra(['random_seed'], body.random_seed);
  return null;
}

function plan(body, b) {
  const last = body.messages.at(-1);
  const text = typeof last.content === 'string' ? last.content : (last.content ?? []).map((p) => p.text ?? '').join(' ');
  const tools = body.tools ?? [];
  const forced = body.tool_choice === 'any' || body.tool_choice === 'required' || isObject(body.tool_choice);
  if (b.text === undefined && tools.length && body.tool_choice !== 'none' && last.role === 'user' && (forced || /\bweather\b/i.test(text))) {
    const name = body.tool_choice?.function?.name ?? tools[0].function.name;
    return { tool_calls: WEATHER_ARGS.map((args, index) => ({ id: randomId(9), type: 'function', index,
      function: { name, arguments: JSON.stringify(args) } })), finish: 'tool_calls' };
  }
  let content = b.text ?? MOCK_TEXT;
  if (b.text === undefined && last.role === 'tool') {
    content = `Based on the tool results: ${body.messages.filter((m) => m.role === 'tool').map((m) => m.content).join('; ')}`;
  } else if (b.text === undefined && body.response_format?.type === 'json_object') {
    content = JSON.stringify({ answer: MOCK_TEXT });
  } else if (b.text === undefined && body.response_format?.type === 'json_schema') {
    const props = body.response_format.json_schema?.schema?.properties ?? {};
    content = JSON.stringify(Object.fromEntries(Object.keys(props).map((p) => [p, p === 'city' ? 'Paris' : 'x'])));
  }
  let finish = 'stop';
  if (body.max_tokens !== undefined && words(content).length > body.max_tokens) {
    content = words(content).slice(0, body.max_tokens).join('');
    finish = 'length';
  }
  return { content, finish };
}

// Prompt caching (docs.mistral.ai "Prompt caching"): requests with the same prompt_cache_key (same
// model) that share a prompt prefix read it from the cache, in whole blocks of 64 tokens; usage
// reports them in prompt_tokens_details.cached_tokens (0 on a miss).
const CACHE_BLOCK = 64;
function cachedPrefixTokens(previous, text) {
  let n = 0;
  for (const p of previous) {
    let i = 0;
    while (i < p.length && i < text.length && p[i] === text[i]) i++;
    n = Math.max(n, Math.floor(Math.floor(i / 4) / CACHE_BLOCK) * CACHE_BLOCK);
  }
  return n;
}

const VERTEX_MISTRAL_MODEL = /^(mistral|codestral|ministral)[a-z0-9.-]*(@[a-z0-9.-]+)?$/;

export async function startMistralMock({ apiKey = null, host = '127.0.0.1', port = 0, vertex = null } = {}) {
  const promptCache = new Map();  // model + prompt_cache_key → prompt texts seen
  const srv = createMockServer({
    route,
    record: () => ({ answer: null }),
    onError: (res, rec, e) => srv.send(res, rec, 500, { object: 'error', message: `mock failure: ${e.message}`, type: 'internal_server_error', param: null, code: '3000' }),
  });

  async function chat(req, res, rec) {
    const b = await srv.behaviourFor(rec);
    if (b.hang) return undefined;
    if (b.status) return srv.send(res, rec, b.status, b.body ?? { object: 'error', message: 'mock error', type: 'mock', param: null, code: null }, b.headers);
    if (!rec.vertex && apiKey !== null && req.headers.authorization !== `Bearer ${apiKey}`) {
      return srv.send(res, rec, 401, { message: 'Unauthorized', request_id: randomId(32) });
    }
    if (rec.json === undefined) return srv.send(res, rec, 400, invalid('Invalid JSON body').body);
    const err = validate(rec.json);
    if (err) return srv.send(res, rec, err.status, err.body);
    const body = rec.json;
    if (rec.vertex) {
      const bare = rec.vertex.model.split('@')[0];
      if (body.model !== bare) {
        return googleFail(res, rec, 400, 'INVALID_ARGUMENT', `The model in the request body (${body.model}) does not match the model in the URL (${bare}).`);
      }
      if ((rec.vertex.method === 'streamRawPredict') !== (body.stream === true)) {
        return googleFail(res, rec, 400, 'INVALID_ARGUMENT', `${rec.vertex.method} ${body.stream ? 'takes no' : 'needs a'} "stream": true body.`);
      }
    }
    const p = plan(body, b);
    rec.answer = p;
    const id = randomId(32);
    const created = Math.floor(Date.now() / 1000);
    const prompt = tokensOf(JSON.stringify(body.messages) + JSON.stringify(body.tools ?? ''));
    const completion = p.content !== undefined ? words(p.content).length : 20;
    const promptText = JSON.stringify(body.messages) + JSON.stringify(body.tools ?? '');
    let cached = 0;
    if (typeof body.prompt_cache_key === 'string') {
      const key = `${body.model}\n${body.prompt_cache_key}`;
      const seen = promptCache.get(key) ?? [];
      cached = Math.min(cachedPrefixTokens(seen, promptText), prompt);
      promptCache.set(key, [...seen.slice(-15), promptText]);
    }
    const usage = { prompt_tokens: prompt, total_tokens: prompt + completion, completion_tokens: completion,
      prompt_tokens_details: { cached_tokens: cached } };
    if (!body.stream) {
      const message = { role: 'assistant', tool_calls: p.tool_calls?.map(({ index, ...t }) => t) ?? null, content: p.content ?? '' };
      return srv.sendFull(res, rec, b, Buffer.from(JSON.stringify({ id, object: 'chat.completion', created, model: body.model,
        choices: [{ index: 0, message, finish_reason: p.finish }], usage })));
    }
    const head = { id, object: 'chat.completion.chunk', created, model: body.model };
    const chunk = (delta, finish = null, extraFields = {}) => `data: ${JSON.stringify({ ...head,
      choices: [{ index: 0, delta, finish_reason: finish }], ...extraFields })}\n\n`;
    const frames = [chunk({ role: 'assistant', content: '' })];
    if (p.tool_calls) {
      p.tool_calls.forEach((t, i) => frames.push(chunk({ tool_calls: [t] }, i === p.tool_calls.length - 1 ? p.finish : null,
        i === p.tool_calls.length - 1 ? { usage } : {})));
    } else {
      const w = words(p.content);
      w.forEach((piece, i) => frames.push(chunk({ content: piece }, i === w.length - 1 ? p.finish : null, i === w.length - 1 ? { usage } : {})));
      if (w.length === 0) frames.push(chunk({ content: '' }, p.finish, { usage }));
    }
    frames.push('data: [DONE]\n\n');
    return srv.stream(res, rec, b, frames);
  }

  async function embeddings(req, res, rec) {
    const b = await srv.behaviourFor(rec);
    if (b.hang) return undefined;
    if (b.status) return srv.send(res, rec, b.status, b.body ?? { object: 'error', message: 'mock error', type: 'mock', param: null, code: null }, b.headers);
    if (apiKey !== null && req.headers.authorization !== `Bearer ${apiKey}`) {
      return srv.send(res, rec, 401, { message: 'Unauthorized', request_id: randomId(32) });
    }
    if (rec.json === undefined) return srv.send(res, rec, 400, invalid('Invalid JSON body').body);
    const err = validateEmbeddings(rec.json);
    if (err) return srv.send(res, rec, err.status, err.body);
    const body = rec.json;
    const texts = typeof body.input === 'string' ? [body.input] : body.input;
    const dims = body.output_dimension ?? mistralEmbedSize(body.model);
    const data = texts.map((t, index) => {
      const v = vectorFor(t, dims);
      return { object: 'embedding', embedding: body.encoding_format === 'base64' ? Buffer.from(v.buffer).toString('base64') : Array.from(v), index };
    });
    const tokens = tokensOfTexts(texts);
    return srv.send(res, rec, 200, { id: randomId(32), object: 'list', data, model: body.model,
      usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0 } });
  }

  const googleFail = (res, rec, status, code, message) => srv.send(res, rec, status, { error: { code: status, message, status: code } });
  /** Vertex AI's Mistral publisher: Google's 404 / 401 before Mistral's chat itself. */
  function vertexChat(req, res, rec, v) {
    rec.vertex = { project: v[1], location: v[2], model: decodeURIComponent(v[3]), method: v[4] };
    if (v[1] !== vertex.project || v[2] !== vertex.location) {
      return googleFail(res, rec, 404, 'NOT_FOUND', `Project or location not found: projects/${v[1]}/locations/${v[2]}`);
    }
    if (!vertex.authorize(req.headers.authorization)) {
      return googleFail(res, rec, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials. ' +
        'Expected OAuth 2 access token, login cookie or other valid authentication credential.');
    }
    if (!VERTEX_MISTRAL_MODEL.test(rec.vertex.model)) {
      return googleFail(res, rec, 404, 'NOT_FOUND', `Publisher Model \`projects/${v[1]}/locations/${v[2]}/publishers/mistralai/models/${rec.vertex.model}\` not found.`);
    }
    return chat(req, res, rec);
  }

  function route(req, res, rec) {
    const path = rec.path.split('?')[0];
    const v = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/mistralai\/models\/([^/:]+):(rawPredict|streamRawPredict)$/.exec(path);
    if (req.method === 'POST' && v && vertex) return vertexChat(req, res, rec, v);
    if (req.method === 'POST' && rec.path.split('?')[0] === '/v1/chat/completions') return chat(req, res, rec);
    if (req.method === 'POST' && rec.path.split('?')[0] === '/v1/embeddings') return embeddings(req, res, rec);
    return srv.send(res, rec, 404, { detail: 'Not Found' });
  }

  const mock = await srv.listen({ host, port });
  return { ...mock, baseURL: mock.url };
}

const FLAGS = { '--port': ['port', Number], '--host': ['host', String], '--api-key': ['apiKey', String] };
await runStandalone(import.meta.url, startMistralMock, (argv) => parseArgs(argv, FLAGS, Object.keys(FLAGS).join(' ')));
