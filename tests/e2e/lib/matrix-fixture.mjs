// The 2 × 2 set-up shared by the e2e matrix and prompt-cache tests: both mock upstreams, one gateway
// with an OpenAI deployment and an Anthropic deployment, and both official SDKs pointed at it.
//
//   const fx = await startMatrix();
//   fx.pairs['openai→anthropic']  // { name, client: 'openai', upstream: 'anthropic', model, sdk, mock }
//   await fx.stop();
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startAnthropicMock } from '../../mocks/anthropic-mock.mjs';
import { startOpenAIMock } from '../../mocks/openai-mock.mjs';
import {
  ANTHROPIC_UPSTREAM_KEY, anthropicDeployment, deployment, gatewayConfig, REPO_ROOT, startGateway, UPSTREAM_KEY, RELAY_AS_IS } from '../../integration/lib/gateway.mjs';
import path from 'node:path';

const SHIPPED_PRICES = path.join(REPO_ROOT, 'config/model_prices.json');

export const MASTER = 'sk-e2e-matrix-master';
export const OPENAI_ALIAS = 'gpt-up';
export const ANTHROPIC_ALIAS = 'claude-up';
export const OPENAI_MODEL = 'gpt-4o-mini';
export const ANTHROPIC_MODEL = 'claude-sonnet-4-5';

export async function startMatrix({ anthropicMockOptions = {}, openaiMockOptions = {} } = {}) {
  const anthropicMock = await startAnthropicMock({ apiKey: ANTHROPIC_UPSTREAM_KEY, ...anthropicMockOptions });
  const openaiMock = await startOpenAIMock({ apiKey: UPSTREAM_KEY, ...openaiMockOptions });
  let gw;
  try {
    const config = gatewayConfig({
      masterKey: MASTER,
      router: RELAY_AS_IS,
      deployments: [
        deployment({ alias: OPENAI_ALIAS, model: OPENAI_MODEL, upstream: openaiMock.url, timeout: 20 }),
        anthropicDeployment({ alias: ANTHROPIC_ALIAS, model: ANTHROPIC_MODEL, upstream: anthropicMock.url, timeout: 20 }),
      ],
    });
    // Priced (the shipped table): every stream ends with its `: x-llmgw-cost: …` comment line,
    // which both SDKs must skip.
    config.general_settings.model_prices = SHIPPED_PRICES;
    gw = await startGateway({ config });
  } catch (e) {
    await anthropicMock.close();
    await openaiMock.close();
    throw e;
  }
  const sdks = {
    openai: new OpenAI({ apiKey: MASTER, baseURL: `${gw.url}/v1`, maxRetries: 0, timeout: 20_000 }),
    anthropic: new Anthropic({ apiKey: MASTER, baseURL: gw.url, maxRetries: 0, timeout: 20_000 }),
  };
  const mocks = { openai: openaiMock, anthropic: anthropicMock };
  const models = { openai: OPENAI_ALIAS, anthropic: ANTHROPIC_ALIAS };
  const upstreamModels = { openai: OPENAI_MODEL, anthropic: ANTHROPIC_MODEL };
  const pairs = {};
  for (const client of ['openai', 'anthropic']) {
    for (const upstream of ['openai', 'anthropic']) {
      const name = `${client}→${upstream}`;
      pairs[name] = { name, client, upstream, model: models[upstream], upstreamModel: upstreamModels[upstream],
        sdk: sdks[client], mock: mocks[upstream] };
    }
  }
  return {
    gw,
    sdks,
    mocks,
    pairs,
    /** Forgets recorded requests and queued behaviours of both mocks (the prompt cache survives unless cache). */
    reset({ cache = false } = {}) {
      openaiMock.reset();
      anthropicMock.reset({ cache });
    },
    async stop() {
      await gw?.stop();
      await anthropicMock.close();
      await openaiMock.close();
    },
  };
}

export { Anthropic, OpenAI };
