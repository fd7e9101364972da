#include "config/yaml_reader.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>
#include <utility>

#include "config/byte_size.hpp"
#include "config/config.hpp"
#include "config/secrets.hpp"

namespace llmgw::config::detail {
namespace {

/// A number as PyYAML (YAML 1.1) reads it: a leading '+' and '_' between digits are allowed
/// ("20_000" is 20000). Anything else is returned as it is.
std::string yaml11_number(const std::string& s) {
  if (s.empty()) return s;
  std::size_t i = s[0] == '+' || s[0] == '-' ? 1 : 0;
  if (i >= s.size() || s[i] < '0' || s[i] > '9') return s;
  std::string out = s[0] == '-' ? "-" : "";
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '_' && i + 1 < s.size() && out.size() > (s[0] == '-' ? 1u : 0u)) continue;
    out.push_back(c);
  }
  return out;
}

template <typename T>
bool parse_all(const std::string& text, T& out) {
  const std::string s = yaml11_number(text);
  const char* last = s.data() + s.size();
  auto [end, ec] = std::from_chars(s.data(), last, out);
  return ec == std::errc() && end == last && !s.empty();
}

const char* kind_of(const YAML::Node& n) {
  if (n.IsMap()) return "a mapping";
  if (n.IsSequence()) return "a list";
  return "a single value";
}

}  // namespace

std::string join(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  std::string out(path);
  out += '.';
  out += key;
  return out;
}

std::string item(std::string_view path, std::size_t index) {
  return std::string(path) + "[" + std::to_string(index) + "]";
}

Reader::Reader(std::string file, std::vector<std::string>& warnings)
    : file_(std::move(file)), warnings_(warnings) {}

std::string Reader::where(const YAML::Node& at) const {
  YAML::Mark mark = at.IsDefined() ? at.Mark() : YAML::Mark::null_mark();
  if (mark.is_null() || mark.line < 0) return file_;
  return file_ + ":" + std::to_string(mark.line + 1);
}

void Reader::fail(const YAML::Node& at, std::string_view path, std::string_view what) const {
  std::string msg = where(at) + ": ";
  if (!path.empty()) msg += std::string(path) + ": ";
  msg += what;
  throw ConfigError(msg);
}

void Reader::warn(const YAML::Node& at, std::string_view message) {
  warnings_.push_back(where(at) + ": " + std::string(message));
}

void Reader::not_supported(const Entry& e, std::string_view path) {
  warn(e.at, std::string(path) + " is not supported yet; ignored");
}

void Reader::unknown_key(const Entry& e, std::string_view path) {
  warn(e.at, std::string(path) + " is an unknown key; ignored");
}

std::vector<Entry> Reader::entries(const YAML::Node& map, const YAML::Node& at,
                                   std::string_view path) const {
  std::vector<Entry> out;
  if (!map.IsDefined() || map.IsNull()) return out;
  if (!map.IsMap()) fail(at, path, std::string("expected a mapping, found ") + kind_of(map));

  std::map<std::string, int> first_line;  // key -> 1-based line of its first occurrence
  std::vector<std::pair<YAML::Node, YAML::Node>> merges;
  for (const auto& kv : map) {
    const YAML::Node& key = kv.first;
    if (!key.IsScalar()) fail(key.IsNull() ? at : key, path, "mapping keys must be plain strings");
    if (key.Scalar() == "<<" && key.Tag() == "?") {  // YAML merge key, as PyYAML reads it
      merges.emplace_back(key, kv.second);
      continue;
    }
    auto [it, inserted] = first_line.emplace(key.Scalar(), key.Mark().line + 1);
    if (!inserted) {
      // PyYAML (so LiteLLM) keeps the last value of a key written twice: so do we, and say so.
      warnings_.push_back(where(key) + ": " + join(path, key.Scalar()) + ": duplicate key (first at line " +
                          std::to_string(it->second) + "); the value here is used");
      // Rebuilt, not erased: assigning a YAML::Node rewrites the node it refers to, and erase
      // would shift entries by assignment.
      std::vector<Entry> kept;
      kept.reserve(out.size());
      for (Entry& e : out)
        if (e.key != key.Scalar()) kept.push_back(std::move(e));
      out.swap(kept);
    }
    out.push_back(Entry{key.Scalar(), key, kv.second});
  }
  for (const auto& [key, value] : merges) {
    std::vector<YAML::Node> sources;
    if (value.IsMap()) {
      sources.push_back(value);
    } else if (value.IsSequence()) {
      for (const auto& source : value) sources.push_back(source);
    }
    if (sources.empty()) fail(key, join(path, "<<"), "expected a mapping or a list of mappings");
    for (const auto& source : sources) {
      if (!source.IsMap()) fail(key, join(path, "<<"), "expected a mapping or a list of mappings");
      // A merge may name the mapping it is in ("a: &x {<<: *x}"): nested merges are bounded, or
      // the recursion would overflow the stack (found by fuzz config_yaml).
      thread_local int merge_depth = 0;
      constexpr int kMaxMergeDepth = 64;
      if (merge_depth >= kMaxMergeDepth)
        fail(key, join(path, "<<"), "merges nested more than 64 levels deep (a merge that includes itself?)");
      struct Nested {
        Nested() { ++merge_depth; }
        ~Nested() { --merge_depth; }
      } nested;
      for (Entry& e : entries(source, key, path)) {
        if (first_line.emplace(e.key, e.at.Mark().line + 1).second) out.push_back(std::move(e));
      }
    }
  }
  return out;
}

