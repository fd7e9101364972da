// An in-process guardrail for the core's tests: "secret" becomes "[S]", "forbidden" blocks
// (detector "word"); its streams hold back the last 8 bytes of each channel (a "secret" split
// across pieces is still found). Wrapped in a loader::GuardrailInstance as the registry would.
#pragma once

#include <llmgw/plugin.hpp>

#include <map>
#include <memory>
#include <string>

#include "guard/guard_chain.hpp"
#include "loader/kinds.hpp"
#include "loader/registry.hpp"

namespace fake {

inline std::string redact_all(std::string s) {
  for (std::size_t at; (at = s.find("secret")) != std::string::npos;) s.replace(at, 6, "[S]");
  return s;
}

class Guard {
 public:
  Guard(llmgw::Host, std::string_view) {}
  void check(const llmgw_guard_request& request, llmgw::GuardOut& out) const {
    const llmgw::Segments segments(request);
    for (std::size_t i = 0; i < segments.size(); ++i) {
      const std::string_view text = llmgw::view(segments[i].text);
      if (text.find("forbidden") != std::string_view::npos) return out.block(i, "word", "a forbidden word");
      for (std::size_t at = text.find("secret"); at != std::string_view::npos; at = text.find("secret", at + 6))
        out.replace(i, at, 6, "[S]");
    }
  }
  class Stream {
   public:
    void feed(std::size_t channel, const llmgw_segment& piece, llmgw::GuardStreamOut& out) {
      std::string& held = held_[channel];
      held += llmgw::view(piece.text);
      if (held.find("forbidden") != std::string::npos) return out.block(channel, "word", "a forbidden word");
      held = redact_all(held);
      if (held.size() <= 8) return;
      out.emit(channel, held.substr(0, held.size() - 8));
      held.erase(0, held.size() - 8);
    }
    void close(std::size_t channel, llmgw::GuardStreamOut& out) {
      out.emit(channel, redact_all(held_[channel]));
      held_.erase(channel);
    }

   private:
    std::map<std::size_t, std::string> held_;
  };
  std::unique_ptr<Stream> open_stream(const llmgw_guard_request&) const { return std::make_unique<Stream>(); }
};

inline constexpr llmgw_guardrail_vtable kVtable = llmgw::GuardrailHooks<Guard>::vtable();
inline constexpr llmgw_plugin kPlugin = llmgw::guardrail_descriptor("fake-guard", "1", "test", &kVtable);

/// A chain of one fake guard on every alias, both phases.
inline std::unique_ptr<llmgw::guard::GuardChain> chain(bool input = true, bool output = true) {
  auto plugin = std::make_shared<llmgw::loader::LoadedPlugin>();
  plugin->path = "fake";
  plugin->descriptor = &kPlugin;
  plugin->kind = llmgw::loader::find_kind(LLMGW_KIND_GUARDRAIL);
  void* instance = nullptr;
  kVtable.create(nullptr, {"{}", 2}, &instance, nullptr);
  auto c = std::make_unique<llmgw::guard::GuardChain>();
  llmgw::guard::GuardStep step;
  step.instance = std::make_unique<llmgw::loader::GuardrailInstance>(plugin, instance, nullptr);
  step.name = "fake-guard";
  step.input = input;
  step.output = output;
  c->add(std::move(step));
  return c;
}

}  // namespace fake
