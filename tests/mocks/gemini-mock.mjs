// A mock Gemini upstream speaking the real Generative Language API wire format (plain node:http,
// no deps).
//
//   import { startGeminiMock } from './gemini-mock.mjs';
//   const mock = await startGeminiMock({ apiKey: 'AIza-upstream' });
//   mock.url            // http://127.0.0.1:PORT   (api_base; routes are /v1beta/models/{model}:…)
//   mock.requests       // every request: { method, path, headers, body, json, model, stream, answer, … }
//   mock.enqueue({ status: 429, body: {...}, headers: {'retry-after': '1'}, times: 2 })   // next requests
//   mock.enqueue({ resetMidStream | destroyMidStream | truncateStream: true, cutAfter: N })  // broken 200s
//   (all common behaviours: lib/mock-server.mjs)
//   mock.enqueue({ streamError: { code: 503, status: 'UNAVAILABLE', message } })   // an error event mid-stream
//   mock.enqueue({ text: '…' } / { finishReason: 'SAFETY' } / { blockReason: 'PROHIBITED_CONTENT' })
//   mock.enqueue({ functionCalls: [{ name, args }] })                             // call exactly these
//
// Standalone: `node tests/mocks/gemini-mock.mjs --port 0 [--api-key K]` prints "listening on PORT".
// Routes: POST /{v1beta|v1}/models/{model}:generateContent and :streamGenerateContent (?alt=sse: SSE
// events "data: {GenerateContentResponse}\r\n\r\n"; without it a JSON array); else 404. Requests are
// validated as Gemini does (gemini-validate.mjs). Answers: with function declarations and a user text
// mentioning "weather" (or mode ANY) it calls get_weather twice in parallel (one call under
// allowedFunctionNames of one name… still two calls, as Gemini may); after function responses it
// answers from them; responseMimeType application/json gives JSON (shaped by responseSchema);
// includeThoughts with a non-zero budget adds a thought part. Usage: tokens ≈ ceil(bytes/4) of the
// request's systemInstruction + tools + contents; implicit caching as Gemini 2.5 does it: a request
// whose systemInstruction + tools + first content repeat an earlier one's (same model) reads that
// prefix from the cache when it is at least `minCacheTokens` (default 1024) long.
// POST /{v}/models/{model}:batchEmbedContents: {requests: [{model: "models/{model}", content: {parts:
// [{text}]}, taskType?, title?, outputDimensionality?}]} (validateBatchEmbed: model names must match,
// text parts only, at most 100) → {embeddings: [{values}]} (deterministic unit vectors, no usage).
// Vertex AI: with `vertex: { project, location, authorize(authorizationHeader) → bool }` the same
// answers are served at POST /v1/projects/{project}/locations/{location}/publishers/google/models/
// {model}:generateContent / :streamGenerateContent, authenticated by an OAuth Bearer token instead
// of the API key (401 UNAUTHENTICATED otherwise; another project or location is 404); and embeddings
// at …/publishers/google/models/{model}:predict ({instances: [{content}], parameters:
// {outputDimensionality}} → {predictions: [{embeddings: {values, statistics: {token_count,
// truncated}}}], metadata: {billableCharacterCount}}; validateVertexPredict).
// Token counting: POST /{v}/models/{model}:countTokens ({contents} or {generateContentRequest:
// {model: "models/{model}", contents, systemInstruction, tools, …}}, not both) and on Vertex
// …/publishers/google/models/{model}:countTokens ({contents, systemInstruction, tools,
// generationConfig} at the top level); validateCountTokens → {totalTokens, promptTokensDetails}
// (Vertex adds totalBillableCharacters). totalTokens is the prompt count generateContent would
// report for the same systemInstruction + tools + contents (rec.usage.total).
import { createHash } from 'node:crypto';
import { createMockServer, parseArgs, randomId, runStandalone } from './lib/mock-server.mjs';
import { vectorFor } from './lib/embedding-vectors.mjs';
import {
  embedSize, googleError, pick, STATUS_BY_CODE, tokensOf, validateBatchEmbed, validateCountTokens, validateKey, validateRequest,
  validateVertexPredict,
} from './gemini-validate.mjs';
export { tokensOf };

