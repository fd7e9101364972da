// A mock AWS Bedrock Runtime speaking the Converse API's real wire format (plain node:http, no deps).
//
//   import { startBedrockMock } from './bedrock-mock.mjs';
//   const mock = await startBedrockMock({ region: 'us-east-1', credentials: { AKID: { secretAccessKey: 'S', sessionToken? } } });
//   mock.url / requests / enqueue / reset / close        (lib/mock-server.mjs; common behaviours)
//   mock.enqueue({ status: 429, errorType: 'ThrottlingException', message: '…' })   // an AWS error answer
//   mock.enqueue({ streamException: { type: 'throttlingException', message: '…' } }) // an exception message mid-stream
//   mock.enqueue({ corruptCrc: true, cutAfter: N })     // stream: message N's payload altered, its CRC kept
//   mock.enqueue({ text: '…' })                         // answer this text
//   mock.enqueue({ stopReason: 'guardrail_intervened' }) // the answer's stopReason (content_filtered too)
//
// Standalone: `node tests/mocks/bedrock-mock.mjs --port 0 [--region R --access-key-id A --secret-access-key S]`.
// Routes: POST /model/{modelId}/converse (JSON) and /model/{modelId}/converse-stream
// (application/vnd.amazon.eventstream, bedrock-eventstream.mjs); else 404 UnknownOperationException.
// Every request's SigV4 signature is verified with node:crypto (bedrock-sigv4.mjs): a bad or missing
// one is a 403 with AWS's error shape (x-amzn-ErrorType header, {"message"} body); with `apiKey` set,
// "Authorization: Bearer <apiKey>" is accepted instead. Bodies are validated as Bedrock does
// (bedrock-validate.mjs: 400 ValidationException). Answers: with tools and a user text mentioning
// "weather" (or toolChoice any/tool) two toolUse blocks (Paris, London); after toolResult blocks
// "Based on the tool results: …"; additionalModelRequestFields.thinking enabled adds reasoning with a
// signature; outputConfig.textFormat (structured output) → JSON matching the schema; maxTokens
// cuts the text (stopReason max_tokens). Usage: tokens ≈ ceil(bytes/4) of
// tools + system + messages; with cachePoint blocks the prefix before the last one is written to
// the cache the first time (cacheWriteInputTokens) and read on a repeat (cacheReadInputTokens).
// POST /model/{modelId}/invoke (InvokeModel) serves embedding models, signed the same way:
// amazon.titan-embed-text-v2 {inputText, dimensions? (256|512|1024), normalize?, embeddingTypes?}
// (amazon.titan-embed-text-v1: inputText only) → {embedding, inputTextTokenCount, embeddingsByType};
// cohere.embed-* {texts, input_type, embedding_types?, truncate?, output_dimension? (v4)} (no
// model member; cohere-embed-validate.mjs) → {id, embeddings, texts, response_type}; both with
// the x-amzn-bedrock-input-token-count header; other models 400 ValidationException.
import { createHash, randomBytes } from 'node:crypto';
import { cohereEmbedAnswer, validateCohereEmbed } from './cohere-embed-validate.mjs';
import { tokensOfTexts, vectorFor } from './lib/embedding-vectors.mjs';
import { eventFrame, exceptionFrame } from './bedrock-eventstream.mjs';
import { verify } from './bedrock-sigv4.mjs';
import { validateConverse } from './bedrock-validate.mjs';
import { createMockServer, parseArgs, randomId, runStandalone } from './lib/mock-server.mjs';

export const MOCK_TEXT = 'Hello! I am the mock Bedrock upstream. How can I help you today?';
export const REASONING_TEXT = 'A greeting calls for a greeting.';
export const REASONING_SIGNATURE = 'EqQBCkgIBxABGAIiQMockSignature==';
const words = (text) => text.match(/\s*\S+|\s+$/g) ?? [];
const tokens = (v) => Math.ceil(Buffer.byteLength(JSON.stringify(v ?? null)) / 4);
const ERROR_NS = 'http://internal.amazon.com/coral/com.amazon.bedrock/';

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

