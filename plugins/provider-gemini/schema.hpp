// JSON Schema (as OpenAI clients write tool parameters and response_format json_schema) →
// Gemini's Schema object (an OpenAPI 3.0 subset; Gemini rejects members it does not know):
//   kept        type, format, title, description, nullable, enum, items, properties, required,
//               anyOf, minItems, maxItems, minProperties, maxProperties, minLength, maxLength,
//               pattern, minimum, maximum, default, example, propertyOrdering
//   type list   ["string", "null"] → type "string" + nullable; several types → anyOf
//   const       → enum [const];  oneOf → anyOf;  allOf of one schema → that schema
//   $ref        "#/$defs/X" / "#/definitions/X" inlined from the root (bounded: a recursive
//               schema is refused)
//   dropped     everything else ($schema, $defs, additionalProperties, strict, examples, …)
#pragma once

#include "json_util.hpp"

#include <string>

namespace llmgw::provider_gemini {

/// Translates `schema` (an object) into a new value allocated from `a`. `where` names it in
/// error lines. Throws EncodeError.
Value gemini_schema(const Value& schema, const std::string& where, Allocator& a);

}  // namespace llmgw::provider_gemini
