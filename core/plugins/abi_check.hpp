// Load-time checks of a plugin descriptor and its kind's vtable (sdk/ABI.md, "Load-time checks").
#pragma once

#include <llmgw/plugin.h>

#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace llmgw::plugins::detail {

/// The integer stored in an enum-typed ABI field or argument, read without loading it as the
/// enum (a value a plugin wrote that no enumerator names is UB to load as the enum type).
template <typename Enum>
int raw_enum(const Enum& value) noexcept {
  static_assert(std::is_enum_v<Enum> && sizeof(Enum) == sizeof(int));
  int raw;
  std::memcpy(&raw, &value, sizeof raw);
  return raw;
}

/// Checks everything the host needs before it may use `descriptor`: abi_major, struct_size,
/// build signature, name, kind, vtable, the kind's REQUIRED hooks (present and within the
/// vtable's struct_size) and, for providers, provider_names and an all-or-nothing stream hook set.
/// Throws PluginError with one line naming the plugin (`file_label` until the descriptor's name
/// is known) and `path`.
void check_plugin(const llmgw_plugin& descriptor, std::string_view file_label, std::string_view path);

/// "provider", "router", "guardrail", "sink", or "kind <n>".
std::string kind_name(int kind);

/// The words of a space-separated name list ("openai azure  groq" → {openai, azure, groq}).
std::vector<std::string> split_names(const char* names);

/// True when the provider vtable has all four stream hooks within its struct_size.
bool has_stream_hooks(const llmgw_provider_vtable& vtable);

}  // namespace llmgw::plugins::detail