function plan(body, b) {
  const last = body.messages.at(-1);
  const results = last.content.filter((c) => c.toolResult);
  const text = last.content.map((c) => c.text ?? '').join(' ');
  const tools = (body.toolConfig?.tools ?? []).filter((t) => t.toolSpec);
  const choice = body.toolConfig?.toolChoice ?? {};
  const reasoning = body.additionalModelRequestFields?.thinking?.type === 'enabled' ? REASONING_TEXT : undefined;
  if (b.text === undefined && !results.length && tools.length && (choice.any || choice.tool || /\bweather\b/i.test(text))) {
    const name = choice.tool?.name ?? tools[0].toolSpec.name;
    return { stop: 'tool_use', reasoning, toolUses: ['Paris', 'London'].map((location) => ({
      toolUseId: `tooluse_${randomBytes(9).toString('base64url')}`, name, input: { location } })) };
  }
  let content = b.text ?? MOCK_TEXT;
  const schema = body.outputConfig?.textFormat?.structure?.jsonSchema?.schema;
  if (b.text === undefined && schema !== undefined) content = JSON.stringify(sampleOf(JSON.parse(schema)));
  if (b.text === undefined && results.length)
    content = `Based on the tool results: ${results.map((r) => r.toolResult.content.map((c) => c.text ?? JSON.stringify(c.json)).join('')).join('; ')}`;
  let stop = 'end_turn';
  const max = body.inferenceConfig?.maxTokens;
  if (max !== undefined && words(content).length > max) {
    content = words(content).slice(0, max).join('');
    stop = 'max_tokens';
  }
  return { stop, reasoning, content };
}

