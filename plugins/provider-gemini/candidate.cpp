#include "candidate.hpp"

#include "wire.hpp"

namespace llmgw::provider_gemini {

using namespace json;

CandidateParts read_candidate(const Value& candidate) {
  CandidateParts c;
  if (const Value* i = member(candidate, "index"); i && i->IsInt() && i->GetInt() >= 0) c.index = i->GetInt();
  c.finish_reason = str_member(candidate, "finishReason");
  const Value& parts = get(get(candidate, "content"), "parts");
  if (!parts.IsArray()) return c;
  for (const Value& p : parts.GetArray()) {
    if (!p.IsObject()) continue;
    if (const Value* text = member(p, "text"); text && text->IsString()) {
      const Value* thought = member(p, "thought");
      (thought && thought->IsTrue() ? c.reasoning : c.text) += sv(*text);
    } else if (const Value* fc = member(p, "functionCall"); fc && fc->IsObject()) {
      FunctionCall call;
      call.name = str_member(*fc, "name");
      call.upstream_id = str_member(*fc, "id");
      call.signature = str_member(p, "thoughtSignature");
      const Value* args = member(*fc, "args");
      call.arguments = args ? compact(*args) : "{}";
      c.calls.push_back(std::move(call));
    }
  }
  return c;
}

std::string_view canonical_finish(std::string_view reason, bool called) noexcept {
  const std::string_view f = finish_reason_for(reason);
  return called && f == "stop" ? std::string_view("tool_calls") : f;
}

}  // namespace llmgw::provider_gemini
