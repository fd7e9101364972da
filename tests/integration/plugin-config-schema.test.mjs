// Plugins' config: checked against the config.schema.json each ships beside its module, at
// --check-config and at start-up: a wrong key or value stops with FILE:LINE of the offending
// entry, its JSON pointer and the schema's name, before any plugin is created.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { PLUGIN_DIR, runGateway, writeConfig } from './lib/gateway.mjs';

const dirs = [];
after(() => { for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

function configFile(text) {
  const { dir, file } = writeConfig(text);
  dirs.push(dir);
  return file;
}

const output = (r) => `${r.stdout}\n${r.stderr}`;

/** A config loading every plugin that ships a schema; `pii`, `denylist`, `sinks` replace parts. */
function config({ pii = '        detectors: {us_ssn: block, ipv4: "off"}', denylist = '        block: [project zeus]',
  sinks = '  - sink-request-log' } = {}) {
  return `model_list:
  - model_name: echo
    litellm_params:
      model: echo/echo-1
plugins:
  load:
    - provider-echo
    - path: guardrail-pii
      config:
${pii}
    - path: guardrail-denylist
      config:
${denylist}
    - path: sink-request-log
      config:
        path: /dev/null
    - sink-otlp
guardrails:
  - plugin: guardrail-pii
  - plugin: guardrail-denylist
sinks:
${sinks}
`;
}

async function check(text) {
  const file = configFile(text);
  return { file, r: await runGateway(['--check-config', file]) };
}

function assertNamed({ file, r }, { line, pointer, message, schema }) {
  const out = output(r);
  assert.notEqual(r.code, 0, `exit code 0 for a bad file:\n${out}`);
  assert.equal(r.signal, null);
  const at = out.indexOf(`${path.basename(file)}:${line}: ${pointer}: ${message}`);
  assert.ok(at >= 0, out);
  assert.ok(out.slice(at).split('\n')[0].endsWith(`(${schema})`), out);
}

test('the schemas are installed beside their modules', () => {
  for (const name of ['guardrail-pii', 'guardrail-denylist', 'sink-otlp', 'sink-request-log']) {
    const schema = JSON.parse(fs.readFileSync(path.join(PLUGIN_DIR, `${name}.config.schema.json`), 'utf8'));
    assert.equal(schema.title, name);
  }
});

describe('--check-config', () => {
  test('every plugin config valid → exit 0', async () => {
    const { r } = await check(config());
    assert.equal(r.code, 0, output(r));
  });

  test('guardrail-pii: an unknown action names the line and /detectors/us_ssn', async () => {
    assertNamed(await check(config({ pii: '        default_action: redact\n        detectors:\n          us_ssn: blok' })), {
      line: 12, pointer: 'plugins.load[1].config/detectors/us_ssn',
      message: 'must be one of: redact, mask, block, log-only, log_only, off', schema: 'guardrail-pii.config.schema.json' });
  });

  test('guardrail-pii: an unknown detector is named as the key', async () => {
    assertNamed(await check(config({ pii: '        detectors:\n          us_ssn: block\n          credit_card: mask' })), {
      line: 12, pointer: 'plugins.load[1].config/detectors/credit_card', message: 'unknown key "credit_card"',
      schema: 'guardrail-pii.config.schema.json' });
  });

  test('guardrail-denylist (a third-party sample): a wrong type in a list', async () => {
    assertNamed(await check(config({ denylist: '        block:\n          - ok\n          - 42' })), {
      line: 15, pointer: 'plugins.load[2].config/block/1', message: 'expected a string, got an integer',
      schema: 'guardrail-denylist.config.schema.json' });
  });

  test('sink-otlp: a sinks: entry\'s own config: missing its endpoint', async () => {
    const sinks = '  - plugin: sink-otlp\n    config:\n      service_name: gw';
    const { file, r } = await check(config({ sinks }));
    assertNamed({ file, r }, { line: 23, pointer: 'sinks[0].config', message: 'the required key "endpoint" is missing',
      schema: 'sink-otlp.config.schema.json' });
  });

  test('sink-otlp: an endpoint that is neither http:// nor https:// breaks its pattern', async () => {
    const sinks = '  - plugin: sink-otlp\n    config:\n      endpoint: ftp://collector:4318/v1/traces';
    assertNamed(await check(config({ sinks })), { line: 24, pointer: 'sinks[0].config/endpoint',
      message: 'must match the pattern "^https?://"', schema: 'sink-otlp.config.schema.json' });
  });
});

test('start-up refuses a bad plugin config with the same message, before serving', async () => {
  const file = configFile(config({ pii: '        detectors: {us_ssn: 7}' }));
  const r = await runGateway(['--config', file, '--host', '127.0.0.1', '--port', '0']);
  assert.notEqual(r.code, 0);
  const out = output(r);
  assert.match(out, /llmgw\.yaml:10: plugins\.load\[1\]\.config\/detectors\/us_ssn: expected a string, got an integer/);
  assert.doesNotMatch(out, /listening on/);
});
