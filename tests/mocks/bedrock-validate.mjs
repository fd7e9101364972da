// Bedrock Converse request validation as the service answers it: a 400 ValidationException whose
// message names the member ("Malformed input request: …" for shape errors, plain sentences for
// conversation rules). validateConverse(body) → null, or the message.
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

const TOP = new Set(['messages', 'system', 'inferenceConfig', 'toolConfig', 'guardrailConfig', 'additionalModelRequestFields',
  'promptVariables', 'additionalModelResponseFieldPaths', 'requestMetadata', 'performanceConfig', 'outputConfig']);
const INFERENCE = new Set(['maxTokens', 'temperature', 'topP', 'stopSequences']);
const BLOCKS = new Set(['text', 'image', 'document', 'video', 'toolUse', 'toolResult', 'guardContent', 'cachePoint', 'reasoningContent']);
const FORMATS = new Set(['png', 'jpeg', 'gif', 'webp']);
const DOC_FORMATS = new Set(['pdf', 'csv', 'doc', 'docx', 'xls', 'xlsx', 'html', 'txt', 'md']);
const malformed = (path, what) => `Malformed input request: #/${path}: ${what}, please reformat your input and try again.`;

function checkBlock(b, path) {
  if (!isObject(b)) return malformed(path, 'expected type: JSONObject');
  const keys = Object.keys(b);
  if (keys.length !== 1 || !BLOCKS.has(keys[0])) return malformed(path, `extraneous key [${keys.find((k) => !BLOCKS.has(k)) ?? keys[1]}] is not permitted`);
  const [k] = keys;
  const v = b[k];
  if (k === 'text' && (typeof v !== 'string' || v.length === 0)) return 'The text field in the ContentBlock object is blank. Add text to the text field, and try again.';
  if (k === 'cachePoint' && v?.type !== 'default') return malformed(`${path}/cachePoint/type`, `${v?.type} is not a valid enum value`);
  if (k === 'image') {
    if (!FORMATS.has(v?.format)) return malformed(`${path}/image/format`, `${v?.format} is not a valid enum value`);
    if (typeof v?.source?.bytes !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(v.source.bytes)) return malformed(`${path}/image/source/bytes`, 'expected base64');
  }
  if (k === 'document') {
    if (!DOC_FORMATS.has(v?.format)) return malformed(`${path}/document/format`, `${v?.format} is not a valid enum value`);
    if (typeof v?.name !== 'string' || !/^[A-Za-z0-9\-()[\] ]{1,200}$/.test(v.name) || /\s{2}/.test(v.name))
      return 'The document file name can only contain alphanumeric characters, whitespace characters, hyphens, parentheses, and square brackets. The name can\'t contain more than one consecutive whitespace character.';
    if (typeof v?.source?.bytes !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(v.source.bytes)) return malformed(`${path}/document/source/bytes`, 'expected base64');
  }
  if (k === 'toolUse' && (typeof v?.toolUseId !== 'string' || typeof v?.name !== 'string' || !isObject(v?.input)))
    return malformed(`${path}/toolUse`, 'required keys toolUseId, name, input (object)');
  if (k === 'toolResult' && (typeof v?.toolUseId !== 'string' || !Array.isArray(v?.content)))
    return malformed(`${path}/toolResult`, 'required keys toolUseId, content');
  if (k === 'toolResult' && v.status !== undefined && !['success', 'error'].includes(v.status))
    return malformed(`${path}/toolResult/status`, `${v.status} is not a valid enum value`);
  return null;
}

/** outputConfig {textFormat: {type: "json_schema", structure: {jsonSchema: {schema: <JSON text>, name, description?}}}}. */
function checkOutputConfig(oc) {
  if (!isObject(oc)) return malformed('outputConfig', 'expected type: JSONObject');
  for (const k of Object.keys(oc)) if (k !== 'textFormat') return malformed('outputConfig', `extraneous key [${k}] is not permitted`);
  const tf = oc.textFormat;
  if (!isObject(tf)) return malformed('outputConfig/textFormat', 'expected type: JSONObject');
  if (tf.type !== 'json_schema') return malformed('outputConfig/textFormat/type', `${tf.type} is not a valid enum value`);
  const js = tf.structure?.jsonSchema;
  if (!isObject(js) || Object.keys(tf.structure).length !== 1) return malformed('outputConfig/textFormat/structure', 'required key [jsonSchema] not found');
  if (typeof js.schema !== 'string') return malformed('outputConfig/textFormat/structure/jsonSchema/schema', 'expected type: String');
  if (typeof js.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(js.name)) return malformed('outputConfig/textFormat/structure/jsonSchema/name', 'expected a name of 1-64 characters [a-zA-Z0-9_-]');
  try {
    if (!isObject(JSON.parse(js.schema))) throw new Error('not an object');
  } catch {
    return 'The provided JSON schema is invalid. Provide a valid JSON schema and try again.';
  }
  return null;
}

