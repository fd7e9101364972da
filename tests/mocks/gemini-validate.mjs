// Request model of the mock Gemini upstream (Generative Language API, v1beta). validateRequest()
// rejects what the real API rejects, with Google's messages as documented and as seen in public
// error reports: each check returns null (valid) or { status, code (google.rpc status), message,
// details? }, which the mock wraps in Google's error body { error: { code, message, status, details } }.
// Proto JSON parsing is strict: an unknown member anywhere is 400 'Invalid JSON payload received.
// Unknown name "x" at 'path': Cannot find field.'

export const googleError = (code, status, message, details) =>
  ({ error: { code, message, status, ...(details ? { details } : {}) } });
export const STATUS_BY_CODE = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED',
};

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const bad = (message, details) => ({ status: 400, code: 'INVALID_ARGUMENT', message, details });
const snake = (s) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const unknownName = (name, path) =>
  bad(`Invalid JSON payload received. Unknown name "${name}"${path ? ` at '${path}'` : ''}: Cannot find field.`);
const invalidValue = (path, value, type) =>
  bad(`Invalid value at '${path}' (${type}), ${JSON.stringify(value)}`);
const fieldError = (field, what) => bad(`* GenerateContentRequest.${field}: ${what}\n`);

// Known members of each message type (camelCase, as the REST surface accepts them; snake_case is
// accepted too, as proto JSON allows).
const FIELDS = {
  request: ['contents', 'tools', 'toolConfig', 'safetySettings', 'systemInstruction', 'generationConfig', 'cachedContent', 'model'],
  content: ['role', 'parts'],
  part: ['text', 'inlineData', 'functionCall', 'functionResponse', 'fileData', 'executableCode', 'codeExecutionResult',
    'thought', 'thoughtSignature', 'videoMetadata', 'partMetadata', 'mediaResolution'],
  blob: ['mimeType', 'data'],
  functionCall: ['id', 'name', 'args'],
  functionResponse: ['id', 'name', 'response', 'willContinue', 'scheduling', 'parts'],
  tool: ['functionDeclarations', 'googleSearch', 'googleSearchRetrieval', 'codeExecution', 'urlContext', 'computerUse', 'fileSearch', 'googleMaps'],
  functionDeclaration: ['name', 'description', 'parameters', 'parametersJsonSchema', 'response', 'responseJsonSchema', 'behavior'],
  toolConfig: ['functionCallingConfig', 'retrievalConfig'],
  functionCallingConfig: ['mode', 'allowedFunctionNames'],
  generationConfig: ['stopSequences', 'responseMimeType', 'responseSchema', 'responseJsonSchema', 'responseModalities',
    'candidateCount', 'maxOutputTokens', 'temperature', 'topP', 'topK', 'seed', 'presencePenalty', 'frequencyPenalty',
    'responseLogprobs', 'logprobs', 'enableEnhancedCivicAnswers', 'speechConfig', 'thinkingConfig', 'mediaResolution', 'imageConfig'],
  thinkingConfig: ['includeThoughts', 'thinkingBudget', 'thinkingLevel'],
  schema: ['type', 'format', 'title', 'description', 'nullable', 'enum', 'maxItems', 'minItems', 'properties', 'required',
    'minProperties', 'maxProperties', 'minLength', 'maxLength', 'pattern', 'example', 'anyOf', 'propertyOrdering', 'default',
    'items', 'minimum', 'maximum'],
};
const KNOWN = Object.fromEntries(Object.entries(FIELDS).map(([k, v]) => [k, new Set([...v, ...v.map(snake)])]));
const TYPES = ['TYPE_UNSPECIFIED', 'STRING', 'NUMBER', 'INTEGER', 'BOOLEAN', 'ARRAY', 'OBJECT', 'NULL'];
const MODES = ['MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED'];
const FUNCTION_NAME = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Reads member `name` in camelCase or snake_case. */
export const pick = (obj, name) => (obj?.[name] !== undefined ? obj[name] : obj?.[snake(name)]);

