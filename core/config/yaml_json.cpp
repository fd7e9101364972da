#include "config/yaml_json.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <charconv>
#include <cmath>
#include <string_view>

#include "config/secrets.hpp"

namespace llmgw::config::detail {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

bool one_of(std::string_view s, std::initializer_list<std::string_view> words) {
  for (auto w : words) {
    if (s == w) return true;
  }
  return false;
}

bool is_number_text(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E')) {
      return false;
    }
  }
  return s.find_first_of("0123456789") != std::string_view::npos;
}

void write_plain_scalar(JsonWriter& w, const std::string& s) {
  if (one_of(s, {"", "~", "null", "Null", "NULL"})) {
    w.Null();
    return;
  }
  if (one_of(s, {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON"})) {
    w.Bool(true);
    return;
  }
  if (one_of(s, {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF"})) {
    w.Bool(false);
    return;
  }
  const char* first = s.data();
  const char* last = s.data() + s.size();
  std::string_view digits = s;
  if (digits.starts_with('+')) {
    digits.remove_prefix(1);
    first += 1;
  }
  long long i = 0;
  if (auto [end, ec] = std::from_chars(first, last, i); ec == std::errc() && end == last) {
    w.Int64(i);
    return;
  }
  double d = 0;
  if (is_number_text(digits)) {
    if (auto [end, ec] = std::from_chars(first, last, d);
        ec == std::errc() && end == last && std::isfinite(d)) {
      w.Double(d);
      return;
    }
  }
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

/// Nesting past this is refused: YAML aliases can make a node contain itself ("a: &x {b: *x}"),
/// which would recurse until the stack overflows (found by fuzz config_yaml).
constexpr int kMaxYamlDepth = 64;

void write_value(Reader& r, JsonWriter& w, const YAML::Node& value, const YAML::Node& at,
                 const std::string& path, int depth = 0) {
  if (depth > kMaxYamlDepth)
    r.fail(at, path, "nested more than " + std::to_string(kMaxYamlDepth) + " levels deep (an alias that refers to itself?)");
  if (!value.IsDefined() || value.IsNull()) {
    w.Null();
  } else if (value.IsMap()) {
    w.StartObject();
    for (const Entry& e : r.entries(value, at, path)) {
      w.Key(e.key.data(), static_cast<rapidjson::SizeType>(e.key.size()));
      write_value(r, w, e.value, e.at, join(path, e.key), depth + 1);
    }
    w.EndObject();
  } else if (value.IsSequence()) {
    w.StartArray();
    std::size_t i = 0;
    for (const auto& element : value) {
      write_value(r, w, element, element, item(path, i++), depth + 1);
    }
    w.EndArray();
  } else if (is_env_reference(value.Scalar())) {
    auto s = r.text(value, at, path, MissingSecret::warn);  // values from the environment are strings
    if (s) {
      w.String(s->data(), static_cast<rapidjson::SizeType>(s->size()));
    } else {
      w.Null();
    }
  } else if (value.Tag() == "?") {
    write_plain_scalar(w, value.Scalar());
  } else {
    const std::string& s = value.Scalar();
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
  }
}

}  // namespace

std::string to_json_object(Reader& reader, const std::vector<PathEntry>& entries) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  for (const PathEntry& pe : entries) {
    const std::string& key = pe.entry.key;
    writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    write_value(reader, writer, pe.entry.value, pe.entry.at, pe.path);
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace llmgw::config::detail
