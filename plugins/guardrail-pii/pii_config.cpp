#include "pii_config.hpp"

#include <llmgw/json_depth.hpp>
#include <rapidjson/document.h>

#include <algorithm>
#include <stdexcept>

namespace llmgw::pii {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error(what); }

std::string text_of(const rapidjson::Value& v, const std::string& key) {
  if (!v.IsString()) fail(key + " must be a string");
  return std::string(v.GetString(), v.GetStringLength());
}

Action action_of(const rapidjson::Value& v, const std::string& key) {
  Action a;
  if (!parse_action(text_of(v, key), a))
    fail(key + ": unknown action '" + text_of(v, key) + "' (redact, mask, block, log-only, off)");
  return a;
}

bool valid_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
      return false;
  return true;
}

std::string upper_name(std::string_view name) {
  std::string out;
  for (char c : name) out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : (c == '-' || c == '.') ? '_' : c);
  return out;
}

}  // namespace

PiiConfig parse_config(std::string_view json) {
  PiiConfig cfg;
  cfg.detectors = builtin_detectors();
  rapidjson::Document doc;
  if (json.empty()) json = "{}";
  if (!parse_bounded(doc, json).ok() || !doc.IsObject()) fail("config is not a JSON object");
  Action default_action = Action::redact;
  if (auto it = doc.FindMember("default_action"); it != doc.MemberEnd()) default_action = action_of(it->value, "default_action");
  for (Detector& d : cfg.detectors) d.action = default_action;
  for (auto& m : doc.GetObject()) {
    const std::string key(m.name.GetString(), m.name.GetStringLength());
    if (key == "default_action") continue;
    if (key == "detectors") {
      if (!m.value.IsObject()) fail("detectors must be a mapping of detector: action");
      for (auto& e : m.value.GetObject()) {
        const std::string name(e.name.GetString(), e.name.GetStringLength());
        auto d = std::find_if(cfg.detectors.begin(), cfg.detectors.end(), [&](const Detector& x) { return x.name == name; });
        if (d == cfg.detectors.end()) {
          std::string known;
          for (const Detector& x : builtin_detectors()) known += (known.empty() ? "" : ", ") + x.name;
          fail("detectors." + name + ": unknown detector (known: " + known + ")");
        }
        d->action = action_of(e.value, "detectors." + name);
      }
    } else if (key == "custom") {
      if (!m.value.IsArray()) fail("custom must be a list of {name, pattern, action}");
      std::size_t i = 0;
      for (auto& c : m.value.GetArray()) {
        const std::string at = "custom[" + std::to_string(i++) + "]";
        if (!c.IsObject()) fail(at + " must be a mapping with name and pattern");
        Detector d;
        d.any_char = true;
        d.action = default_action;
        for (auto& f : c.GetObject()) {
          const std::string k(f.name.GetString(), f.name.GetStringLength());
          if (k == "name") d.name = text_of(f.value, at + ".name");
          else if (k == "pattern") d.pattern = text_of(f.value, at + ".pattern");
          else if (k == "action") d.action = action_of(f.value, at + ".action");
          else if (k == "placeholder") d.placeholder = text_of(f.value, at + ".placeholder");
          else if (k == "caseless") {
            if (!f.value.IsBool()) fail(at + ".caseless must be true or false");
            d.caseless = f.value.GetBool();
          } else fail(at + "." + k + ": unknown key (name, pattern, action, placeholder, caseless)");
        }
        if (!valid_name(d.name)) fail(at + ".name must be 1-64 of [A-Za-z0-9._-]");
        if (d.pattern.empty()) fail(at + ".pattern is required");
        for (const Detector& x : cfg.detectors)
          if (x.name == d.name) fail(at + ".name " + d.name + " is already a detector");
        if (d.placeholder.empty()) d.placeholder = upper_name(d.name);
        if (!valid_name(d.placeholder)) fail(at + ".placeholder must be 1-64 of [A-Za-z0-9._-]");
        cfg.detectors.push_back(std::move(d));
      }
    } else if (key == "allow_list") {
      if (!m.value.IsArray()) fail("allow_list must be a list of strings");
      for (auto& v : m.value.GetArray()) cfg.allow.push_back(text_of(v, "allow_list[]"));
    } else if (key == "reversible") {
      if (!m.value.IsBool()) fail("reversible must be true or false");
      cfg.reversible = m.value.GetBool();
    } else {
      fail(key + ": unknown key (detectors, default_action, custom, allow_list, reversible)");
    }
  }
  return cfg;
}

}  // namespace llmgw::pii
