// Checks a JSON document against a JSON Schema with RapidJSON's validator (rapidjson/schema.h,
// Debian's rapidjson-dev: the draft-04 keyword set — type, enum, properties, required,
// additionalProperties, items, min/max*, pattern, anyOf/oneOf/allOf/not). Plugin schemas use only
// keywords that mean the same in draft-04 and 2020-12. The first violation is turned into one
// readable sentence and the JSON pointer of the offending value.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace llmgw::config {

struct SchemaViolation {
  std::string pointer;  // RFC 6901, "" for the whole document; for an unknown key, that key
  std::string message;  // e.g. "unknown key \"x\" (known: a, b)", "expected an integer"
};

/// The first violation of `schema_json` by `document_json`, or nullopt when it conforms.
/// Throws std::runtime_error when either text is not JSON ("the schema is not JSON: ...").
std::optional<SchemaViolation> check_against_schema(std::string_view schema_json, std::string_view document_json);

}  // namespace llmgw::config
