#include "config/json_schema_check.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/pointer.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

#include "config/json_pointer_lines.hpp"

namespace llmgw::config {
namespace {

using rapidjson::Value;

std::string json_text(const Value& v) {
  rapidjson::StringBuffer b;
  rapidjson::Writer<rapidjson::StringBuffer> w(b);
  v.Accept(w);
  return std::string(b.GetString(), b.GetSize());
}

template <class Pointer>
std::string pointer_text(const Pointer& p) {
  rapidjson::StringBuffer b;
  p.Stringify(b);
  return std::string(b.GetString(), b.GetSize());
}

const char* kind_of(const Value& v) {
  if (v.IsNull()) return "null";
  if (v.IsBool()) return "a boolean";
  if (v.IsInt64() || v.IsUint64()) return "an integer";
  if (v.IsNumber()) return "a number";
  if (v.IsString()) return "a string";
  if (v.IsArray()) return "a list";
  return "a mapping";
}

std::string a_type(std::string_view t) {
  if (t == "object") return "a mapping";
  if (t == "array") return "a list";
  if (t == "integer") return "an integer";
  if (t == "null") return "null";
  return "a " + std::string(t);
}

/// "a, b, c" of a list of JSON values (strings unquoted when `bare`).
std::string list_of(const Value& list, bool bare) {
  std::string out;
  for (const auto& v : list.GetArray()) {
    if (!out.empty()) out += ", ";
    out += bare && v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : json_text(v);
  }
  return out;
}

const Value* member(const Value* schema, const char* key) {
  if (schema == nullptr || !schema->IsObject()) return nullptr;
  const auto it = schema->FindMember(key);
  return it == schema->MemberEnd() ? nullptr : &it->value;
}

/// A JSON pointer token with "~1" → "/" and "~0" → "~".
std::string unescape_token(std::string_view token) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out.push_back(token[i + 1] == '0' ? '~' : '/');
      ++i;
    } else {
      out.push_back(token[i]);
    }
  }
  return out;
}

std::string number_text(const Value& v) { return json_text(v); }

/// The sentence for a failed `keyword` of `schema` at `at` (the document's value); may extend
/// `pointer` (an unknown key names the key).
std::string explain(std::string_view keyword, const Value* schema, const Value* at, std::string& pointer) {
  const Value* rule = member(schema, std::string(keyword).c_str());
  if (keyword == "type" && rule) {
    std::string want;
    if (rule->IsString()) {
      want = a_type(rule->GetString());
    } else if (rule->IsArray()) {
      for (const auto& t : rule->GetArray())
        if (t.IsString()) want += (want.empty() ? "" : " or ") + a_type(t.GetString());
    }
    return "expected " + want + (at ? std::string(", got ") + kind_of(*at) : std::string());
  }
  if (keyword == "required" && rule && rule->IsArray() && at && at->IsObject()) {
    for (const auto& k : rule->GetArray())
      if (k.IsString() && !at->HasMember(k)) return "the required key \"" + std::string(k.GetString()) + "\" is missing";
  }
  if (keyword == "additionalProperties") {
    const Value* props = member(schema, "properties");
    std::string known;
    if (props && props->IsObject())
      for (const auto& p : props->GetObject()) known += (known.empty() ? "" : ", ") + std::string(p.name.GetString());
    const auto unknown = [&](const std::string& key) {
      return "unknown key \"" + key + "\"" + (known.empty() ? std::string() : " (known: " + known + ")");
    };
    if (at && at->IsObject()) {  // the pointer names the object: find the key
      for (const auto& m : at->GetObject()) {
        if (props && props->IsObject() && props->HasMember(m.name)) continue;
        const std::string key(m.name.GetString(), m.name.GetStringLength());
        pointer += pointer_token(key);
        return unknown(key);
      }
    } else if (const auto slash = pointer.rfind('/'); slash != std::string::npos) {  // it names the key
      return unknown(unescape_token(std::string_view(pointer).substr(slash + 1)));
    }
  }
  if (keyword == "enum" && rule && rule->IsArray()) return "must be one of: " + list_of(*rule, true);
  if (rule && rule->IsNumber()) {
    const auto exclusive = [&](const char* k) {
      const Value* e = member(schema, k);
      return e && e->IsBool() && e->GetBool();
    };
    if (keyword == "minimum") return std::string("must be ") + (exclusive("exclusiveMinimum") ? "> " : ">= ") + number_text(*rule);
    if (keyword == "maximum") return std::string("must be ") + (exclusive("exclusiveMaximum") ? "< " : "<= ") + number_text(*rule);
    if (keyword == "minLength") return "must be at least " + number_text(*rule) + " characters long";
    if (keyword == "maxLength") return "must be at most " + number_text(*rule) + " characters long";
    if (keyword == "minItems") return "must have at least " + number_text(*rule) + " items";
    if (keyword == "maxItems") return "must have at most " + number_text(*rule) + " items";
    if (keyword == "minProperties") return "must have at least " + number_text(*rule) + " keys";
    if (keyword == "maxProperties") return "must have at most " + number_text(*rule) + " keys";
    if (keyword == "multipleOf") return "must be a multiple of " + number_text(*rule);
  }
  if (keyword == "pattern" && rule && rule->IsString()) return "must match the pattern " + json_text(*rule);
  if (keyword == "uniqueItems") return "must not repeat an item";
  if ((keyword == "anyOf" || keyword == "oneOf") && rule && rule->IsArray()) {
    // The common "at least one of these keys" form: [{"required": [k]}, ...].
    std::string keys;
    for (const auto& alt : rule->GetArray()) {
      const Value* req = member(&alt, "required");
      if (!req || !req->IsArray() || alt.MemberCount() != 1) {
        keys.clear();
        break;
      }
      keys += (keys.empty() ? "" : ", ") + list_of(*req, true);
    }
    if (!keys.empty() && keyword == "anyOf") return "needs at least one of: " + keys;
    return keyword == "anyOf" ? "matches none of the forms the schema allows (anyOf)"
                              : "must match exactly one of the forms the schema allows (oneOf)";
  }
  return "breaks the schema's \"" + std::string(keyword) + "\" rule";
}

}  // namespace

std::optional<SchemaViolation> check_against_schema(std::string_view schema_json, std::string_view document_json) {
  rapidjson::Document schema_doc;
  schema_doc.Parse(schema_json.data(), schema_json.size());
  if (schema_doc.HasParseError())
    throw std::runtime_error(std::string("the schema is not JSON: ") + rapidjson::GetParseError_En(schema_doc.GetParseError()) +
                             " (offset " + std::to_string(schema_doc.GetErrorOffset()) + ")");
  rapidjson::Document doc;
  doc.Parse(document_json.data(), document_json.size());
  if (doc.HasParseError())
    throw std::runtime_error(std::string("not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()));
  const rapidjson::SchemaDocument schema(schema_doc);
  rapidjson::SchemaValidator validator(schema);
  if (doc.Accept(validator)) return std::nullopt;
  SchemaViolation v;
  const auto doc_pointer = validator.GetInvalidDocumentPointer();
  v.pointer = pointer_text(doc_pointer);
  const Value* schema_at = validator.GetInvalidSchemaPointer().Get(schema_doc);
  const Value* doc_at = doc_pointer.Get(doc);
  v.message = explain(validator.GetInvalidSchemaKeyword(), schema_at, doc_at, v.pointer);
  return v;
}

}  // namespace llmgw::config