function unknownIn(obj, kind, path) {
  if (!isObject(obj)) return bad(`Invalid value at '${path}' (type.googleapis.com/google.ai.generativelanguage.v1beta.${kind}), ${JSON.stringify(obj)}`);
  for (const k of Object.keys(obj)) if (!KNOWN[kind].has(k)) return unknownName(k, path);
  return null;
}

function checkSchema(s, path, depth = 0) {
  if (depth > 100) return bad(`${path}: schema nesting too deep`);
  const e = unknownIn(s, 'schema', path);
  if (e) return e;
  const type = pick(s, 'type');
  if (type !== undefined && (typeof type !== 'string' || !TYPES.includes(type.toUpperCase()))) {
    return invalidValue(`${path}.type`, type, 'type.googleapis.com/google.ai.generativelanguage.v1beta.Type');
  }
  const props = pick(s, 'properties');
  if (typeof type === 'string' && type.toUpperCase() === 'OBJECT' && (!isObject(props) || Object.keys(props).length === 0)) {
    return fieldError(`${path.replace(/^.*?\./, '')}.properties`, 'should be non-empty for OBJECT type');
  }
  if (props !== undefined) {
    if (!isObject(props)) return invalidValue(`${path}.properties`, props, 'map');
    for (const [k, v] of Object.entries(props)) { const err = checkSchema(v, `${path}.properties[${k}].value`, depth + 1); if (err) return err; }
  }
  const items = pick(s, 'items');
  if (items !== undefined) { const err = checkSchema(items, `${path}.items`, depth + 1); if (err) return err; }
  const anyOf = pick(s, 'anyOf');
  if (anyOf !== undefined) {
    if (!Array.isArray(anyOf)) return invalidValue(`${path}.any_of`, anyOf, 'list');
    for (let i = 0; i < anyOf.length; i++) { const err = checkSchema(anyOf[i], `${path}.any_of[${i}]`, depth + 1); if (err) return err; }
  }
  const required = pick(s, 'required');
  if (required !== undefined && (!Array.isArray(required) || required.some((r) => typeof r !== 'string'))) {
    return invalidValue(`${path}.required`, required, 'list of strings');
  }
  const en = pick(s, 'enum');
  if (en !== undefined && (!Array.isArray(en) || en.some((v) => typeof v !== 'string'))) {
    return invalidValue(`${path}.enum`, en, 'list of strings');
  }
  return null;
}

function checkPart(p, path) {
  const e = unknownIn(p, 'part', path);
  if (e) return e;
  const data = ['text', 'inlineData', 'functionCall', 'functionResponse', 'fileData', 'executableCode', 'codeExecutionResult']
    .filter((k) => pick(p, k) !== undefined);
  if (data.length === 0) return fieldError(`${path.replace(/^contents/, 'contents')}.data`, "required oneof field 'data' must have one initialized field");
  if (data.length > 1) return bad(`Invalid JSON payload received. Oneof field 'data' is already set. Cannot set '${data[1]}'`);
  const text = pick(p, 'text');
  if (text !== undefined && typeof text !== 'string') return invalidValue(`${path}.text`, text, 'TYPE_STRING');
  const blob = pick(p, 'inlineData');
  if (blob !== undefined) {
    const err = unknownIn(blob, 'blob', `${path}.inline_data`);
    if (err) return err;
    if (typeof pick(blob, 'mimeType') !== 'string' || !pick(blob, 'mimeType')) return fieldError(`${path}.inline_data.mime_type`, 'mime_type is not specified');
    if (typeof blob.data !== 'string' || !BASE64.test(blob.data)) return bad(`Invalid value at '${path}.inline_data.data' (TYPE_BYTES), Base64 decoding failed`);
  }
  const fc = pick(p, 'functionCall');
  if (fc !== undefined) {
    const err = unknownIn(fc, 'functionCall', `${path}.function_call`);
    if (err) return err;
    if (typeof fc.name !== 'string' || !fc.name) return fieldError(`${path}.function_call.name`, 'Name cannot be empty.');
    if (fc.args !== undefined && !isObject(fc.args)) return invalidValue(`${path}.function_call.args`, fc.args, 'type.googleapis.com/google.protobuf.Struct');
  }
  const fr = pick(p, 'functionResponse');
  if (fr !== undefined) {
    const err = unknownIn(fr, 'functionResponse', `${path}.function_response`);
    if (err) return err;
    if (typeof fr.name !== 'string' || !fr.name) return fieldError(`${path}.function_response.name`, 'Name cannot be empty.');
    if (!isObject(fr.response)) return invalidValue(`${path}.function_response.response`, fr.response, 'type.googleapis.com/google.protobuf.Struct');
  }
  return null;
}