export async function startBedrockMock({ region = 'us-east-1', credentials = {}, apiKey = null, host = '127.0.0.1', port = 0 } = {}) {
  const cache = new Set();
  const srv = createMockServer({ route, record: () => ({ answer: null, modelId: null, stream: null }),
    defaultHeaders: () => ({ 'x-amzn-requestid': `${randomId(8)}-${randomId(4)}-${randomId(4)}` }),
    onError: (res, rec, e) => awsError(res, rec, 500, 'InternalServerException', `mock failure: ${e.message}`) });

  function awsError(res, rec, status, type, message, headers = {}) {
    return srv.send(res, rec, status, { message }, { 'x-amzn-errortype': `${type}:${ERROR_NS}`, ...headers });
  }

  /** Usage with prompt caching: the prefix before the last cachePoint is cached per model. */
  function usageOf(modelId, body, output) {
    const blocks = [...(body.toolConfig?.tools ?? []), ...(body.system ?? []), ...body.messages.flatMap((m) => m.content)];
    const total = tokens(blocks);
    const last = blocks.findLastIndex((x) => x.cachePoint);
    const usage = { inputTokens: total, outputTokens: output, totalTokens: total + output };
    if (last < 0) return usage;
    const prefix = blocks.slice(0, last);
    const key = createHash('sha256').update(`${modelId}\n${JSON.stringify(prefix)}`).digest('hex');
    const cached = tokens(prefix);
    usage.inputTokens = Math.max(1, total - cached);
    if (cache.has(key)) Object.assign(usage, { cacheReadInputTokens: cached, cacheWriteInputTokens: 0 });
    else Object.assign(usage, { cacheReadInputTokens: 0, cacheWriteInputTokens: cached });
    cache.add(key);
    return usage;
  }

  async function converse(req, res, rec, modelId, stream) {
    rec.modelId = modelId;
    rec.stream = stream;
    const b = await srv.behaviourFor(rec);
    if (b.hang) return undefined;
    if (b.status) {
      if (b.errorType) return awsError(res, rec, b.status, b.errorType, b.message ?? 'mock error', b.headers);
      return srv.send(res, rec, b.status, b.body ?? { message: 'mock error' }, b.headers);
    }
    if (apiKey !== null && req.headers.authorization === `Bearer ${apiKey}`) {
      // a Bedrock API key
    } else {
      const denied = verify(req, rec.body, { credentials, region });
      if (denied) return awsError(res, rec, denied.status, denied.type, denied.message);
    }
    if (!/^[A-Za-z0-9.:/_-]{1,2048}$/.test(modelId)) return awsError(res, rec, 400, 'ValidationException', 'The provided model identifier is invalid.');
    if (rec.json === undefined) return awsError(res, rec, 400, 'SerializationException', 'Unexpected token in the request body.');
    const invalid = validateConverse(rec.json);
    if (invalid) return awsError(res, rec, 400, 'ValidationException', invalid);
    const body = rec.json;
    const p = plan(body, b);
    if (b.stopReason) p.stop = b.stopReason;  // enqueue({ stopReason: 'guardrail_intervened' | 'content_filtered' })
    rec.answer = p;
    const output = p.content !== undefined ? words(p.content).length : 25;
    const usage = usageOf(modelId, body, output + (p.reasoning ? words(p.reasoning).length : 0));
    if (!stream) {
      const content = [];
      if (p.reasoning) content.push({ reasoningContent: { reasoningText: { text: p.reasoning, signature: REASONING_SIGNATURE } } });
      if (p.content !== undefined) content.push({ text: p.content });
      for (const t of p.toolUses ?? []) content.push({ toolUse: t });
      return srv.sendFull(res, rec, b, Buffer.from(JSON.stringify({ output: { message: { role: 'assistant', content } },
        stopReason: p.stop, usage, metrics: { latencyMs: 123 } })));
    }
    const frames = [eventFrame('messageStart', { role: 'assistant' })];
    let index = 0;
    if (p.reasoning) {
      frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: index, delta: { reasoningContent: { text: p.reasoning } } }));
      frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: index, delta: { reasoningContent: { signature: REASONING_SIGNATURE } } }));
      frames.push(eventFrame('contentBlockStop', { contentBlockIndex: index++ }));
    }
    if (p.content !== undefined) {
      for (const w of words(p.content)) frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: index, delta: { text: w } }));
      frames.push(eventFrame('contentBlockStop', { contentBlockIndex: index++ }));
    }
    for (const t of p.toolUses ?? []) {
      const input = JSON.stringify(t.input);
      const half = input.length >> 1;
      frames.push(eventFrame('contentBlockStart', { contentBlockIndex: index, start: { toolUse: { toolUseId: t.toolUseId, name: t.name } } }));
      frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input: input.slice(0, half) } } }));
      frames.push(eventFrame('contentBlockDelta', { contentBlockIndex: index, delta: { toolUse: { input: input.slice(half) } } }));
      frames.push(eventFrame('contentBlockStop', { contentBlockIndex: index++ }));
    }
    frames.push(eventFrame('messageStop', { stopReason: p.stop }));
    frames.push(eventFrame('metadata', { usage, metrics: { latencyMs: 321 } }));
    if (b.streamException) frames.splice(2, frames.length, exceptionFrame(b.streamException.type, { message: b.streamException.message }));
    if (b.corruptCrc) {
      const at = Math.min(b.cutAfter ?? frames.length >> 1, frames.length - 1);
      const f = Buffer.from(frames[at]);
      f[f.length - 6] ^= 0x01;  // a payload byte: the message CRC no longer matches
      frames[at] = f;
    }
    return srv.stream(res, rec, { ...b, headers: { 'content-type': 'application/vnd.amazon.eventstream', ...b.headers } }, frames);
  }

  /** Titan Text Embeddings: null when Bedrock accepts the body, else the ValidationException text. */
  function titanInvalid(body, modelId) {
    const v2 = /titan-embed-text-v2/.test(modelId);
    const known = v2 ? ['inputText', 'dimensions', 'normalize', 'embeddingTypes'] : ['inputText'];
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return 'Malformed input request: expected type: JSONObject, please reformat your input and try again.';
    const extra = Object.keys(body).find((k) => !known.includes(k));
    if (extra) return `Malformed input request: extraneous key [${extra}] is not permitted, please reformat your input and try again.`;
    if (typeof body.inputText !== 'string') return 'Malformed input request: #: required key [inputText] not found, please reformat your input and try again.';
    if (body.dimensions !== undefined && ![256, 512, 1024].includes(body.dimensions)) {
      return `Malformed input request: #/dimensions: ${JSON.stringify(body.dimensions)} is not a valid enum value, please reformat your input and try again.`;
    }
    if (body.normalize !== undefined && typeof body.normalize !== 'boolean') return 'Malformed input request: #/normalize: expected type: Boolean, please reformat your input and try again.';
    return null;
  }

  async function invoke(req, res, rec, modelId) {
    rec.modelId = modelId;
    const b = await srv.behaviourFor(rec);
    if (b.hang) return undefined;
    if (b.status) {
      if (b.errorType) return awsError(res, rec, b.status, b.errorType, b.message ?? 'mock error', b.headers);
      return srv.send(res, rec, b.status, b.body ?? { message: 'mock error' }, b.headers);
    }
    if (!(apiKey !== null && req.headers.authorization === `Bearer ${apiKey}`)) {
      const denied = verify(req, rec.body, { credentials, region });
      if (denied) return awsError(res, rec, denied.status, denied.type, denied.message);
    }
    if (rec.json === undefined) return awsError(res, rec, 400, 'SerializationException', 'Unexpected token in the request body.');
    const body = rec.json;
    if (/amazon\.titan-embed/.test(modelId)) {
      const invalid = titanInvalid(body, modelId);
      if (invalid) return awsError(res, rec, 400, 'ValidationException', invalid);
      const dims = body.dimensions ?? (/v2/.test(modelId) ? 1024 : 1536);
      const embedding = Array.from(vectorFor(body.inputText, dims));
      const n = tokensOfTexts([body.inputText]);
      return srv.send(res, rec, 200, { embedding, inputTextTokenCount: n, embeddingsByType: { float: embedding } },
        { 'x-amzn-bedrock-input-token-count': String(n) });
    }
    if (/cohere\.embed/.test(modelId)) {
      const invalid = validateCohereEmbed(body, { model: modelId, bedrock: true });
      if (invalid) return awsError(res, rec, 400, 'ValidationException', `Malformed input request: ${invalid}`);
      const { answer, tokens: n } = cohereEmbedAnswer(body, modelId);
      delete answer.meta;
      return srv.send(res, rec, 200, answer, { 'x-amzn-bedrock-input-token-count': String(n) });
    }
    return awsError(res, rec, 400, 'ValidationException', 'Malformed input request: the model does not support this invocation, please reformat your input and try again.');
  }

  function route(req, res, rec) {
    const inv = /^\/model\/([^/]+)\/invoke$/.exec(rec.path.split('?')[0]);
    if (req.method === 'POST' && inv) {
      let id;
      try { id = decodeURIComponent(inv[1]); } catch { id = ''; }
      return invoke(req, res, rec, id);
    }
    const m = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(rec.path.split('?')[0]);
    if (req.method === 'POST' && m) {
      let id;
      try { id = decodeURIComponent(m[1]); } catch { id = ''; }
      return converse(req, res, rec, id, m[2] === 'converse-stream');
    }
    return awsError(res, rec, 404, 'UnknownOperationException', 'Unknown operation');
  }
  const mock = await srv.listen({ host, port });
  return { ...mock, baseURL: mock.url, region };
}

const FLAGS = { '--port': ['port', Number], '--host': ['host', String], '--region': ['region', String],
  '--access-key-id': ['accessKeyId', String], '--secret-access-key': ['secretAccessKey', String] };
await runStandalone(import.meta.url, (o) => startBedrockMock({ ...o,
  credentials: o.accessKeyId ? { [o.accessKeyId]: { secretAccessKey: o.secretAccessKey ?? '' } } : {} }),
(argv) => parseArgs(argv, FLAGS, Object.keys(FLAGS).join(' ')));
