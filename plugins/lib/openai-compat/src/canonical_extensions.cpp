#include <openai_compat/canonical_extensions.hpp>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <llmgw/json_depth.hpp>

namespace llmgw::openai_compat {
namespace {

void drop_cache_control(rapidjson::Value& v) {
  if (v.IsObject()) v.RemoveMember("cache_control");
}

}  // namespace

bool accepts_top_k(std::string_view provider) {
  for (std::string_view p : {"openai", "azure", "azure_ai", "groq", "xai", "deepseek"})
    if (provider == p) return false;
  return true;
}

bool strip_canonical_extensions(std::string_view body, const ExtensionPolicy& policy, std::string& out) {
  out.clear();
  rapidjson::Document doc;
  // Bounded, so that the Accept() walk below is too.
  if (!llmgw::parse_bounded(doc, body).ok() || !doc.IsObject()) return false;
  doc.RemoveMember("thinking");
  doc.RemoveMember("cache_control");
  if (!policy.keep_top_k) doc.RemoveMember("top_k");
  if (auto m = doc.FindMember("messages"); m != doc.MemberEnd() && m->value.IsArray()) {
    for (auto& msg : m->value.GetArray()) {
      if (!msg.IsObject()) continue;
      msg.RemoveMember("thinking_blocks");
      msg.RemoveMember("reasoning_content");
      msg.RemoveMember("is_error");
      drop_cache_control(msg);
      if (auto c = msg.FindMember("content"); c != msg.MemberEnd() && c->value.IsArray())
        for (auto& part : c->value.GetArray()) drop_cache_control(part);
    }
  }
  if (auto t = doc.FindMember("tools"); t != doc.MemberEnd() && t->value.IsArray())
    for (auto& tool : t->value.GetArray()) drop_cache_control(tool);
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  doc.Accept(w);
  out.assign(buf.GetString(), buf.GetSize());
  return true;
}

}  // namespace llmgw::openai_compat