function checkContents(contents) {
  if (contents === undefined || (Array.isArray(contents) && contents.length === 0)) {
    return fieldError('contents', 'contents is not specified');
  }
  if (!Array.isArray(contents)) return invalidValue('contents', contents, 'list');
  for (let i = 0; i < contents.length; i++) {
    const c = contents[i];
    const e = unknownIn(c, 'content', `contents[${i}]`);
    if (e) return e;
    if (c.role !== undefined && c.role !== 'user' && c.role !== 'model') return bad('Please use a valid role: user, model.');
    if (!Array.isArray(c.parts) || c.parts.length === 0) return fieldError(`contents[${i}].parts`, 'contents.parts must not be empty.');
    for (let k = 0; k < c.parts.length; k++) { const err = checkPart(c.parts[k], `contents[${i}].parts[${k}]`); if (err) return err; }
  }
  // Function-calling turn rules.
  for (let i = 0; i < contents.length; i++) {
    const calls = contents[i].parts.filter((p) => pick(p, 'functionCall') !== undefined).length;
    if (calls === 0) continue;
    if (contents[i].role !== 'model') return bad('Please ensure that function call turns come from the model (role "model").');
    const prev = contents[i - 1];
    const prevOk = prev && prev.role !== 'model';
    if (!prevOk) return bad('Please ensure that function call turn comes immediately after a user turn or after a function response turn.');
    const next = contents[i + 1];
    if (next) {
      const responses = next.parts.filter((p) => pick(p, 'functionResponse') !== undefined).length;
      if (responses !== calls) {
        return bad('Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.');
      }
    }
  }
  return null;
}

function checkGenerationConfig(gc) {
  const e = unknownIn(gc, 'generationConfig', 'generation_config');
  if (e) return e;
  const num = (name, lo, hi, loOpen = false) => {
    const v = pick(gc, name);
    if (v === undefined) return null;
    if (typeof v !== 'number' || Number.isNaN(v) || (loOpen ? v <= lo : v < lo) || v > hi) {
      return bad(`Unable to submit request because it has a ${name} value of ${JSON.stringify(v)} but the supported range is from ${lo} (${loOpen ? 'exclusive' : 'inclusive'}) to ${hi} (inclusive). Update the value and try again.`);
    }
    return null;
  };
  const err = num('temperature', 0, 2) ?? num('topP', 0, 1, true) ?? num('topK', 0, 1e9, true) ??
    num('maxOutputTokens', 0, 1e9, true) ?? num('candidateCount', 1, 8);
  if (err) return err;
  for (const name of ['topK', 'maxOutputTokens', 'candidateCount', 'seed']) {
    const v = pick(gc, name);
    if (v !== undefined && !Number.isInteger(v)) return invalidValue(`generation_config.${snake(name)}`, v, 'TYPE_INT32');
  }
  const stops = pick(gc, 'stopSequences');
  if (stops !== undefined && (!Array.isArray(stops) || stops.length > 5 || stops.some((s) => typeof s !== 'string'))) {
    return invalidValue('generation_config.stop_sequences', stops, 'list of at most 5 strings');
  }
  const mime = pick(gc, 'responseMimeType');
  if (mime !== undefined && !['text/plain', 'application/json', 'text/x.enum'].includes(mime)) {
    return bad(`* GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes are \`text/plain\`, \`application/json\`, \`application/xml\`, \`application/yaml\` and \`text/x.enum\`.\n`);
  }
  const schema = pick(gc, 'responseSchema');
  if (schema !== undefined) {
    if (mime !== 'application/json' && mime !== 'text/x.enum') {
      return bad('* GenerateContentRequest.generation_config.response_schema: response_mime_type must be set to application/json or text/x.enum when response_schema is set.\n');
    }
    const se = checkSchema(schema, 'generation_config.response_schema');
    if (se) return se;
  }
  const tc = pick(gc, 'thinkingConfig');
  if (tc !== undefined) {
    const te = unknownIn(tc, 'thinkingConfig', 'generation_config.thinking_config');
    if (te) return te;
    const budget = pick(tc, 'thinkingBudget');
    if (budget !== undefined && (!Number.isInteger(budget) || budget < -1 || budget > 32768)) {
      return bad(`The thinking budget ${JSON.stringify(budget)} is invalid. Please choose a value between -1 and 32768.`);
    }
    const inc = pick(tc, 'includeThoughts');
    if (inc !== undefined && typeof inc !== 'boolean') return invalidValue('generation_config.thinking_config.include_thoughts', inc, 'TYPE_BOOL');
  }
  return null;
}

