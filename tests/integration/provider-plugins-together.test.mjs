// Every first-party provider plugin loads side by side: a LiteLLM config with no plugins.load
// (so every plugin in the folder is loaded) naming each provider prefix passes --check-config,
// i.e. no two plugins claim one prefix (ollama_chat belongs to provider-ollama, not to
// provider-openai's OpenAI-compatible list).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { PLUGIN_DIR, runGateway } from './lib/gateway.mjs';

test('gemini/, mistral/, ollama/, ollama_chat/, cohere/, bedrock/, anthropic/, openai/ in one config, every plugin loaded', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-it-'));
  const file = path.join(dir, 'litellm.yaml');
  const models = ['gemini/gemini-2.5-flash', 'mistral/mistral-small-latest', 'ollama/llama3.2', 'ollama_chat/llama3.2',
    'anthropic/claude-sonnet-4-5', 'openai/gpt-4o', 'cohere/command-a-03-2025', 'bedrock/us.anthropic.claude-3-5-sonnet-20240620-v1:0'];
  // provider-bedrock signs for a region (here with a Bedrock API key as api_key).
  const extra = (m) => (m.startsWith('bedrock/') ? '      aws_region_name: us-east-1\n' : '');
  fs.writeFileSync(file, `plugins:\n  dirs: [${JSON.stringify(PLUGIN_DIR)}]\nmodel_list:\n${models.map((m, i) =>
    `  - model_name: m${i}\n    litellm_params:\n      model: ${m}\n      api_key: k\n${extra(m)}`).join('')}`);
  try {
    const r = await runGateway(['--check-config', file]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /OK \(8 deployments/);
    for (const p of ['provider-gemini', 'provider-mistral', 'provider-ollama', 'provider-cohere', 'provider-bedrock']) assert.match(r.stderr, new RegExp(`loaded provider plugin ${p}`));
    assert.match(r.stderr, /serves: ollama ollama_chat/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
