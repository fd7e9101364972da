#include "denylist_config.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <stdexcept>

namespace denylist {
namespace {

[[noreturn]] void bad(const std::string& what) { throw std::invalid_argument("guardrail-denylist: config: " + what); }

/// A term is non-empty, at most kMaxTermBytes, and valid UTF-8 (so a match starts on a character).
bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k)
      if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
    i += n;
  }
  return true;
}

void read_terms(const rapidjson::Value& doc, const char* key, bool block, Config& out) {
  const auto it = doc.FindMember(key);
  if (it == doc.MemberEnd()) return;
  if (!it->value.IsArray()) bad(std::string(key) + ": expected a list of strings");
  std::size_t i = 0;
  for (const auto& v : it->value.GetArray()) {
    const std::string where = std::string(key) + "[" + std::to_string(i++) + "]";
    if (!v.IsString()) bad(where + ": expected a string");
    std::string text(v.GetString(), v.GetStringLength());
    if (text.empty()) bad(where + ": a term must not be empty");
    if (text.size() > kMaxTermBytes) bad(where + ": longer than " + std::to_string(kMaxTermBytes) + " bytes");
    if (!valid_utf8(text)) bad(where + ": not valid UTF-8");
    if (out.terms.size() == kMaxTerms) bad("more than " + std::to_string(kMaxTerms) + " terms");
    out.terms.push_back(Term{std::move(text), block});
  }
}

}  // namespace

Config parse_config(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) bad(std::string("not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()));
  if (!doc.IsObject()) bad("expected an object");
  Config out;
  for (const auto& m : doc.GetObject()) {
    const std::string_view key(m.name.GetString(), m.name.GetStringLength());
    if (key == "block" || key == "redact") continue;
    if (key == "replacement") {
      if (!m.value.IsString()) bad("replacement: expected a string");
      out.replacement.assign(m.value.GetString(), m.value.GetStringLength());
    } else if (key == "case_sensitive") {
      if (!m.value.IsBool()) bad("case_sensitive: expected true or false");
      out.case_sensitive = m.value.GetBool();
    } else if (key == "max_input_bytes") {
      if (!m.value.IsUint64()) bad("max_input_bytes: expected a whole number >= 0");
      out.max_input_bytes = m.value.GetUint64();
    } else {
      bad("unknown key \"" + std::string(key) + "\" (known: block, redact, replacement, case_sensitive, max_input_bytes)");
    }
  }
  read_terms(doc, "block", true, out);
  read_terms(doc, "redact", false, out);
  if (out.terms.empty() && out.max_input_bytes == 0) bad("nothing to do: give block, redact or max_input_bytes");
  return out;
}

}  // namespace denylist