function checkTools(tools, toolConfig) {
  const names = new Set();
  if (tools !== undefined) {
    if (!Array.isArray(tools)) return invalidValue('tools', tools, 'list');
    for (let i = 0; i < tools.length; i++) {
      const e = unknownIn(tools[i], 'tool', `tools[${i}]`);
      if (e) return e;
      const decls = pick(tools[i], 'functionDeclarations') ?? [];
      if (!Array.isArray(decls)) return invalidValue(`tools[${i}].function_declarations`, decls, 'list');
      for (let k = 0; k < decls.length; k++) {
        const path = `tools[${i}].function_declarations[${k}]`;
        const d = decls[k];
        const de = unknownIn(d, 'functionDeclaration', path);
        if (de) return de;
        if (typeof d.name !== 'string' || !FUNCTION_NAME.test(d.name)) {
          return fieldError(`${path}.name`, 'Invalid function name. Must start with a letter or an underscore. Must be a-z, A-Z, 0-9, or contain underscores, dots, colons and dashes, with a maximum length of 64.');
        }
        names.add(d.name);
        if (d.parameters !== undefined) { const pe = checkSchema(d.parameters, `${path}.parameters`); if (pe) return pe; }
      }
    }
  }
  if (toolConfig !== undefined) {
    const e = unknownIn(toolConfig, 'toolConfig', 'tool_config');
    if (e) return e;
    const fcc = pick(toolConfig, 'functionCallingConfig');
    if (fcc !== undefined) {
      const fe = unknownIn(fcc, 'functionCallingConfig', 'tool_config.function_calling_config');
      if (fe) return fe;
      if (fcc.mode !== undefined && !MODES.includes(fcc.mode)) {
        return invalidValue('tool_config.function_calling_config.mode', fcc.mode, 'type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode');
      }
      const allowed = pick(fcc, 'allowedFunctionNames');
      if (allowed !== undefined) {
        if (!['ANY', 'VALIDATED'].includes(fcc.mode)) return bad('allowed_function_names may be set only when the function calling mode is ANY or VALIDATED.');
        for (const n of allowed) if (!names.has(n)) return bad(`allowed_function_names contains "${n}", which is not a declared function.`);
      }
    }
  }
  return null;
}

/** The whole request; null when Gemini would accept it. */
export function validateRequest(body) {
  if (!isObject(body)) return bad(`Invalid JSON payload received. Expected an object.`);
  const e = unknownIn(body, 'request', '');
  if (e) return e;
  const si = pick(body, 'systemInstruction');
  if (si !== undefined) {
    const se = unknownIn(si, 'content', 'system_instruction');
    if (se) return se;
    if (!Array.isArray(si.parts) || si.parts.some((p) => typeof p?.text !== 'string' || Object.keys(p).length !== 1)) {
      return bad('* GenerateContentRequest.system_instruction.parts: only text parts are supported in system instructions\n');
    }
  }
  return checkContents(body.contents) ?? checkTools(body.tools, pick(body, 'toolConfig')) ??
    (pick(body, 'generationConfig') === undefined ? null : checkGenerationConfig(pick(body, 'generationConfig')));
}

