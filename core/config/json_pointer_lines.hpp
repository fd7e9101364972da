// Where each value of a YAML mapping sits in the file, keyed by the JSON pointer (RFC 6901) of the
// same value in the JSON the mapping becomes (mapping_json): so an error found in that JSON — by
// a plugin's config.schema.json — can name the line of the offending `config:` entry.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "config/config.hpp"
#include "config/yaml_reader.hpp"

namespace llmgw::config {

/// The line of `pointer`, or of the nearest enclosing value that has one; 0 when none is known.
int line_of(const JsonPointerLines& lines, std::string_view pointer);

/// "/" + the token with "~" → "~0" and "/" → "~1".
std::string pointer_token(std::string_view key);

namespace detail {
/// The lines of `e`'s value and everything inside it (mapping keys' lines; list items' lines),
/// with merge keys expanded as mapping_json does. "" is `e`'s own key line.
JsonPointerLines json_pointer_lines(Reader& r, const Entry& e, const std::string& path);
}  // namespace detail

}  // namespace llmgw::config
