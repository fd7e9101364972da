#include "schema.hpp"

#include <string_view>

namespace llmgw::provider_gemini {
namespace {

using namespace json;

constexpr const char* kScalarKeys[] = {
    "format", "title", "description", "nullable", "enum", "minItems", "maxItems", "minProperties",
    "maxProperties", "minLength", "maxLength", "pattern", "minimum", "maximum", "default", "example",
    "propertyOrdering", "required"};

/// Nesting (including inlined $refs) beyond which a schema is refused.
constexpr int kMaxDepth = 64;

class Translator {
 public:
  Translator(const Value& root, const std::string& where, Allocator& a) : root_(root), where_(where), a_(a) {}

  Value schema(const Value& s, int depth) {
    if (depth > kMaxDepth) unsupported(where_ + ": the schema nests too deep (or is recursive) for Gemini");
    if (s.IsBool()) {  // true / false schemas: "anything"
      Value any(rapidjson::kObjectType);
      return any;
    }
    if (!s.IsObject()) bad(where_ + ": a schema must be an object");
    if (const Value* r = member(s, "$ref")) return schema(resolve(*r), depth + 1);
    if (const Value* all = member(s, "allOf")) {
      if (!all->IsArray() || all->Size() != 1) unsupported(where_ + ": allOf with more than one schema is not supported by Gemini");
      return schema((*all)[0], depth + 1);
    }

    Value out(rapidjson::kObjectType);
    if (const Value* t = member(s, "type")) type(*t, out, depth);
    for (const char* key : kScalarKeys)
      if (const Value* v = member(s, key)) out.AddMember(rapidjson::StringRef(key), Value(*v, a_), a_);
    if (const Value* c = member(s, "const"); c && !out.HasMember("enum")) {
      Value e(rapidjson::kArrayType);
      e.PushBack(Value(*c, a_), a_);
      out.AddMember("enum", e, a_);
    }
    if (const Value* p = member(s, "properties")) {
      if (!p->IsObject()) bad(where_ + ": properties must be an object");
      Value props(rapidjson::kObjectType);
      for (auto& m : p->GetObject()) props.AddMember(Value(m.name, a_), schema(m.value, depth + 1), a_);
      out.AddMember("properties", props, a_);
    }
    if (const Value* items = member(s, "items")) out.AddMember("items", schema(*items, depth + 1), a_);
    const Value* any = member(s, "anyOf");
    if (!any) any = member(s, "oneOf");
    if (any) {
      if (!any->IsArray()) bad(where_ + ": anyOf must be an array");
      Value list(rapidjson::kArrayType);
      for (auto& v : any->GetArray()) {
        // {"type": "null"} alternatives become nullable.
        if (v.IsObject() && str_member(v, "type") == "null" && v.MemberCount() == 1) {
          if (!out.HasMember("nullable")) out.AddMember("nullable", true, a_);
          continue;
        }
        list.PushBack(schema(v, depth + 1), a_);
      }
      if (list.Size() == 1 && !out.HasMember("type")) {
        Value& only = list[0];
        for (rapidjson::SizeType k = 0; k < only.MemberCount(); ++k) {
          auto m = only.MemberBegin() + k;
          if (!out.HasMember(m->name)) out.AddMember(m->name, m->value, a_);
        }
      } else if (!list.Empty()) {
        out.AddMember("anyOf", list, a_);
      }
    }
    return out;
  }

 private:
  /// "type": "string" | ["string", "null"] | ["string", "integer"].
  void type(const Value& t, Value& out, int depth) {
    (void)depth;
    if (t.IsString()) {
      out.AddMember("type", Value(t, a_), a_);
      return;
    }
    if (!t.IsArray()) bad(where_ + ": type must be a string or an array of strings");
    Value kinds(rapidjson::kArrayType);
    bool nullable = false;
    for (auto& k : t.GetArray()) {
      if (!k.IsString()) bad(where_ + ": type must be a string or an array of strings");
      if (sv(k) == "null") nullable = true;
      else kinds.PushBack(Value(k, a_), a_);
    }
    if (nullable) out.AddMember("nullable", true, a_);
    if (kinds.Size() == 1) {
      out.AddMember("type", kinds[0], a_);
    } else if (kinds.Size() > 1) {
      Value list(rapidjson::kArrayType);
      for (auto& k : kinds.GetArray()) {
        Value alt(rapidjson::kObjectType);
        alt.AddMember("type", k, a_);
        list.PushBack(alt, a_);
      }
      out.AddMember("anyOf", list, a_);
    }
  }

  const Value& resolve(const Value& r) {
    const std::string_view path = sv(r);
    for (std::string_view prefix : {std::string_view("#/$defs/"), std::string_view("#/definitions/")}) {
      if (!path.starts_with(prefix)) continue;
      const std::string name(path.substr(prefix.size()));
      const Value* defs = member(root_, prefix == "#/$defs/" ? "$defs" : "definitions");
      const Value* target = defs ? member(*defs, name.c_str()) : nullptr;
      if (target) return *target;
      break;
    }
    if (path == "#") return root_;
    unsupported(where_ + ": $ref '" + std::string(path) + "' cannot be resolved for Gemini");
  }

  const Value& root_;
  const std::string& where_;
  Allocator& a_;
};

}  // namespace

Value gemini_schema(const Value& schema, const std::string& where, Allocator& a) {
  Translator t(schema, where, a);
  return t.schema(schema, 0);
}

}  // namespace llmgw::provider_gemini