export const MOCK_TEXT = 'Hello! I am the mock Gemini upstream. How can I help you today?';
export const THOUGHT_TEXT = 'The user greets me; a short friendly answer fits.';
export const WEATHER_ARGS = [{ location: 'Paris' }, { location: 'London' }];
export const THOUGHT_SIGNATURE = 'CiQBVKhc7sigMockSignature==';

const words = (text) => text.match(/\s*\S+|\s+$/g) ?? [];
const sha = (s) => createHash('sha256').update(s).digest('hex');

/** A value conforming to a Gemini Schema (enough for structured-output tests). */
export function sampleOf(schema = {}) {
  const en = pick(schema, 'enum');
  if (Array.isArray(en) && en.length) return en[0];
  const type = String(schema.type ?? (schema.properties ? 'object' : schema.items ? 'array' : 'string')).toLowerCase();
  if (schema.anyOf?.length) return sampleOf(schema.anyOf[0]);
  switch (type) {
    case 'object': return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, sampleOf(v)]));
    case 'array': return [sampleOf(schema.items ?? {})];
    case 'integer': return 21;
    case 'number': return 21.5;
    case 'boolean': return true;
    case 'null': return null;
    default: return 'Paris';
  }
}

/** What the mock answers: { parts, finishReason, thoughts (token count), candidates (token count) }. */
export function planAnswer(body, behaviour = {}) {
  const gc = pick(body, 'generationConfig') ?? {};
  const last = body.contents.at(-1);
  const lastText = last.role === 'model' ? '' : last.parts.map((p) => p.text ?? '').join(' ');
  const responses = last.parts.filter((p) => pick(p, 'functionResponse'));
  const decls = (body.tools ?? []).flatMap((t) => pick(t, 'functionDeclarations') ?? []);
  const fcc = pick(pick(body, 'toolConfig') ?? {}, 'functionCallingConfig') ?? {};
  const tc = pick(gc, 'thinkingConfig') ?? {};
  const parts = [];
  let thoughts = 0;
  if (pick(tc, 'thinkingBudget') !== 0 && (pick(tc, 'includeThoughts') || pick(tc, 'thinkingBudget') > 0)) {
    thoughts = 4 * words(THOUGHT_TEXT).length;
    if (pick(tc, 'includeThoughts')) parts.push({ text: THOUGHT_TEXT, thought: true });
  }
  const wantsTools = decls.length > 0 && fcc.mode !== 'NONE' && responses.length === 0 &&
    (behaviour.functionCalls || fcc.mode === 'ANY' || /\bweather\b/i.test(lastText));
  let text = null;
  if (behaviour.text !== undefined) {
    text = behaviour.text;
  } else if (wantsTools) {
    const allowed = pick(fcc, 'allowedFunctionNames');
    const name = allowed?.[0] ?? (decls.find((d) => /weather/i.test(d.name)) ?? decls[0]).name;
    const calls = behaviour.functionCalls ?? WEATHER_ARGS.map((args) => ({ name, args }));
    calls.forEach((c, i) => parts.push({ functionCall: { name: c.name, args: c.args ?? {} },
      ...(i === 0 ? { thoughtSignature: THOUGHT_SIGNATURE } : {}) }));
  } else if (responses.length) {
    text = `Based on the tool results: ${responses.map((p) => JSON.stringify(pick(p, 'functionResponse').response)).join('; ')}`;
  } else if (pick(gc, 'responseMimeType') === 'application/json') {
    const schema = pick(gc, 'responseSchema');
    text = JSON.stringify(schema ? sampleOf(schema) : { answer: MOCK_TEXT });
  } else {
    text = MOCK_TEXT;
  }
  let finishReason = behaviour.finishReason ?? 'STOP';
  if (text !== null) {
    for (const s of pick(gc, 'stopSequences') ?? []) {
      const k = s ? text.indexOf(s) : -1;
      if (k >= 0) text = text.slice(0, k);
    }
    const max = pick(gc, 'maxOutputTokens');
    if (max !== undefined && words(text).length > max) {
      text = words(text).slice(0, max).join('');
      finishReason = 'MAX_TOKENS';
    }
    parts.push({ text });
  }
  const candidates = parts.filter((p) => !p.thought)
    .reduce((n, p) => n + (p.text !== undefined ? words(p.text).length : 5 + tokensOf(JSON.stringify(p.functionCall.args))), 0);
  return { parts, finishReason, thoughts, candidates };
}