std::optional<std::string> Reader::text(const YAML::Node& value, const YAML::Node& at,
                                        std::string_view path, MissingSecret missing) {
  if (!value.IsDefined() || value.IsNull()) return std::nullopt;
  if (!value.IsScalar()) fail(at, path, std::string("expected a single value, found ") + kind_of(value));
  const std::string& raw = value.Scalar();
  if (!is_env_reference(raw)) return raw;
  if (!is_valid_env_name(std::string_view(raw).substr(kEnvPrefix.size()))) {
    fail(at, path, "expected os.environ/NAME with NAME an environment variable name");
  }
  Resolved resolved = resolve_secret(raw);
  if (!resolved.missing) return std::move(resolved.value);
  std::string what = "environment variable " + resolved.variable + " is not set or empty";
  if (missing == MissingSecret::fail) fail(at, path, what);
  warn(at, std::string(path) + ": " + what + "; treated as unset");
  return std::nullopt;
}

void Reader::read(const Entry& e, std::string_view path, std::string& out, MissingSecret missing) {
  if (auto s = text(e.value, e.at, path, missing)) out = std::move(*s);
}

void Reader::read(const Entry& e, std::string_view path, int& out, int min, int max) {
  auto s = text(e.value, e.at, path, MissingSecret::warn);
  if (!s) return;
  long long v = 0;
  if (!parse_all(*s, v)) fail(e.at, path, "expected an integer");
  if (v < min || v > max) {
    fail(e.at, path, "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  out = static_cast<int>(v);
}

void Reader::read(const Entry& e, std::string_view path, double& out, bool allow_zero) {
  auto s = text(e.value, e.at, path, MissingSecret::warn);
  if (!s) return;
  double v = 0;
  if (!parse_all(*s, v) || !std::isfinite(v)) fail(e.at, path, "expected a number (seconds)");
  if (v < 0 || (v == 0 && !allow_zero)) {
    fail(e.at, path, allow_zero ? "must not be negative" : "must be greater than 0");
  }
  out = v;
}

void Reader::read(const Entry& e, std::string_view path, bool& out) {
  auto s = text(e.value, e.at, path, MissingSecret::warn);
  if (!s) return;
  std::string v;
  for (char c : *s) v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v == "true" || v == "yes" || v == "on") out = true;
  else if (v == "false" || v == "no" || v == "off") out = false;
  else fail(e.at, path, "expected true or false");
}

void Reader::read_byte_size(const Entry& e, std::string_view path, std::size_t& out) {
  auto s = text(e.value, e.at, path, MissingSecret::warn);
  if (!s) return;
  auto v = parse_byte_size(*s);
  if (!v) fail(e.at, path, "expected a size such as 10485760, \"512KB\" or \"10MB\"");
  if (*v == 0) fail(e.at, path, "must be greater than 0");
  out = *v;
}

std::string Reader::required_string(const Entry& e, std::string_view path) {
  std::string out;
  read(e, path, out);
  if (out.empty()) fail(e.at, path, "must not be empty");
  return out;
}

}  // namespace llmgw::config::detail
