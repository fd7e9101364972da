// A request's header fields as the server parsed them: views, in the order sent, that every
// layer can read without knowing the server (policy reads the key headers, the front-ends relay
// them to providers). No copies: the views stay valid for the request they belong to.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace llmgw::canonical {

struct HeaderField {
  std::string_view name;   // a token, as sent (case kept)
  std::string_view value;  // without leading and trailing whitespace
};

using HeaderFields = std::span<const HeaderField>;

/// `a` equals `b` ignoring ASCII case.
inline bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c | 0x20) : c; };
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i] && lower(a[i]) != lower(b[i])) return false;
  return true;
}

/// The value of the first field named `name` (ASCII case-insensitive), or nullopt.
inline std::optional<std::string_view> find_header(HeaderFields fields, std::string_view name) {
  for (const HeaderField& f : fields)
    if (iequals_ascii(f.name, name)) return f.value;
  return std::nullopt;
}

}  // namespace llmgw::canonical
