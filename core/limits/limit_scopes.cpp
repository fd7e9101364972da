#include "limits/limit_scopes.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

namespace llmgw::limits {

std::string scope_label(const Scope& scope) {
  switch (scope.kind) {
    case ScopeKind::key: return "this key";
    case ScopeKind::team: return "team '" + scope.id.substr(5) + "'";
    case ScopeKind::model: {
      const std::size_t alias_at = scope.id.find(':', 6);
      return "this key on model '" + (alias_at == std::string::npos ? scope.id : scope.id.substr(alias_at + 1)) + "'";
    }
  }
  return "this key";
}

std::int64_t model_limit_from_metadata(std::string_view metadata_json, std::string_view field, std::string_view alias) {
  // Cheap pre-check: nearly every key has "{}" or metadata without per-model limits.
  if (metadata_json.size() < field.size() + 4 || metadata_json.find(field) == std::string_view::npos) return 0;
  if (metadata_json.size() > 64 * 1024) return 0;
  rapidjson::Document doc;
  // Iterative parsing: nesting depth costs heap, not stack.
  doc.Parse<rapidjson::kParseIterativeFlag>(metadata_json.data(), metadata_json.size());
  if (doc.HasParseError() || !doc.IsObject()) return 0;
  auto f = doc.FindMember(rapidjson::Value(rapidjson::StringRef(field.data(), field.size())));
  if (f == doc.MemberEnd() || !f->value.IsObject()) return 0;
  auto m = f->value.FindMember(rapidjson::Value(rapidjson::StringRef(alias.data(), alias.size())));
  if (m == f->value.MemberEnd()) return 0;
  if (m->value.IsInt64() && m->value.GetInt64() > 0) return m->value.GetInt64();
  if (m->value.IsDouble() && m->value.GetDouble() >= 1 && m->value.GetDouble() < 9.0e18)
    return static_cast<std::int64_t>(m->value.GetDouble());
  return 0;
}

Scopes resolve_scopes(const store::KeyRecord& key, const store::TeamRecord* team, std::string_view alias) {
  Scopes out;
  const auto add = [&out](ScopeKind kind, std::string id, const store::Limits& l) {
    Scope s{kind, std::move(id), std::max<std::int64_t>(l.rpm, 0), std::max<std::int64_t>(l.tpm, 0),
            std::max<std::int64_t>(l.max_parallel, 0)};
    if (s.limited()) out.push_back(std::move(s));
  };
  add(ScopeKind::key, "key:" + key.key_hash, key.limits);
  if (team) add(ScopeKind::team, "team:" + team->team_id, team->limits);
  store::Limits per_model;
  per_model.rpm = model_limit_from_metadata(key.metadata_json, "model_rpm_limit", alias);
  per_model.tpm = model_limit_from_metadata(key.metadata_json, "model_tpm_limit", alias);
  if (per_model.rpm > 0 || per_model.tpm > 0)
    add(ScopeKind::model, "model:" + key.key_hash + ":" + std::string(alias), per_model);
  return out;
}

}  // namespace llmgw::limits
