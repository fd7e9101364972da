// The plugin's vtable as the core sees it, and a shortcut to scan one text.
#pragma once

#include <llmgw/testing.hpp>

#include <string>
#include <vector>

extern "C" const llmgw_plugin* llmgw_plugin_entry_v1(void);

namespace pii_test {

inline const llmgw_guardrail_vtable& vtable() {
  return *static_cast<const llmgw_guardrail_vtable*>(llmgw_plugin_entry_v1()->vtable);
}

/// The text of one segment after an input check.
inline std::string redacted(llmgw::testing::GuardrailInstance& g, const std::string& text) {
  auto r = g.check({llmgw::testing::TestSegment{text}});
  return r.texts.at(0);
}

}  // namespace pii_test
