// LiteLLM proxy configs as people write them (tests/fixtures/litellm-configs): each passes
// `llmgw --check-config` with every first-party plugin loaded from the build tree, with the
// warnings due (a key written twice names both lines, an empty model names its line, an unset
// os.environ/ secret is named) and none of the refusals LiteLLM would not make.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT, runGateway } from './lib/gateway.mjs';

const DIR = path.join(REPO_ROOT, 'tests/fixtures/litellm-configs');
let tmp;

/** What each file must give: its deployment count and the warnings it must print. */
const EXPECT = {
  'bedrock-claude.yaml': { deployments: 4, warnings: [] },
  'gemini-ai-studio.yaml': { deployments: 3, warnings: [] },
  'vertex-ai.yaml': { deployments: 7, warnings: [] },
  'ollama-local.yaml': { deployments: 3, warnings: [/ollama-local\.yaml:12: .*api_base: duplicate key \(first at line 11\)/] },
  'mistral-cohere.yaml': { deployments: 4, warnings: [/mistral-cohere\.yaml:\d+: .*the model is empty; skipped/,
    /environment variable MISTRAL_API_KEY is not set or empty; treated as unset/] },
  'multi-provider-fallbacks.yaml': { deployments: 4, warnings: [/success_callback/] },
  // model: "" and a provider with no plugin: warnings naming the file and line, the rest serves;
  // refused under --strict and server.strict_config (below).
  'unservable-deployments.yaml': { deployments: 3, unserved: true, warnings: [
    /unservable-deployments\.yaml:11: model_list\[1\]\.litellm_params\.model: expected provider\/model; the model is empty; skipped/,
    /unservable-deployments\.yaml:13: deployment llama-3-70b#\d+: no loaded plugin serves provider 'replicate'; skipped/] },
  // Collected from public repositories (structure mirrored, values ours; provenance in the README).
  'reginold-litellm-sambanova-openai-compatible.yaml': { deployments: 1, warnings: [/SAMBANOVA_API_KEY is not set or empty/] },
  'aihpi-tool-litellm-embedding.yaml': { deployments: 1, warnings: [/aihpi-tool-litellm-embedding\.yaml:17: litellm_settings\.master_key is not supported yet/] },
  'hefty111-local-lab-redis-s3.yaml': { deployments: 1, warnings: [/hefty111-local-lab-redis-s3\.yaml:15: router_settings\.redis_port: environment variable REDIS_PORT/,
    /litellm_settings\.s3_callback_params is not supported yet/] },
  'roxlukas-ai-stack-wildcards.yaml': { deployments: 2, warnings: [/litellm_settings\.callbacks is not supported yet/] },
  'sourabh-garg-tech-ollama-claude-multimodel-ollama-cloud.yaml': { deployments: 4, warnings: [/general_settings\.proxy_batch_write_at/] },
  'keith-decker-litellm-example-otel.yaml': { deployments: 2, warnings: [/litellm_settings\.failure_callback is not supported yet/] },
  'all-hands-ai-openhands-ollama.yaml': { deployments: 4, warnings: [] },
  '1aboveio-litellm-deploy-openai-anthropic.yaml': { deployments: 4, warnings: [/litellm_settings\.default_model is not supported yet/] },
  'cirisai-cirisproxy-together-groq-openrouter.yaml': { deployments: 9, warnings: [/general_settings\.custom_auth is not supported yet/] },
  'ancoren-free-llm-gateway-free-tiers.yaml': { deployments: 7, unserved: true, warnings: [
    /ancoren-free-llm-gateway-free-tiers\.yaml:27: deployment cerebras\/llama3\.3-70b#0: no loaded plugin serves provider 'cerebras'/,
    /ancoren-free-llm-gateway-free-tiers\.yaml:45: deployment zhipu\/glm-4-flash#0: no loaded plugin serves provider 'zhipu'/] },
  'baseddesi-nvidia-proxy-nim.yaml': { deployments: 1, unserved: true, warnings: [/no loaded plugin serves provider 'nvidia'/] },
  'akhalidsbm-watsonx-hamsa-proxy-watsonx.yaml': { deployments: 1, unserved: true, warnings: [/no loaded plugin serves provider 'watsonx'/] },
  'berriai-example-litellm-gcp-cloud-run-vertex.yaml': { deployments: 10, unserved: true, warnings: [
    /berriai-example-litellm-gcp-cloud-run-vertex\.yaml:10: general_settings\.store_model_in_db: duplicate key \(first at line 8\)/,
    /berriai-example-litellm-gcp-cloud-run-vertex\.yaml:86: agents is an unknown key/,
    /deployment gemini-text-embedding#0: no loaded plugin serves provider 'publishers'/] },
  'berriai-litellm-azure-tpm.yaml': { deployments: 2, warnings: [/berriai-litellm-azure-tpm\.yaml:15: model_list\[0\]\.litellm_params\.max_retries is not supported yet/] },
  'berriai-litellm-load-balancer.yaml': { deployments: 4, unserved: true, warnings: [
    /berriai-litellm-load-balancer\.yaml:26: deployment mistral-7b-instruct#0: no loaded plugin serves provider 'mistralai'/] },
  'durandom-agentllm-custom-provider.yaml': { deployments: 4, unserved: true, warnings: [
    /litellm_settings\.custom_provider_map is not supported yet/, /durandom-agentllm-custom-provider\.yaml:8: deployment agno\/release-manager#0: no loaded plugin serves provider 'agno'/] },
  'vishrutsingh-localdistill-quoted.yaml': { deployments: 3, warnings: [/vishrutsingh-localdistill-quoted\.yaml:27: litellm_settings\.drop_params/] },
  'kummahiih-secure-coder-ssl-verify.yaml': { deployments: 4, warnings: [/OLLAMA_API_KEY is not set or empty/] },
  'esupportail-esup-myia-mistral-commented-options.yaml': { deployments: 1, warnings: [/litellm_settings\.cooldown_time is not supported yet/,
    /esupportail-esup-myia-mistral-commented-options\.yaml:35: model_list\[0\]\.model_info\.max_tokens/] },
  'cisagov-lme-llama-cpp-commented-providers.yaml': { deployments: 1, warnings: [/cisagov-lme-llama-cpp-commented-providers\.yaml:59: litellm_settings\.drop_params/] },
  'amanmprojects-claude-vertex-bridge-maas-openapi.yaml': { deployments: 3, warnings: [/amanmprojects-claude-vertex-bridge-maas-openapi\.yaml:34: callbacks is an unknown key/] },
  'helmi-oss-llmops-stack-no-model-list.yaml': { deployments: 0, warnings: [/no model_list: the gateway will serve no models/] },
  // Its deployments name api_base through os.environ/ (set where it runs): with them unset the azure
  // deployments are refused ("provider 'azure' needs api_base").
  'konstantinospapazis-llmproxy-azure-ha.yaml': { deployments: 2, env: { AZURE_API_BASE: 'https://example-eastus.openai.azure.com/',
    AZURE_API_BASE_2: 'https://example-westus.openai.azure.com/' }, warnings: [/general_settings\.allow_requests_on_db_unavailable/] },
  // No region in the file: the AWS environment supplies it.
  '46ki75-open-webui-bedrock-local-apac-profiles.yaml': { deployments: 5, env: { AWS_REGION: 'ap-northeast-1' }, warnings: [] },
  // A deployment its plugin refuses (a placeholder key, an unreadable credentials file): a warning
  // naming file and line, the rest serves, as LiteLLM loads it and fails only when called.
  'chenxqdu-multillm-proxy-on-aws-bedrock.yaml': { deployments: 3, warnings: [
    /chenxqdu-multillm-proxy-on-aws-bedrock\.yaml:\d+: .*aws_access_key_id must be letters and digits; skipped/] },
  'akwin1234-claude-code-router-vertex-credentials-path.yaml': { deployments: 1, warnings: [
    /akwin1234-claude-code-router-vertex-credentials-path\.yaml:\d+: .*vertex_credentials: cannot read the file .*; skipped/] },
  // LiteLLM's own guardrails: list (guardrail_name + litellm_params): ignored with a warning.
  'diwas2055-gatelaya-guardrails.yaml': { deployments: 1, warnings: [
    /diwas2055-gatelaya-guardrails\.yaml:\d+: guardrails\[0\]: LiteLLM's guardrail '.+' has no llmgw counterpart; ignored/] },
  // LiteLLM's documented region variable.
  '46ki75-open-webui-bedrock-local-apac-profiles.yaml (AWS_REGION_NAME)': { file: '46ki75-open-webui-bedrock-local-apac-profiles.yaml',
    deployments: 5, env: { AWS_REGION_NAME: 'ap-northeast-1' }, warnings: [] },
};

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llmgw-litellm-'));
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const key = { type: 'service_account', project_id: 'acme-llm-prod', private_key_id: 'abc123', private_key: privateKey,
    client_email: 'litellm@acme-llm-prod.iam.gserviceaccount.com', token_uri: 'https://oauth2.googleapis.com/token' };
  const keyFile = path.join(tmp, 'vertex-sa.json');
  fs.writeFileSync(keyFile, JSON.stringify(key));
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLECHECKCONF', AWS_SECRET_ACCESS_KEY: 'check/config+secret', GEMINI_API_KEY: 'AIzaCheckConfig',
    VERTEX_PROJECT: 'acme-llm-prod', VERTEX_CREDENTIALS_PATH: keyFile, VERTEX_CREDENTIALS_JSON: JSON.stringify(key),
    COHERE_API_KEY: 'co-check', DATABASE_URL: 'postgresql://check:check@127.0.0.1:5432/litellm', PROJECT_ID: 'acme-llm-prod',
    OPENAI_API_KEY: 'sk-check', ANTHROPIC_API_KEY: 'sk-ant-check', LITELLM_MASTER_KEY: 'sk-master-check',
  });
  for (const name of ['MISTRAL_API_KEY', 'SAMBANOVA_API_KEY', 'REDIS_PORT', 'AWS_REGION', 'AWS_REGION_NAME', 'AWS_DEFAULT_REGION']) delete process.env[name];
});
after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

describe('--check-config over LiteLLM configs', () => {
  test('every fixture has an expectation', () => {
    const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.yaml')).sort();
    assert.deepEqual(files, [...new Set(Object.entries(EXPECT).map(([name, want]) => want.file ?? name))].sort());
  });
  for (const [file, want] of Object.entries(EXPECT)) {
    test(file, { todo: want.todo }, async () => {
      // A file's own environment (variables its deployment would set), restored afterwards.
      const saved = Object.fromEntries(Object.keys(want.env ?? {}).map((k) => [k, process.env[k]]));
      Object.assign(process.env, want.env ?? {});
      let r;
      try {
        r = await runGateway(['--check-config', path.join(DIR, want.file ?? file)], { timeoutMs: 20_000 });
      } finally {
        for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
      }
      const out = r.stdout + r.stderr;
      assert.equal(r.code, 0, out);
      assert.match(r.stdout, new RegExp(`OK \\(${want.deployments} deployments`), out);
      for (const w of want.warnings) assert.match(out, w, out);
      if (!want.unserved) assert.doesNotMatch(out, /no loaded plugin serves/, out);
    });
  }
  test('unservable-deployments.yaml is refused under --strict, naming the file and line', async () => {
    const r = await runGateway(['--check-config', path.join(DIR, 'unservable-deployments.yaml'), '--strict'], { timeoutMs: 20_000 });
    const out = r.stdout + r.stderr;
    assert.equal(r.code, 2, out);
    assert.match(out, /config error: .*unservable-deployments\.yaml:11: .*the model is empty/, out);
    assert.doesNotMatch(r.stdout, /OK \(/, out);
  });
  test('a deployment its plugin refuses is refused under --strict, naming the file and line', async () => {
    const r = await runGateway(['--check-config', path.join(DIR, 'chenxqdu-multillm-proxy-on-aws-bedrock.yaml'), '--strict'],
      { timeoutMs: 20_000 });
    const out = r.stdout + r.stderr;
    assert.notEqual(r.code, 0, out);
    assert.match(out, /chenxqdu-multillm-proxy-on-aws-bedrock\.yaml:\d+: .*aws_access_key_id must be letters and digits/, out);
    assert.doesNotMatch(r.stdout, /OK \(/, out);
  });
  test('unservable-deployments.yaml is refused under server.strict_config: true', async () => {
    const file = path.join(tmp, 'strict.yaml');
    fs.writeFileSync(file, `server:\n  strict_config: true\n${fs.readFileSync(path.join(DIR, 'unservable-deployments.yaml'), 'utf8')}`);
    const r = await runGateway(['--check-config', file], { timeoutMs: 20_000 });
    const out = r.stdout + r.stderr;
    assert.equal(r.code, 2, out);
    assert.match(out, /strict\.yaml:13: .*the model is empty/, out);
  });
  test('with only the plugin-less provider left, --strict refuses it naming the provider', async () => {
    const file = path.join(tmp, 'no-plugin.yaml');
    const text = fs.readFileSync(path.join(DIR, 'unservable-deployments.yaml'), 'utf8')
      .replace('  - model_name: placeholder\n    litellm_params:\n      model: ""\n      api_key: os.environ/OPENAI_API_KEY\n', '');
    fs.writeFileSync(file, text);
    const r = await runGateway(['--check-config', file, '--strict'], { timeoutMs: 20_000 });
    const out = r.stdout + r.stderr;
    assert.notEqual(r.code, 0, out);
    assert.match(out, /no-plugin\.yaml:\d+: deployment llama-3-70b#\d+: no loaded plugin serves provider 'replicate'/, out);
  });
});
