#include "config/json_pointer_lines.hpp"

namespace llmgw::config {
namespace {

/// As deep as yaml_json.cpp nests (an alias that refers to itself is refused there first).
constexpr int kMaxDepth = 64;

int line(const YAML::Node& n) { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

void walk(detail::Reader& r, const YAML::Node& value, const YAML::Node& at, const std::string& path,
          const std::string& pointer, JsonPointerLines& out, int depth) {
  if (depth > kMaxDepth || !value.IsDefined()) return;
  if (value.IsMap()) {
    for (const detail::Entry& e : r.entries(value, at, path)) {
      const std::string p = pointer + pointer_token(e.key);
      out.emplace(p, line(e.at));
      walk(r, e.value, e.at, detail::join(path, e.key), p, out, depth + 1);
    }
  } else if (value.IsSequence()) {
    std::size_t i = 0;
    for (const auto& element : value) {
      const std::string p = pointer + "/" + std::to_string(i);
      out.emplace(p, line(element));
      walk(r, element, element, detail::item(path, i++), p, out, depth + 1);
    }
  }
}

}  // namespace

std::string pointer_token(std::string_view key) {
  std::string out = "/";
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out.push_back(c);
  }
  return out;
}

int line_of(const JsonPointerLines& lines, std::string_view pointer) {
  for (;;) {
    if (const auto it = lines.find(pointer); it != lines.end() && it->second > 0) return it->second;
    if (pointer.empty()) return 0;
    pointer = pointer.substr(0, pointer.rfind('/'));
  }
}

namespace detail {
JsonPointerLines json_pointer_lines(Reader& r, const Entry& e, const std::string& path) {
  JsonPointerLines out;
  out.emplace("", line(e.at));
  walk(r, e.value, e.at, path, "", out, 0);
  return out;
}
}  // namespace detail

}  // namespace llmgw::config
