// Cohere's embed request as Cohere checks it, shared by the Cohere mock (POST /v2/embed) and the
// Bedrock mock (cohere.embed-* through InvokeModel, which takes the same body without `model`).
// Each check returns null or the message of Cohere's 400 ("invalid request: …").
import { tokensOfTexts, vectorFor } from './lib/embedding-vectors.mjs';

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
export const COHERE_MAX_TEXTS = 96;
export const INPUT_TYPES = ['search_document', 'search_query', 'classification', 'clustering', 'image'];
const EMBEDDING_TYPES = ['float', 'int8', 'uint8', 'binary', 'ubinary', 'base64'];
const V4_DIMENSIONS = [256, 512, 1024, 1536];
const FIELDS = new Set(['model', 'texts', 'images', 'inputs', 'input_type', 'embedding_types', 'output_dimension', 'truncate', 'max_tokens', 'priority']);

/** Output size of a Cohere embed model (v4: 1536 unless output_dimension; v3: 1024, light: 384). */
export const cohereEmbedSize = (model) => (/embed-v4/.test(model) ? 1536 : /light/.test(model) ? 384 : 1024);

/** `model` is the path's model on Bedrock (the body has none there) and body.model on /v2/embed. */
export function validateCohereEmbed(body, { model, bedrock = false }) {
  if (!isObject(body)) return 'invalid request: body must be a JSON object';
  for (const k of Object.keys(body)) {
    if (!FIELDS.has(k) || (bedrock && k === 'model')) return `invalid request: unknown field \`${k}\``;
  }
  if (!bedrock && typeof body.model !== 'string') return 'invalid request: model is required';
  if (!Array.isArray(body.texts) || body.texts.length === 0) return 'invalid request: texts must be a non-empty list of strings';
  if (body.texts.some((t) => typeof t !== 'string')) return 'invalid request: texts must be a list of strings';
  if (body.texts.length > COHERE_MAX_TEXTS) return `invalid request: total number of texts must be at most ${COHERE_MAX_TEXTS} - received ${body.texts.length}`;
  if (body.input_type === undefined) return 'invalid request: input_type is required for embed models v3 and higher';
  if (!INPUT_TYPES.includes(body.input_type)) return `invalid request: input_type must be one of ${INPUT_TYPES.join(', ')}`;
  if (body.embedding_types !== undefined) {
    if (!Array.isArray(body.embedding_types) || body.embedding_types.some((t) => !EMBEDDING_TYPES.includes(t))) {
      return `invalid request: embedding_types must be a list of ${EMBEDDING_TYPES.join(', ')}`;
    }
  }
  if (body.output_dimension !== undefined) {
    if (!/embed-v4/.test(model)) return 'invalid request: output_dimension is only supported for embed-v4.0 and newer models';
    if (!V4_DIMENSIONS.includes(body.output_dimension)) return `invalid request: output_dimension must be one of ${V4_DIMENSIONS.join(', ')}`;
  }
  return null;
}

/** Cohere's answer for a valid request: by type when embedding_types was given, else a bare list (v1 shape, Bedrock). */
export function cohereEmbedAnswer(body, model) {
  const dims = body.output_dimension ?? cohereEmbedSize(model);
  const floats = body.texts.map((t) => Array.from(vectorFor(t, dims)));
  const id = `emb-${Math.random().toString(16).slice(2, 10)}`;
  const tokens = tokensOfTexts(body.texts);
  if (body.embedding_types === undefined) return { answer: { id, embeddings: floats, texts: body.texts, response_type: 'embeddings_floats' }, tokens };
  const embeddings = Object.fromEntries(body.embedding_types.map((t) => [t, t === 'float' ? floats : floats.map((v) => v.map((x) => Math.round(x * 127)))]));
  return { answer: { id, embeddings, texts: body.texts, meta: { api_version: { version: '2' }, billed_units: { input_tokens: tokens } },
    response_type: 'embeddings_by_type' }, tokens };
}