/** A per-instance implicit cache: prefix hash → tokens. account() gives the usage split of a request. */
function createImplicitCache(minTokens) {
  const seen = new Set();
  return {
    clear() { seen.clear(); },
    account(model, body) {
      const system = JSON.stringify(pick(body, 'systemInstruction') ?? null);
      const tools = JSON.stringify(body.tools ?? null);
      const prefixText = system + tools + JSON.stringify(body.contents[0]);
      const prefix = tokensOf(prefixText);
      const total = Math.max(1, tokensOf(system + tools + JSON.stringify(body.contents)));
      const key = sha(`${model}|${prefixText}`);
      const hit = prefix >= minTokens && seen.has(key);
      if (prefix >= minTokens) seen.add(key);
      return { promptTokenCount: total, cachedContentTokenCount: hit ? prefix : 0 };
    },
  };
}

function usageMetadata(prompt, plan, { final = true } = {}) {
  const u = { promptTokenCount: prompt.promptTokenCount };
  if (final) u.candidatesTokenCount = plan.candidates;
  u.totalTokenCount = prompt.promptTokenCount + (final ? plan.candidates + plan.thoughts : 0);
  if (prompt.cachedContentTokenCount) u.cachedContentTokenCount = prompt.cachedContentTokenCount;
  u.promptTokensDetails = [{ modality: 'TEXT', tokenCount: prompt.promptTokenCount }];
  if (plan.thoughts) u.thoughtsTokenCount = plan.thoughts;
  return u;
}

/** The stream's GenerateContentResponse chunks: a thought, text in three pieces, each call alone. */
export function buildChunks(model, responseId, plan, prompt) {
  const chunks = [];
  const chunk = (parts, finishReason) => {
    const c = { content: { parts, role: 'model' }, index: 0 };
    if (finishReason) c.finishReason = finishReason;
    chunks.push({ candidates: [c], usageMetadata: usageMetadata(prompt, plan, { final: Boolean(finishReason) }),
      modelVersion: model, responseId });
  };
  const pieces = [];
  for (const p of plan.parts) {
    if (p.text !== undefined && !p.thought) {
      const w = words(p.text);
      const n = Math.max(1, Math.ceil(w.length / 3));
      for (let i = 0; i < w.length; i += n) pieces.push({ text: w.slice(i, i + n).join('') });
      if (w.length === 0) pieces.push({ text: '' });
    } else {
      pieces.push(p);
    }
  }
  pieces.forEach((p, i) => chunk([p], i === pieces.length - 1 ? plan.finishReason : undefined));
  return chunks;
}
export const sseFrame = (obj) => `data: ${JSON.stringify(obj)}\r\n\r\n`;