/** Auth: the key from x-goog-api-key or ?key=. Missing → 403; wrong → 400 API_KEY_INVALID (as Google answers). */
export function validateKey(headers, url, apiKey) {
  if (apiKey === null) return null;
  const key = headers['x-goog-api-key'] ?? new URL(url, 'http://x').searchParams.get('key');
  if (!key) {
    return { status: 403, code: 'PERMISSION_DENIED',
      message: "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API." };
  }
  if (key !== apiKey) {
    return { status: 400, code: 'INVALID_ARGUMENT', message: 'API key not valid. Please pass a valid API key.',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com',
        metadata: { service: 'generativelanguage.googleapis.com' } }] };
  }
  return null;
}

export const tokensOf = (text) => Math.ceil(Buffer.byteLength(text) / 4);

// -- models/{model}:batchEmbedContents ------------------------------------------------------------

const EMBED_FIELDS = {
  batch: new Set(['requests']),
  request: new Set(['model', 'content', 'taskType', 'title', 'outputDimensionality', 'task_type', 'output_dimensionality']),
};
export const MAX_EMBED_BATCH = 100;
const TASK_TYPES = ['TASK_TYPE_UNSPECIFIED', 'RETRIEVAL_QUERY', 'RETRIEVAL_DOCUMENT', 'SEMANTIC_SIMILARITY', 'CLASSIFICATION',
  'CLUSTERING', 'QUESTION_ANSWERING', 'FACT_VERIFICATION', 'CODE_RETRIEVAL_QUERY'];

/** Full output size of an embedding model (gemini-embedding-001: 3072; text-embedding-004 and others: 768). */
export const embedSize = (model) => (/gemini-embedding/.test(model) ? 3072 : 768);

/** A BatchEmbedContentsRequest for models/{model}, as the API checks it. */
export function validateBatchEmbed(body, model) {
  if (!isObject(body)) return bad('Invalid JSON payload received. Expected an object.');
  for (const k of Object.keys(body)) if (!EMBED_FIELDS.batch.has(k)) return unknownName(k, '');
  if (!Array.isArray(body.requests) || body.requests.length === 0) {
    return bad('* BatchEmbedContentsRequest.requests: contents is not specified\n');
  }
  if (body.requests.length > MAX_EMBED_BATCH) {
    return bad(`* BatchEmbedContentsRequest.requests: at most ${MAX_EMBED_BATCH} requests can be in one batch\n`);
  }
  for (const [i, r] of body.requests.entries()) {
    if (!isObject(r)) return invalidValue(`requests[${i}]`, r, 'TYPE_MESSAGE');
    for (const k of Object.keys(r)) if (!EMBED_FIELDS.request.has(k)) return unknownName(k, `requests[${i}]`);
    if (r.model !== `models/${model}`) {
      return bad(`* BatchEmbedContentsRequest.requests[${i}].model: Model names must match; got ${JSON.stringify(r.model)} for models/${model}\n`);
    }
    const parts = r.content?.parts;
    if (!Array.isArray(parts) || parts.length === 0 || parts.some((p) => !isObject(p) || typeof p.text !== 'string')) {
      return bad(`* BatchEmbedContentsRequest.requests[${i}].content.parts: only text parts are supported for embeddings\n`);
    }
    const tt = pick(r, 'taskType');
    if (tt !== undefined && !TASK_TYPES.includes(tt)) return invalidValue(`requests[${i}].task_type`, tt, 'TYPE_ENUM');
    const dims = pick(r, 'outputDimensionality');
    if (dims !== undefined && (!Number.isInteger(dims) || dims < 1 || dims > embedSize(model))) {
      return bad(`* BatchEmbedContentsRequest.requests[${i}].output_dimensionality: must be between 1 and ${embedSize(model)}\n`);
    }
  }
  return null;
}

// -- Vertex AI: publishers/google/models/{model}:predict (text embeddings) ------------------------