export function validateConverse(body) {
  if (!isObject(body)) return 'Malformed input request: expected type: JSONObject, please reformat your input and try again.';
  for (const k of Object.keys(body)) if (!TOP.has(k)) return malformed('', `extraneous key [${k}] is not permitted`);
  if (body.outputConfig !== undefined) {
    const err = checkOutputConfig(body.outputConfig);
    if (err) return err;
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
  if (body.messages[0].role !== 'user') return 'A conversation must start with a user message. Try again with a conversation that starts with a user message.';
  const toolUses = new Set();
  const names = body.messages.flatMap((m) => (Array.isArray(m?.content) ? m.content : [])).map((c) => c?.document?.name).filter(Boolean);
  if (new Set(names).size !== names.length) return 'A conversation can contain only one document with each name. Rename the duplicate documents and try again.';
  let usesTools = false;
  for (let i = 0; i < body.messages.length; i++) {
    const m = body.messages[i];
    if (!isObject(m) || !['user', 'assistant'].includes(m.role)) return malformed(`messages/${i}/role`, `${m?.role} is not a valid enum value`);
    if (i > 0 && body.messages[i - 1].role === m.role) return 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
    if (!Array.isArray(m.content) || m.content.length === 0) return malformed(`messages/${i}/content`, 'expected minimum item count: 1');
    for (let j = 0; j < m.content.length; j++) {
      const err = checkBlock(m.content[j], `messages/${i}/content/${j}`);
      if (err) return err;
      const b = m.content[j];
      if (b.toolUse) { usesTools = true; toolUses.add(b.toolUse.toolUseId); if (m.role !== 'assistant') return 'toolUse blocks are only allowed in assistant messages.'; }
      if (b.toolResult) {
        usesTools = true;
        if (m.role !== 'user') return 'toolResult blocks are only allowed in user messages.';
        if (!toolUses.has(b.toolResult.toolUseId)) return `The toolUseId ${b.toolResult.toolUseId} in the toolResult block does not match any toolUse block in the previous turn.`;
      }
    }
  }
  if (body.system !== undefined) {
    if (!Array.isArray(body.system)) return malformed('system', 'expected type: JSONArray');
    for (let j = 0; j < body.system.length; j++) {
      const b = body.system[j];
      if (!isObject(b) || !(typeof b.text === 'string' || isObject(b.cachePoint) || isObject(b.guardContent)) || Object.keys(b).length !== 1)
        return malformed(`system/${j}`, 'expected one of text, cachePoint, guardContent');
    }
  }
  if (body.inferenceConfig !== undefined) {
    const ic = body.inferenceConfig;
    if (!isObject(ic)) return malformed('inferenceConfig', 'expected type: JSONObject');
    for (const k of Object.keys(ic)) if (!INFERENCE.has(k)) return malformed('inferenceConfig', `extraneous key [${k}] is not permitted`);
    if (ic.maxTokens !== undefined && (!Number.isInteger(ic.maxTokens) || ic.maxTokens < 1)) return malformed('inferenceConfig/maxTokens', `${ic.maxTokens} is not greater or equal to 1`);
    if (ic.temperature !== undefined && (typeof ic.temperature !== 'number' || ic.temperature < 0 || ic.temperature > 1)) return malformed('inferenceConfig/temperature', 'must be between 0 and 1');
    if (ic.topP !== undefined && (typeof ic.topP !== 'number' || ic.topP < 0 || ic.topP > 1)) return malformed('inferenceConfig/topP', 'must be between 0 and 1');
    if (ic.stopSequences !== undefined && !(Array.isArray(ic.stopSequences) && ic.stopSequences.every((s) => typeof s === 'string' && s.length))) return malformed('inferenceConfig/stopSequences', 'expected non-empty strings');
  }
  if (body.toolConfig !== undefined) {
    const tc = body.toolConfig;
    if (!isObject(tc) || !Array.isArray(tc.tools) || tc.tools.length === 0) return malformed('toolConfig/tools', 'expected minimum item count: 1');
    for (let j = 0; j < tc.tools.length; j++) {
      const t = tc.tools[j];
      if (isObject(t?.cachePoint)) continue;
      if (typeof t?.toolSpec?.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(t.toolSpec.name) || !isObject(t.toolSpec.inputSchema?.json))
        return malformed(`toolConfig/tools/${j}/toolSpec`, 'required keys name, inputSchema.json');
    }
    if (tc.toolChoice !== undefined) {
      const keys = isObject(tc.toolChoice) ? Object.keys(tc.toolChoice) : [];
      if (keys.length !== 1 || !['auto', 'any', 'tool'].includes(keys[0])) return malformed('toolConfig/toolChoice', 'expected one of auto, any, tool');
      if (keys[0] === 'tool' && !tc.tools.some((t) => t.toolSpec?.name === tc.toolChoice.tool.name)) return `The tool ${tc.toolChoice.tool?.name} in toolChoice is not in the tools list.`;
    }
  } else if (usesTools) {
    return 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
  }
  return null;
}