export async function startGeminiMock({ apiKey = null, host = '127.0.0.1', port = 0, models = null, minCacheTokens = 1024,
  vertex = null } = {}) {
  const srv = createMockServer({
    route,
    defaultHeaders: () => ({ 'x-gemini-service-tier': 'standard', server: 'scaffolding on HTTPServer2' }),
    record: () => ({ model: null, stream: false, answer: null, usage: null }),
    onError: (res, rec, e) => fail(res, rec, { status: 500, code: 'INTERNAL', message: `mock failure: ${e.message}` }),
  });
  const { send } = srv;
  const cache = createImplicitCache(minCacheTokens);
  const fail = (res, rec, e) => send(res, rec, e.status, googleError(e.status, e.code, e.message, e.details));

  async function generate(req, res, rec, model, stream, sse) {
    const b = await srv.behaviourFor(rec);
    if (b.hang) return undefined;
    if (b.status) {
      return send(res, rec, b.status, b.body ?? googleError(b.status, STATUS_BY_CODE[b.status] ?? 'UNKNOWN', 'mock error'), b.headers);
    }
    const keyErr = rec.vertex ? null : validateKey(req.headers, rec.path, apiKey);
    if (keyErr) return fail(res, rec, keyErr);
    if (models && !models.includes(model)) {
      return fail(res, rec, { status: 404, code: 'NOT_FOUND',
        message: `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.` });
    }
    if (rec.json === undefined) {
      return fail(res, rec, { status: 400, code: 'INVALID_ARGUMENT', message: 'Invalid JSON payload received. Unexpected token.' });
    }
    const err = validateRequest(rec.json);
    if (err) return fail(res, rec, err);
    const body = rec.json;
    const responseId = randomId(22);
    const prompt = cache.account(model, body);
    rec.usage = prompt;
    if (b.blockReason) {
      const blocked = { promptFeedback: { blockReason: b.blockReason }, usageMetadata: { promptTokenCount: prompt.promptTokenCount,
        totalTokenCount: prompt.promptTokenCount }, modelVersion: model, responseId };
      if (!stream) return send(res, rec, 200, blocked);
      return srv.stream(res, rec, b, [sseFrame(blocked)]);
    }
    const plan = planAnswer(body, b);
    rec.answer = plan;
    if (!stream) {
      const whole = { candidates: [{ content: { parts: plan.parts, role: 'model' }, finishReason: plan.finishReason, index: 0 }],
        usageMetadata: usageMetadata(prompt, plan), modelVersion: model, responseId };
      const n = pick(pick(body, 'generationConfig') ?? {}, 'candidateCount') ?? 1;
      for (let i = 1; i < n; i++) whole.candidates.push({ ...whole.candidates[0], index: i });
      return srv.sendFull(res, rec, b, Buffer.from(JSON.stringify(whole)));
    }
    let chunks = buildChunks(model, responseId, plan, prompt);
    if (b.streamError) {
      chunks = [chunks[0], { error: { code: 503, status: 'UNAVAILABLE', message: 'The model is overloaded. Please try again later.', ...b.streamError } }];
    }
    if (!sse) return send(res, rec, 200, chunks);
    return srv.stream(res, rec, b, chunks.map(sseFrame));
  }

  async function batchEmbed(req, res, rec, model) {
    const b = await srv.behaviourFor(rec);
    if (b.hang) return undefined;
    if (b.status) return send(res, rec, b.status, b.body ?? googleError(b.status, STATUS_BY_CODE[b.status] ?? 'UNKNOWN', 'mock error'), b.headers);
    const keyErr = validateKey(req.headers, rec.path, apiKey);
    if (keyErr) return fail(res, rec, keyErr);
    if (models && !models.includes(model)) {
      return fail(res, rec, { status: 404, code: 'NOT_FOUND', message: `models/${model} is not found for API version v1beta, or is not supported for batchEmbedContents.` });
    }
    if (rec.json === undefined) return fail(res, rec, { status: 400, code: 'INVALID_ARGUMENT', message: 'Invalid JSON payload received. Unexpected token.' });
    const err = validateBatchEmbed(rec.json, model);
    if (err) return fail(res, rec, err);
    const embeddings = rec.json.requests.map((r) =>
      ({ values: Array.from(vectorFor(r.content.parts.map((p) => p.text).join(''), pick(r, 'outputDimensionality') ?? embedSize(model))) }));
    return send(res, rec, 200, { embeddings });
  }

  async function vertexPredict(req, res, rec, model) {
    const b = await srv.behaviourFor(rec);
    if (b.hang) return undefined;
    if (b.status) return send(res, rec, b.status, b.body ?? googleError(b.status, STATUS_BY_CODE[b.status] ?? 'UNKNOWN', 'mock error'), b.headers);
    if (rec.json === undefined) return fail(res, rec, { status: 400, code: 'INVALID_ARGUMENT', message: 'Invalid JSON payload received. Unexpected token.' });
    const err = validateVertexPredict(rec.json, model);
    if (err) return fail(res, rec, err);
    const dims = rec.json.parameters?.outputDimensionality ?? embedSize(model);
    const predictions = rec.json.instances.map((i) => ({ embeddings: { values: Array.from(vectorFor(i.content, dims)),
      statistics: { token_count: tokensOf(i.content), truncated: false } } }));
    rec.usage = { tokens: predictions.reduce((n, p) => n + p.embeddings.statistics.token_count, 0) };
    const chars = rec.json.instances.reduce((n, i) => n + i.content.replace(/\s/g, '').length, 0);
    return send(res, rec, 200, { predictions, metadata: { billableCharacterCount: chars } });
  }

  async function countTokens(req, res, rec, model) {
    const b = await srv.behaviourFor(rec);
    if (b.hang) return undefined;
    if (b.status) return send(res, rec, b.status, b.body ?? googleError(b.status, STATUS_BY_CODE[b.status] ?? 'UNKNOWN', 'mock error'), b.headers);
    const keyErr = rec.vertex ? null : validateKey(req.headers, rec.path, apiKey);
    if (keyErr) return fail(res, rec, keyErr);
    if (models && !models.includes(model)) {
      return fail(res, rec, { status: 404, code: 'NOT_FOUND', message: `models/${model} is not found for API version v1beta, or is not supported for countTokens.` });
    }
    if (rec.json === undefined) return fail(res, rec, { status: 400, code: 'INVALID_ARGUMENT', message: 'Invalid JSON payload received. Unexpected token.' });
    const err = validateCountTokens(rec.json, model, Boolean(rec.vertex));
    if (err) return fail(res, rec, err);
    const prompt = pick(rec.json, 'generateContentRequest') ?? rec.json;
    const system = JSON.stringify(pick(prompt, 'systemInstruction') ?? null);
    const totalTokens = Math.max(1, tokensOf(system + JSON.stringify(prompt.tools ?? null) + JSON.stringify(prompt.contents)));
    rec.usage = { total: totalTokens };
    const answer = { totalTokens, promptTokensDetails: [{ modality: 'TEXT', tokenCount: totalTokens }] };
    if (rec.vertex) answer.totalBillableCharacters = JSON.stringify(prompt.contents).replace(/\s/g, '').length;
    return send(res, rec, 200, answer);
  }

  function route(req, res, rec) {
    const url = new URL(rec.path, 'http://x');
    const e = /^\/(v1beta|v1)\/models\/([^/:]+):batchEmbedContents$/.exec(url.pathname);
    if (req.method === 'POST' && e) {
      rec.model = decodeURIComponent(e[2]);
      return batchEmbed(req, res, rec, rec.model);
    }
    const v = /^\/(v1|v1beta1)\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/google\/models\/([^/:]+):(generateContent|streamGenerateContent|predict|countTokens)$/
      .exec(url.pathname);
    if (req.method === 'POST' && v && vertex) {
      rec.vertex = { project: v[2], location: v[3] };
      if (v[2] !== vertex.project || v[3] !== vertex.location) {
        return fail(res, rec, { status: 404, code: 'NOT_FOUND', message: `Project or location not found: projects/${v[2]}/locations/${v[3]}` });
      }
      if (!vertex.authorize(req.headers.authorization)) {
        return fail(res, rec, { status: 401, code: 'UNAUTHENTICATED', message: 'Request had invalid authentication credentials. ' +
          'Expected OAuth 2 access token, login cookie or other valid authentication credential.' });
      }
      rec.model = decodeURIComponent(v[4]);
      if (v[5] === 'predict') return vertexPredict(req, res, rec, rec.model);
      if (v[5] === 'countTokens') return countTokens(req, res, rec, rec.model);
      rec.stream = v[5] === 'streamGenerateContent';
      return generate(req, res, rec, rec.model, rec.stream, url.searchParams.get('alt') === 'sse');
    }
    const m = /^\/(v1beta|v1|v1alpha)\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens)$/.exec(url.pathname);
    if (req.method === 'POST' && m) {
      rec.model = decodeURIComponent(m[2]);
      if (m[3] === 'countTokens') return countTokens(req, res, rec, rec.model);
      rec.stream = m[3] === 'streamGenerateContent';
      return generate(req, res, rec, rec.model, rec.stream, url.searchParams.get('alt') === 'sse');
    }
    return fail(res, rec, { status: 404, code: 'NOT_FOUND', message: `Requested entity was not found.` });
  }

  const mock = await srv.listen({ host, port });
  return {
    ...mock,
    baseURL: mock.url,
    /** Forget requests and queued behaviours; the implicit cache survives unless { cache: true }. */
    reset({ cache: clearCache = false } = {}) {
      mock.reset();
      if (clearCache) cache.clear();
    },
  };
}

const FLAGS = { '--port': ['port', Number], '--host': ['host', String], '--api-key': ['apiKey', String],
  '--min-cache-tokens': ['minCacheTokens', Number] };
await runStandalone(import.meta.url, startGeminiMock, (argv) => parseArgs(argv, FLAGS, Object.keys(FLAGS).join(' ')));