// PredictRequest for the text-embedding models: instances[] of {content, task_type?, title?},
// parameters {outputDimensionality?, autoTruncate?}. text-embedding-005 takes up to 250 instances;
// gemini-embedding-001 one per request (Vertex AI "Get text embeddings").
const PREDICT_FIELDS = {
  request: new Set(['instances', 'parameters']),
  instance: new Set(['content', 'task_type', 'title']),
  parameters: new Set(['outputDimensionality', 'autoTruncate']),
};
export const vertexEmbedLimit = (model) => (/gemini-embedding/.test(model) ? 1 : 250);

/** A Vertex :predict request for an embedding model, as Vertex checks it. */
export function validateVertexPredict(body, model) {
  if (!isObject(body)) return bad('Invalid JSON payload received. Expected an object.');
  for (const k of Object.keys(body)) if (!PREDICT_FIELDS.request.has(k)) return unknownName(k, '');
  const { instances, parameters } = body;
  if (!Array.isArray(instances) || instances.length === 0) return bad('Invalid request: instances must be a non-empty list.');
  if (instances.length > vertexEmbedLimit(model)) {
    return bad(`Unable to submit request because the input has ${instances.length} instances; the model supports up to ` +
      `${vertexEmbedLimit(model)} instances per request.`);
  }
  for (const [i, inst] of instances.entries()) {
    if (!isObject(inst)) return invalidValue(`instances[${i}]`, inst, 'TYPE_MESSAGE');
    for (const k of Object.keys(inst)) if (!PREDICT_FIELDS.instance.has(k)) return unknownName(k, `instances[${i}]`);
    if (typeof inst.content !== 'string') return bad(`Invalid request: instances[${i}].content must be a string.`);
    if (inst.task_type !== undefined && !TASK_TYPES.includes(inst.task_type)) return invalidValue(`instances[${i}].task_type`, inst.task_type, 'TYPE_ENUM');
  }
  if (parameters !== undefined) {
    if (!isObject(parameters)) return invalidValue('parameters', parameters, 'TYPE_MESSAGE');
    for (const k of Object.keys(parameters)) if (!PREDICT_FIELDS.parameters.has(k)) return unknownName(k, 'parameters');
    const dims = parameters.outputDimensionality;
    if (dims !== undefined && (!Number.isInteger(dims) || dims < 1 || dims > embedSize(model))) {
      return bad(`Invalid request: outputDimensionality must be between 1 and ${embedSize(model)}.`);
    }
  }
  return null;
}

// -- models/{model}:countTokens -------------------------------------------------------------------

const COUNT_FIELDS = {
  studio: new Set(['contents', 'generateContentRequest', 'generate_content_request']),
  // Vertex's CountTokensRequest: the prompt's members at the top level (no toolConfig, no safetySettings).
  vertex: new Set(['model', 'instances', 'contents', 'systemInstruction', 'system_instruction', 'tools', 'generationConfig',
    'generation_config']),
};

/** A CountTokensRequest for `model`, as the API checks it (AI Studio, or Vertex when `vertex`). */
export function validateCountTokens(body, model, vertex) {
  if (!isObject(body)) return bad('Invalid JSON payload received. Expected an object.');
  for (const k of Object.keys(body)) if (!COUNT_FIELDS[vertex ? 'vertex' : 'studio'].has(k)) return unknownName(k, '');
  if (vertex) {
    const { model: _m, instances: _i, ...prompt } = body;
    if (prompt.contents === undefined) return bad('* CountTokensRequest.contents: contents is not specified\n');
    return validateRequest(prompt);
  }
  const gcr = pick(body, 'generateContentRequest');
  if (gcr !== undefined && body.contents !== undefined) {
    return bad('Model + Contents and GenerateContentRequest are mutually exclusive: set one of them.');
  }
  if (gcr === undefined) return body.contents === undefined ? bad('* CountTokensRequest.contents: contents is not specified\n') : checkContents(body.contents);
  if (gcr?.model !== `models/${model}`) {
    return bad(`* GenerateContentRequest.model: the model (${gcr?.model}) must be models/${model}, the model of the request URL\n`);
  }
  return validateRequest(gcr);
}
