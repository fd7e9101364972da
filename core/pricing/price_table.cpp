#include "pricing/price_table.hpp"

#include <rapidjson/document.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "pricing/decimal_price.hpp"

namespace llmgw::pricing {
namespace {

constexpr std::size_t kMaxFileBytes = 64u << 20;

struct CostField {
  const char* name;
  std::int64_t ModelPrice::*member;
};
constexpr CostField kCosts[] = {
    {"input_cost_per_token", &ModelPrice::input},
    {"output_cost_per_token", &ModelPrice::output},
    {"cache_read_input_token_cost", &ModelPrice::cache_read},
    {"cache_creation_input_token_cost", &ModelPrice::cache_write},
    {"output_cost_per_reasoning_token", &ModelPrice::reasoning},
};
constexpr CostField kLimits[] = {
    {"max_tokens", &ModelPrice::max_tokens},
    {"max_input_tokens", &ModelPrice::max_input_tokens},
    {"max_output_tokens", &ModelPrice::max_output_tokens},
};

using Value = rapidjson::GenericValue<rapidjson::UTF8<>>;

/// The text of a number (parsed with kParseNumbersAsStringsFlag) or of a string.
std::optional<std::string_view> text_of(const Value& v) {
  if (!v.IsString()) return std::nullopt;
  return std::string_view(v.GetString(), v.GetStringLength());
}

std::optional<std::int64_t> parse_count(std::string_view s) {
  if (s.empty() || s.size() > 12) return std::nullopt;
  std::int64_t n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

PriceTable PriceTable::parse(std::string_view json, const std::string& source) {
  rapidjson::Document doc;
  // Iterative: nesting depth costs no stack. Numbers stay text, read exactly below.
  doc.Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag>(json.data(), json.size());
  if (doc.HasParseError())
    throw PricingError(source + ": not valid JSON (offset " + std::to_string(doc.GetErrorOffset()) + ")");
  if (!doc.IsObject()) throw PricingError(source + ": expected a JSON object of models");
  PriceTable table;
  for (const auto& m : doc.GetObject()) {
    const std::string name(m.name.GetString(), m.name.GetStringLength());
    // LiteLLM documents its fields in a "sample_spec" entry: not a model.
    if (!m.value.IsObject() || name == "sample_spec") continue;
    ModelPrice price;
    bool has_cost = false, bad = false;
    for (const auto& f : kCosts) {
      auto it = m.value.FindMember(f.name);
      if (it == m.value.MemberEnd() || it->value.IsNull()) continue;
      auto text = text_of(it->value);
      auto pico = text ? parse_usd_to_pico(*text) : std::nullopt;
      if (!pico) {
        table.warnings_.push_back(source + ": " + name + "." + f.name + ": not a price in USD per token; entry skipped");
        bad = true;
        break;
      }
      price.*f.member = *pico;
      if (f.member == &ModelPrice::input || f.member == &ModelPrice::output) has_cost = true;
    }
    if (bad || !has_cost) continue;
    for (const auto& f : kLimits) {
      auto it = m.value.FindMember(f.name);
      if (it == m.value.MemberEnd() || it->value.IsNull()) continue;
      auto text = text_of(it->value);
      auto n = text ? parse_count(*text) : std::nullopt;
      if (n) price.*f.member = *n;
      else table.warnings_.push_back(source + ": " + name + "." + f.name + ": not a token count; ignored");
    }
    if (auto it = m.value.FindMember("litellm_provider"); it != m.value.MemberEnd() && it->value.IsString())
      price.provider.assign(it->value.GetString(), it->value.GetStringLength());
    table.prices_[name] = std::move(price);
  }
  return table;
}

PriceTable PriceTable::load_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw PricingError(path + ": cannot be read");
  in.seekg(0, std::ios::end);
  const auto size = in.tellg();
  if (size < 0 || static_cast<std::size_t>(size) > kMaxFileBytes)
    throw PricingError(path + ": larger than 64 MiB");
  in.seekg(0);
  std::string text(static_cast<std::size_t>(size), '\0');
  in.read(text.data(), size);
  if (!in) throw PricingError(path + ": read failed");
  return parse(text, path);
}

void PriceTable::merge(const PriceTable& other) {
  for (const auto& [name, price] : other.prices_) prices_[name] = price;
  warnings_.insert(warnings_.end(), other.warnings_.begin(), other.warnings_.end());
}

const ModelPrice* PriceTable::find(std::string_view name) const {
  auto it = prices_.find(name);
  return it == prices_.end() ? nullptr : &it->second;
}

const ModelPrice* PriceTable::find(std::string_view provider, std::string_view model) const {
  if (!provider.empty()) {
    std::string key;
    key.reserve(provider.size() + 1 + model.size());
    key.append(provider).append("/").append(model);
    if (auto* p = find(key)) return p;
  }
  return find(model);
}

}  // namespace llmgw::pricing
