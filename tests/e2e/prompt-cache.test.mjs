// Prompt caching through the gateway: the same >1024-token system prefix marked cache_control, sent
// twice. Via the Anthropic SDK it passes through to the Anthropic mock (whose cache accounting is
// Anthropic's: the first request writes the prefix, the second reads it); via the OpenAI SDK the
// canonical cache_control extension on a system content part is translated to the Anthropic
// breakpoint, and the cache usage comes back in OpenAI terms (prompt_tokens_details.cached_tokens,
// plus the cache_creation_input_tokens extension). The OpenAI-upstream columns check that an
// upstream's cached_tokens reach each client in its own dialect. Fills the "cached tokens" row of
// the translation table; matrix.test.mjs imports this file so that one process prints every cell.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { checks } from './lib/feature-table.mjs';
import { startMatrix } from './lib/matrix-fixture.mjs';

// ~1.9k tokens by the mock's count (bytes / 4), well over Anthropic's 1024-token minimum.
const LONG = 'You are a meticulous assistant for a weather service. Always answer precisely and cite the station. '.repeat(75);
const EPHEMERAL = { type: 'ephemeral' };
let fx;

before(async () => { fx = await startMatrix(); });
after(async () => { await fx?.stop(); });
beforeEach(() => fx.reset({ cache: true }));

describe('prompt caching', () => {
  test('(a) Anthropic SDK → Anthropic upstream (passthrough): creation, then read', () =>
    checks('anthropic→anthropic', ['cached tokens'], async (step) => {
      const p = fx.pairs['anthropic→anthropic'];
      const params = { model: p.model, max_tokens: 256, system: [{ type: 'text', text: LONG, cache_control: EPHEMERAL }],
        messages: [{ role: 'user', content: 'What is the weather in Oslo?' }] };
      const first = await p.sdk.messages.create(params);
      const second = await p.sdk.messages.create(params);
      const s = p.sdk.messages.stream(params);
      const streamed = await s.finalMessage();
      await step('cached tokens', () => {
        assert.ok(first.usage.cache_creation_input_tokens > 1024, JSON.stringify(first.usage));
        assert.equal(first.usage.cache_read_input_tokens, 0);
        assert.ok(second.usage.cache_read_input_tokens > 0, JSON.stringify(second.usage));
        assert.equal(second.usage.cache_read_input_tokens, first.usage.cache_creation_input_tokens);
        assert.equal(second.usage.cache_creation_input_tokens, 0);
        assert.equal(streamed.usage.cache_read_input_tokens, first.usage.cache_creation_input_tokens, JSON.stringify(streamed.usage));
        for (const rec of p.mock.requests) assert.deepEqual(rec.json.system, [{ type: 'text', text: LONG, cache_control: EPHEMERAL }]);
      });
    }));

  test('(b) OpenAI SDK → Anthropic upstream: cache_control on a system content part is translated', () =>
    checks('openai→anthropic', ['cached tokens'], async (step) => {
      const p = fx.pairs['openai→anthropic'];
      const messages = [
        { role: 'system', content: [{ type: 'text', text: LONG, cache_control: EPHEMERAL }] },
        { role: 'user', content: 'What is the weather in Oslo?' },
      ];
      const first = await p.sdk.chat.completions.create({ model: p.model, messages });
      const second = await p.sdk.chat.completions.create({ model: p.model, messages });
      const stream = await p.sdk.chat.completions.create({ model: p.model, messages, stream: true, stream_options: { include_usage: true } });
      let streamUsage = null;
      for await (const c of stream) if (c.usage) streamUsage = c.usage;
      await step('cached tokens', () => {
        const created = first.usage.cache_creation_input_tokens;
        assert.ok(created > 1024, `first: cache_creation_input_tokens missing or 0: ${JSON.stringify(first.usage)}`);
        assert.equal(first.usage.prompt_tokens_details?.cached_tokens ?? 0, 0);
        assert.ok(second.usage.prompt_tokens_details?.cached_tokens > 0, `second: ${JSON.stringify(second.usage)}`);
        assert.equal(second.usage.prompt_tokens_details.cached_tokens, created);
        // prompt_tokens counts every input token, cached ones included.
        assert.equal(second.usage.prompt_tokens, p.mock.requests[1].usage.total);
        assert.ok(second.usage.prompt_tokens > second.usage.prompt_tokens_details.cached_tokens);
        assert.equal(streamUsage?.prompt_tokens_details?.cached_tokens, created, `stream usage: ${JSON.stringify(streamUsage)}`);
        for (const rec of p.mock.requests) {
          assert.ok(Array.isArray(rec.json.system), `system must be blocks to carry cache_control: ${JSON.stringify(rec.json.system).slice(0, 200)}`);
          assert.deepEqual(rec.json.system, [{ type: 'text', text: LONG, cache_control: EPHEMERAL }]);
        }
      });
    }));

  test('(c) OpenAI SDK → OpenAI upstream (passthrough): cache_control kept, cached_tokens relayed', () =>
    checks('openai→openai', ['cached tokens'], async (step) => {
      const p = fx.pairs['openai→openai'];
      const messages = [
        { role: 'system', content: [{ type: 'text', text: LONG, cache_control: EPHEMERAL }] },
        { role: 'user', content: 'What is the weather in Oslo?' },
      ];
      p.mock.enqueue({ cachedTokens: 1024 });
      const c = await p.sdk.chat.completions.create({ model: p.model, messages });
      await step('cached tokens', () => {
        assert.equal(c.usage.prompt_tokens_details?.cached_tokens, 1024, JSON.stringify(c.usage));
        assert.deepEqual(p.mock.requests[0].json.messages[0].content[0].cache_control, EPHEMERAL);
      });
    }));

  test('(d) Anthropic SDK → OpenAI upstream: the upstream\'s cached_tokens become cache_read_input_tokens', () =>
    checks('anthropic→openai', ['cached tokens'], async (step) => {
      const p = fx.pairs['anthropic→openai'];
      const params = { model: p.model, max_tokens: 256, system: [{ type: 'text', text: LONG, cache_control: EPHEMERAL }],
        messages: [{ role: 'user', content: 'What is the weather in Oslo?' }] };
      p.mock.enqueue({ cachedTokens: 1024 });
      const m = await p.sdk.messages.create(params);
      p.mock.enqueue({ cachedTokens: 1024 });
      const streamed = await p.sdk.messages.stream(params).finalMessage();
      await step('cached tokens', () => {
        const up = JSON.parse(p.mock.requests[0].responseBody.toString()).usage;
        assert.equal(m.usage.cache_read_input_tokens, 1024, JSON.stringify(m.usage));
        // Anthropic's input_tokens excludes the cached part; OpenAI's prompt_tokens includes it.
        assert.equal(m.usage.input_tokens, up.prompt_tokens - 1024, JSON.stringify({ client: m.usage, upstream: up }));
        assert.equal(streamed.usage.cache_read_input_tokens, 1024, JSON.stringify(streamed.usage));
        const sys = p.mock.requests[0].json.messages[0];
        assert.equal(sys.role, 'system');
        const text = typeof sys.content === 'string' ? sys.content : sys.content.map((x) => x.text).join('');
        assert.equal(text, LONG);
      });
    }));
});
