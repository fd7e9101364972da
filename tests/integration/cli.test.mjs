// Command line: --version, and --check-config naming the bad key and FILE:LINE.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { PLUGIN_DIR, REPO_ROOT, runGateway, writeConfig } from './lib/gateway.mjs';

const dirs = [];
after(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

function configFile(text) {
  const { dir, file } = writeConfig(text);
  dirs.push(dir);
  return file;
}

const PLUGINS = `plugins:\n  dirs: [${JSON.stringify(PLUGIN_DIR)}]\n  load: [provider-openai]\n`;

// Line 4 is "model_list:", line 5 the first entry, line 8 its timeout.
const good = (timeoutLine = '      timeout: 5') => `${PLUGINS}model_list:
  - model_name: gpt-4o-mini
    litellm_params:
      model: openai/gpt-4o-mini
${timeoutLine}
      api_base: http://127.0.0.1:9/v1
      api_key: sk-check-config-key
`;

const output = (r) => `${r.stdout}\n${r.stderr}`;

async function checkConfig(text) {
  const file = configFile(text);
  return { file, r: await runGateway(['--check-config', file]) };
}

function assertRejected({ file, r }, { key, line }) {
  const out = output(r);
  assert.notEqual(r.code, 0, `exit code 0 for a bad file:\n${out}`);
  assert.equal(r.signal, null, `killed by ${r.signal}`);
  if (key) assert.ok(out.includes(key), `message does not name "${key}":\n${out}`);
  if (line) {
    const base = path.basename(file);
    assert.match(out, new RegExp(`${base.replace('.', '\\.')}:${line}\\b`), `message lacks ${base}:${line}:\n${out}`);
  }
}

describe('--version', () => {
  test('prints "llmgw X.Y.Z" and exits 0', async () => {
    const r = await runGateway(['--version']);
    assert.equal(r.code, 0, output(r));
    assert.match(r.stdout, /^llmgw \d+\.\d+\.\d+/m);
  });
  test('the version is the project version from CMakeLists.txt', async () => {
    const cmake = fs.readFileSync(path.join(REPO_ROOT, 'CMakeLists.txt'), 'utf8');
    const want = /project\(\s*llmgw\s+VERSION\s+(\d+\.\d+\.\d+)/.exec(cmake)?.[1];
    assert.ok(want, 'no project VERSION in CMakeLists.txt');
    const r = await runGateway(['--version']);
    assert.match(r.stdout, new RegExp(`llmgw ${want.replaceAll('.', '\\.')}\\b`));
  });
});

describe('--check-config', () => {
  test('a good file → exit 0', async () => {
    const { r } = await checkConfig(good());
    assert.equal(r.code, 0, output(r));
  });

  test('a good file does not start the server', async () => {
    const { r } = await checkConfig(good());
    assert.doesNotMatch(output(r), /listening on/);
  });

  test('timeout not a number → non-zero, names "timeout" and FILE:8', async () => {
    assertRejected(await checkConfig(good('      timeout: "soon"')), { key: 'timeout', line: 8 });
  });

  test('model_list not a list → names "model_list" and FILE:4', async () => {
    assertRejected(await checkConfig(`${PLUGINS}model_list: "gpt-4o-mini"\n`), { key: 'model_list', line: 4 });
  });

  test('litellm_params.model not a string → names "model" and FILE:7', async () => {
    const text = good().replace('      model: openai/gpt-4o-mini', '      model: [openai, gpt-4o-mini]');
    assertRejected(await checkConfig(text), { key: 'model', line: 7 });
  });

  test('a model_list entry without model_name → names "model_name" and its line', async () => {
    const text = good().replace('  - model_name: gpt-4o-mini\n    litellm_params:', '  - litellm_params:');
    assertRejected(await checkConfig(text), { key: 'model_name', line: 5 });
  });

  test('a model_list entry without litellm_params.model → names it', async () => {
    const text = good().replace('      model: openai/gpt-4o-mini\n', '');
    assertRejected(await checkConfig(text), { key: 'model' });
  });

  test('YAML syntax error → non-zero with FILE:LINE', async () => {
    const text = `${PLUGINS}model_list:\n  - model_name: "unterminated\n    litellm_params: {model: openai/x}\n`;
    assertRejected(await checkConfig(text), {});
    const { file, r } = await checkConfig(text);
    assert.match(output(r), new RegExp(`${path.basename(file).replace('.', '\\.')}:\\d+`));
  });

  test('a missing file → non-zero, names the file', async () => {
    const missing = path.join(path.dirname(configFile('{}')), 'does-not-exist.yaml');
    const r = await runGateway(['--check-config', missing]);
    assert.notEqual(r.code, 0);
    assert.ok(output(r).includes('does-not-exist.yaml'), output(r));
  });
});

describe('LiteLLM configs as people write them', () => {
  // Line 5: a deployment whose provider has no plugin here; line 10: a model left empty.
  const mixed = `${PLUGINS}model_list:
  - model_name: claude
    litellm_params:
      model: nosuchprovider/claude-x
  - model_name: broken
    litellm_params:
      model: openai/
  - model_name: gpt-4o-mini
    litellm_params:
      model: openai/gpt-4o-mini
      tpm: 20_000
      api_base: http://127.0.0.1:9/v1
      api_key: sk-check-config-key
`;
  test('deployments it cannot serve are warnings naming their line; the rest loads', async () => {
    const r = await runGateway(['--check-config', configFile(mixed)]);
    assert.equal(r.code, 0, output(r));
    assert.match(output(r), /:10: model_list\[1\]\.litellm_params\.model: expected provider\/model; the model is empty; skipped/);
    assert.match(output(r), /:\d+: deployment claude#0: no loaded plugin serves provider 'nosuchprovider'; skipped/);
  });
  test('--check-config --strict refuses them', async () => {
    const r = await runGateway(['--check-config', configFile(mixed), '--strict']);
    assert.notEqual(r.code, 0, output(r));
    assert.match(output(r), /the model is empty/);
  });
  test('server.strict_config: true refuses them too', async () => {
    const r = await runGateway(['--check-config', configFile(`server:\n  strict_config: true\n${mixed}`)]);
    assert.notEqual(r.code, 0, output(r));
  });
  test('--strict with only an unserved provider fails on the plugin check', async () => {
    const only = mixed.replace('  - model_name: broken\n    litellm_params:\n      model: openai/\n', '');
    const r = await runGateway(['--check-config', configFile(only), '--strict']);
    assert.notEqual(r.code, 0, output(r));
    assert.match(output(r), /no loaded plugin serves provider 'nosuchprovider'/);
  });
});
