// load_file / load_string: parse the YAML, then hand each top-level section to its parser.
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "config/config.hpp"
#include "config/litellm_keys.hpp"
#include "config/litellm_model_list.hpp"
#include "config/sections.hpp"
#include "config/yaml_reader.hpp"

#include <yaml-cpp/eventhandler.h>

namespace llmgw::config {
namespace {

namespace fs = std::filesystem;
using namespace detail;

/// Where each document of a YAML stream starts, and where its first node is (yaml-cpp's public
/// event API); nothing else.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts, first_nodes;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override { node(mark); }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    node(mark);
  }
  void OnMapEnd() override {}

 private:
  void node(const YAML::Mark& mark) {
    if (first_nodes.size() < starts.size()) first_nodes.push_back(mark);
  }
};

/// The single document in `yaml` (null when the text is empty). Syntax errors become ConfigError.
/// Not YAML::LoadAll: yaml-cpp 0.7 (Debian 12) loops forever there on some malformed text, e.g.
/// ", a]", its parser reporting the same empty document again and again while memory grows
/// (jbeder/yaml-cpp#1040, fixed in 0.8 by #1319; found by tests/fuzz config_yaml). So the
/// document is loaded alone, and the stream is asked for two document starts at most.
YAML::Node parse_document(const std::string& yaml, const std::string& name) {
  YAML::Node document;
  DocumentStarts docs;
  try {
    document = YAML::Load(yaml);
    std::istringstream in(yaml);
    YAML::Parser parser(in);
    while (docs.starts.size() < 2 && parser.HandleNextDocument(docs)) {
    }
  } catch (const YAML::Exception& e) {
    std::string where = name;
    if (!e.mark.is_null()) where += ":" + std::to_string(e.mark.line + 1);
    throw ConfigError(where + ": invalid YAML: " + e.msg);
  }
  if (docs.starts.size() > 1) {
    if (docs.starts[1].pos == docs.starts[0].pos)  // the stuck parser above: no second document
      throw ConfigError(name + ":" + std::to_string(docs.starts[1].line + 1) + ": invalid YAML: unexpected text");
    const YAML::Mark& second = docs.first_nodes.size() > 1 ? docs.first_nodes[1] : docs.starts[1];
    throw ConfigError(name + ":" + std::to_string(second.line + 1) +
                      ": the file holds several YAML documents; expected one");
  }
  return document;
}

/// The folder that relative paths in the file are relative to.
fs::path base_dir_of(const std::string& name) {
  if (name.empty()) return fs::current_path();
  return fs::absolute(fs::path(name)).parent_path();
}

void check_alias_targets(Reader& r, const Config& cfg, const std::vector<AliasRef>& aliases) {
  std::set<std::string> served;
  for (const Deployment& d : cfg.deployments) served.insert(d.alias);
  for (const AliasRef& a : aliases) {
    if (served.count(a.target) == 0) {
      r.warn(a.at, "router_settings.model_group_alias." + a.alias +
                       ": no deployment in model_list has model_name \"" + a.target + "\"");
    }
  }
}

}  // namespace

Config load_string(const std::string& yaml, const std::string& name) {
  Config cfg;
  cfg.source_path = name;
  Reader r(name, cfg.warnings);

  YAML::Node root = parse_document(yaml, name);
  if (root.IsDefined() && !root.IsNull() && !root.IsMap()) {
    r.fail(root, "", "expected a mapping of sections (server, model_list, ...) at the top level");
  }
  const std::vector<Entry> sections = r.entries(root, root, "");

  // LiteLLM sets environment_variables before it reads anything else; so do we.
  for (const Entry& e : sections) {
    if (e.key == "environment_variables") apply_environment_variables(r, e);
  }

  const fs::path base_dir = base_dir_of(name);
  const Entry* model_list = nullptr;
  std::vector<AliasRef> aliases;
  for (const Entry& e : sections) {
    const std::string& k = e.key;
    if (k == "server") {
      parse_server(r, e, cfg.server);
    } else if (k == "log_level") {
      parse_log_level(r, e, cfg.log_level);
    } else if (k == "plugins") {
      parse_plugins(r, e, base_dir, cfg);
    } else if (k == "sinks") {
      parse_sinks(r, e, cfg);
    } else if (k == "guardrails") {
      parse_guardrails(r, e, cfg);
    } else if (k == "model_list") {
      if (e.value.IsNull()) continue;  // "model_list:" with nothing under it
      parse_model_list(r, e, cfg.deployments);
      model_list = &e;
    } else if (k == "router_settings") {
      parse_router_settings(r, e, cfg, aliases);
    } else if (k == "general_settings") {
      parse_general_settings(r, e, cfg);
    } else if (k == "litellm_settings") {
      parse_litellm_settings(r, e, cfg);
    } else if (k == "environment_variables") {
      // applied above
    } else if (litellm_defines(Section::top_level, k)) {
      r.not_supported(e, k);
    } else {
      r.unknown_key(e, k);
    }
  }

  if (model_list == nullptr) {
    r.warn(root, "no model_list: the gateway will serve no models");
  } else if (cfg.deployments.empty()) {
    r.warn(model_list->at, "model_list is empty: the gateway will serve no models");
  }
  // Entries that cannot be served leave the list, each said once.
  std::erase_if(cfg.deployments, [&](const Deployment& d) {
    if (d.skip_reason.empty()) return false;
    cfg.skipped_deployments.push_back(d.skip_reason + "; skipped");
    cfg.warnings.push_back(d.skip_reason + "; skipped");
    return true;
  });
  check_alias_targets(r, cfg, aliases);
  warn_scopes_without_keys(name, cfg);
  for (Deployment& d : cfg.deployments)  // router_settings.stream_timeout is the default
    if (d.stream_timeout_s == 0) d.stream_timeout_s = cfg.router.stream_timeout_s;
  return cfg;
}

Config load_file(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw ConfigError(path + ": is a directory, expected a YAML file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(path + ": cannot open: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError(path + ": cannot read: " + std::strerror(errno));
  return load_string(text.str(), path);
}

}  // namespace llmgw::config
