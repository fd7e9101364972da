#include <catch2/catch.hpp>

#include "pricing/cost.hpp"
#include "pricing/price_table.hpp"

using namespace llmgw::pricing;

namespace {

// The shape of LiteLLM's model_prices_and_context_window.json (written here, not copied).
constexpr const char* kSample = R"({
  "sample_spec": {"input_cost_per_token": 0.0, "max_tokens": "LEGACY: see max_output_tokens"},
  "gpt-4o": {"max_tokens": 16384, "max_input_tokens": 128000, "max_output_tokens": 16384,
             "input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05,
             "cache_read_input_token_cost": 1.25e-06, "litellm_provider": "openai", "mode": "chat",
             "supports_vision": true},
  "gemini/gemini-2.5-flash": {"input_cost_per_token": 3e-07, "output_cost_per_token": 2.5e-06,
             "litellm_provider": "gemini"},
  "gemini-2.5-flash": {"input_cost_per_token": 9e-07, "output_cost_per_token": 9e-06,
             "litellm_provider": "vertex_ai-language-models"},
  "o-reasoner": {"input_cost_per_token": 1e-06, "output_cost_per_token": 4e-06,
             "output_cost_per_reasoning_token": 8e-06, "max_input_tokens": null},
  "dall-e-3": {"output_cost_per_image": 0.04, "litellm_provider": "openai"},
  "broken": {"input_cost_per_token": -1, "output_cost_per_token": 1e-06},
  "broken-text": {"input_cost_per_token": "cheap"},
  "odd-limit": {"input_cost_per_token": 1e-06, "max_tokens": 1.5},
  "not-an-object": 3
})";

}  // namespace

TEST_CASE("LiteLLM's price format is read exactly", "[pricing][table]") {
  auto t = PriceTable::parse(kSample, "sample.json");
  const ModelPrice* p = t.find("gpt-4o");
  REQUIRE(p);
  CHECK(p->input == 2'500'000);
  CHECK(p->output == 10'000'000);
  CHECK(p->cache_read == 1'250'000);
  CHECK(p->cache_write == -1);
  CHECK(p->reasoning == -1);
  CHECK(p->max_tokens == 16384);
  CHECK(p->max_input_tokens == 128000);
  CHECK(p->max_output_tokens == 16384);
  CHECK(p->provider == "openai");
  const ModelPrice* r = t.find("o-reasoner");
  REQUIRE(r);
  CHECK(r->reasoning == 8'000'000);
  CHECK(r->max_input_tokens == -1);
}

TEST_CASE("entries without token prices are left out; bad ones too, with a warning", "[pricing][table]") {
  auto t = PriceTable::parse(kSample, "sample.json");
  CHECK(t.find("sample_spec") == nullptr);  // "max_tokens" is a string there
  CHECK(t.find("dall-e-3") == nullptr);
  CHECK(t.find("broken") == nullptr);
  CHECK(t.find("broken-text") == nullptr);
  CHECK(t.find("not-an-object") == nullptr);
  REQUIRE(t.find("odd-limit"));
  CHECK(t.find("odd-limit")->max_tokens == -1);
  CHECK(t.size() == 5);
  const auto& w = t.warnings();
  auto mentions = [&](const std::string& s) {
    for (const auto& line : w)
      if (line.find(s) != std::string::npos) return true;
    return false;
  };
  CHECK(mentions("sample.json: broken.input_cost_per_token"));
  CHECK(mentions("sample.json: broken-text.input_cost_per_token"));
  CHECK(mentions("sample.json: odd-limit.max_tokens"));
}

TEST_CASE("a provider-prefixed entry wins for that provider, the bare name otherwise", "[pricing][table]") {
  auto t = PriceTable::parse(kSample);
  CHECK(t.find("gemini", "gemini-2.5-flash")->input == 300'000);
  CHECK(t.find("vertex_ai", "gemini-2.5-flash")->input == 900'000);
  CHECK(t.find("", "gemini-2.5-flash")->input == 900'000);
  CHECK(t.find("openai", "gpt-4o")->input == 2'500'000);
  CHECK(t.find("openai", "gpt-unknown") == nullptr);
}

TEST_CASE("an operator's table merged over the default replaces entries by name", "[pricing][table]") {
  auto base = PriceTable::parse(kSample);
  auto mine = PriceTable::parse(R"({"gpt-4o": {"input_cost_per_token": "0.000001", "output_cost_per_token": 0}})");
  base.merge(mine);
  CHECK(base.find("gpt-4o")->input == 1'000'000);
  CHECK(base.find("gpt-4o")->output == 0);
  CHECK(base.find("gpt-4o")->cache_read == -1);  // the whole entry is replaced
  CHECK(base.find("o-reasoner"));
}

TEST_CASE("a file that is not a JSON object of models is an error naming it", "[pricing][table]") {
  CHECK_THROWS_WITH(PriceTable::parse("[1,2]", "x.json"), Catch::Contains("x.json: expected a JSON object"));
  CHECK_THROWS_WITH(PriceTable::parse("{\"a\":", "x.json"), Catch::Contains("x.json: not valid JSON"));
  CHECK_THROWS_WITH(PriceTable::load_file("/nonexistent/prices.json"), Catch::Contains("cannot be read"));
  // Deep nesting is parsed iteratively: no stack overflow, just an entry that is not a model.
  std::string deep = "{\"m\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  CHECK(PriceTable::parse(deep).size() == 0);
}

TEST_CASE("the shipped default table loads cleanly and covers every provider", "[pricing][table]") {
  auto t = PriceTable::load_file(LLMGW_SOURCE_DIR "/config/model_prices.json");
  CHECK(t.warnings().empty());
  for (const char* provider : {"openai", "anthropic", "gemini", "bedrock", "mistral", "cohere_chat"}) {
    INFO(provider);
    bool found = false;
    for (const char* model : {"gpt-4o", "claude-sonnet-4-5", "gemini/gemini-2.5-pro",
                              "anthropic.claude-sonnet-4-5-20250929-v1:0", "mistral/mistral-small-latest",
                              "command-a-03-2025"}) {
      const ModelPrice* p = t.find(model);
      if (p && p->provider == provider) found = true;
    }
    CHECK(found);
  }
  // Spot checks against the providers' published prices (per 1M tokens).
  const ModelPrice* sonnet = t.find("anthropic", "claude-sonnet-4-5");
  REQUIRE(sonnet);
  CHECK(sonnet->input == 3'000'000);
  CHECK(sonnet->output == 15'000'000);
  CHECK(sonnet->cache_write == 3'750'000);
  CHECK(sonnet->cache_read == 300'000);
  const ModelPrice* mini = t.find("openai", "gpt-4o-mini");
  REQUIRE(mini);
  CHECK(mini->input == 150'000);
  CHECK(mini->cache_read == 75'000);
  // Every entry is priced: no zero-cost chat model slipped in by a typo.
  for (const char* model : {"gpt-4o", "gpt-4.1", "gpt-5", "o3", "claude-opus-4-5", "claude-haiku-4-5",
                            "gemini/gemini-2.5-flash", "mistral/mistral-large-latest", "command-r-08-2024"}) {
    INFO(model);
    const ModelPrice* p = t.find(model);
    REQUIRE(p);
    CHECK(p->input > 0);
    CHECK(p->output > 0);
  }
}
