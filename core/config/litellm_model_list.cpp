#include "config/litellm_model_list.hpp"

#include <cctype>
#include <climits>
#include <map>
#include <optional>
#include <string>

#include "config/litellm_keys.hpp"
#include "config/yaml_json.hpp"

namespace llmgw::config::detail {
namespace {

/// rpm / tpm as given in one place. LiteLLM reads them from the deployment itself, then
/// litellm_params, then model_info (its usage-based routing does); so do we.
struct Limits {
  std::optional<int> rpm;
  std::optional<int> tpm;
};

/// Reads `e` into `limits` if it is rpm or tpm; false for any other key.
bool read_limit(Reader& r, const Entry& e, const std::string& path, Limits& limits) {
  if (e.key != "rpm" && e.key != "tpm") return false;
  int value = -1;  // stays -1 when the value is null
  r.read(e, path, value, 0, INT_MAX);
  if (value >= 0) (e.key == "rpm" ? limits.rpm : limits.tpm) = value;
  return true;
}

/// A deployment with what its id check needs to point at the right line.
struct Parsed {
  Deployment deployment;
  Limits top, params, info;
  YAML::Node id_at;  // model_info.id's key, or the entry itself when the id is a default
  std::string id_path;
};

/// A price per token (input_cost_per_token, output_cost_per_token, cache_read_input_token_cost,
/// cache_creation_input_token_cost, output_cost_per_reasoning_token): validated as a number,
/// kept as its text. False for any other key, or for a price already given (litellm_params wins
/// over model_info).
bool read_price(Reader& r, const Entry& e, const std::string& path, Deployment& d) {
  std::string* text = e.key == "input_cost_per_token"              ? &d.price_text.input
                      : e.key == "output_cost_per_token"           ? &d.price_text.output
                      : e.key == "cache_read_input_token_cost"     ? &d.price_text.cache_read
                      : e.key == "cache_creation_input_token_cost" ? &d.price_text.cache_write
                      : e.key == "output_cost_per_reasoning_token" ? &d.price_text.reasoning
                                                                   : nullptr;
  if (!text || !text->empty()) return false;
  double usd = -1;
  r.read(e, path, usd, true);
  if (usd < 0) return true;  // null
  *text = *r.text(e.value, e.at, path, MissingSecret::warn);
  if (text == &d.price_text.input) d.input_cost_per_token = usd;
  if (text == &d.price_text.output) d.output_cost_per_token = usd;
  return true;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// "openai/gpt-4o" -> (openai, gpt-4o); "gpt-4o" -> (openai, gpt-4o); only the first "/" splits.
/// With custom_llm_provider set, that is the provider and a matching prefix is dropped.
void split_model(Reader& r, const Entry& at, const std::string& path, const std::string& model,
                 const std::string& custom_provider, Deployment& d) {
  if (!custom_provider.empty()) {
    d.provider = lower(custom_provider);
    const std::string prefix = d.provider + "/";
    d.model = lower(model.substr(0, prefix.size())) == prefix ? model.substr(prefix.size()) : model;
  } else if (auto slash = model.find('/'); slash == std::string::npos) {
    d.provider = "openai";  // LiteLLM's default provider
    d.model = model;
  } else {
    d.provider = lower(model.substr(0, slash));
    d.model = model.substr(slash + 1);
  }
  // LiteLLM loads such an entry and fails only when it is called: here it is skipped with a
  // warning naming its line (or refused under strict_config / --strict), and the rest serves.
  if (d.provider.empty()) d.skip_reason = r.where(at.at) + ": " + path + ": expected provider/model; the provider is empty";
  else if (d.model.empty()) d.skip_reason = r.where(at.at) + ": " + path + ": expected provider/model; the model is empty";
}

void parse_litellm_params(Reader& r, const Entry& params, const std::string& path, Parsed& out) {
  Deployment& d = out.deployment;
  std::optional<Entry> model_entry;
  std::string model;
  std::string custom_provider;
  std::vector<PathEntry> extras;
  for (const Entry& e : r.entries(params.value, params.at, path)) {
    const std::string& k = e.key;
    const std::string p = join(path, k);
    if (k == "model") {
      r.read(e, p, model);  // "" is read too: split_model skips that deployment with a warning
      model_entry = e;
    } else if (k == "custom_llm_provider") {
      r.read(e, p, custom_provider);
    } else if (k == "api_base") {
      r.read(e, p, d.api_base);
    } else if (k == "api_key") {
      r.read(e, p, d.api_key);
    } else if (k == "api_version") {
      r.read(e, p, d.api_version);
    } else if (read_limit(r, e, p, out.params)) {
      // rpm / tpm: combined in parse_deployment
    } else if (k == "timeout") {
      r.read(e, p, d.timeout_s, false);
    } else if (k == "stream_timeout") {
      r.read(e, p, d.stream_timeout_s, true);
    } else if (k == "connect_timeout_ms") {
      r.read(e, p, d.connect_timeout_ms, 1, 3'600'000);
    } else if (k == "first_byte_timeout") {
      r.read(e, p, d.first_byte_timeout_s, true);
    } else if (read_price(r, e, p, d)) {
      // prices: kept as text for pricing/deployment_prices
    } else if (k == "weight") {
      r.read(e, p, d.weight, 0, 1'000'000);
    } else if (litellm_defines(Section::litellm_params, k) && !is_provider_param(k)) {
      r.not_supported(e, p);
    } else {
      // Provider parameters, and keys of third-party provider plugins: the plugin owns them
      // (it receives them as "extra" in create() and refuses what it does not know).
      extras.push_back(PathEntry{e, p});
    }
  }
  if (!model_entry) r.fail(params.at, join(path, "model"), "required key is missing");
  split_model(r, *model_entry, join(path, "model"), model, custom_provider, d);
  d.extra_json = to_json_object(r, extras);
}

void parse_model_info(Reader& r, const Entry& info, const std::string& path, Parsed& out) {
  for (const Entry& e : r.entries(info.value, info.at, path)) {
    const std::string p = join(path, e.key);
    if (e.key == "id") {
      out.deployment.id = r.required_string(e, p);
      out.id_at = e.at;
      out.id_path = p;
    } else if (read_limit(r, e, p, out.info)) {
      // rpm / tpm: combined in parse_deployment
    } else if (read_price(r, e, p, out.deployment)) {
      // prices not given in litellm_params
    } else if (litellm_defines(Section::model_info, e.key)) {
      r.not_supported(e, p);
    } else {
      r.unknown_key(e, p);
    }
  }
}

Parsed parse_deployment(Reader& r, const YAML::Node& node, const std::string& path) {
  if (!node.IsMap()) r.fail(node, path, "expected a mapping with model_name and litellm_params");
  Parsed out;
  out.deployment.line = node.Mark().line + 1;
  out.id_at = node;
  out.id_path = path;
  bool has_name = false;
  bool has_params = false;
  for (const Entry& e : r.entries(node, node, path)) {
    const std::string p = join(path, e.key);
    if (e.key == "model_name") {
      out.deployment.alias = r.required_string(e, p);
      has_name = true;
    } else if (e.key == "litellm_params") {
      parse_litellm_params(r, e, p, out);
      has_params = true;
    } else if (e.key == "model_info") {
      parse_model_info(r, e, p, out);
    } else if (read_limit(r, e, p, out.top)) {
      // rpm / tpm: combined in parse_deployment
    } else {
      r.unknown_key(e, p);
    }
  }
  if (!has_name) r.fail(node, join(path, "model_name"), "required key is missing");
  if (!has_params) r.fail(node, join(path, "litellm_params"), "required key is missing");
  out.deployment.rpm = out.top.rpm.value_or(out.params.rpm.value_or(out.info.rpm.value_or(0)));
  out.deployment.tpm = out.top.tpm.value_or(out.params.tpm.value_or(out.info.tpm.value_or(0)));
  return out;
}

}  // namespace

void parse_model_list(Reader& r, const Entry& model_list, std::vector<Deployment>& out) {
  const std::string path = "model_list";
  if (!model_list.value.IsSequence()) r.fail(model_list.at, path, "expected a list of deployments");

  std::vector<Parsed> parsed;
  std::size_t index = 0;
  for (const auto& node : model_list.value) parsed.push_back(parse_deployment(r, node, item(path, index++)));

  std::map<std::string, int> per_alias;  // deployments seen so far under each alias
  for (Parsed& p : parsed) {
    int n = per_alias[p.deployment.alias]++;
    if (p.deployment.id.empty()) p.deployment.id = p.deployment.alias + "#" + std::to_string(n);
  }
  std::map<std::string, const Parsed*> by_id;
  for (const Parsed& p : parsed) {
    auto [it, inserted] = by_id.emplace(p.deployment.id, &p);
    if (!inserted) {
      r.fail(p.id_at, p.id_path,
             "duplicate deployment id \"" + p.deployment.id + "\" (also the id of the deployment at line " +
                 std::to_string(it->second->deployment.line) + ")");
    }
  }
  for (Parsed& p : parsed) out.push_back(std::move(p.deployment));
}

}  // namespace llmgw::config::detail
