// Load-time checks of a plugin descriptor and its kind's vtable (sdk/ABI.md, "Load-time checks").
#pragma once

#include <llmgw/plugin.h>

#include <string>
#include <string_view>
#include <vector>

namespace llmgw::loader::detail {

/// Checks everything the host needs before it may use `descriptor`: abi_major, struct_size,
/// build signature, name, kind, vtable, the kind's REQUIRED hooks (present and within the
/// vtable's struct_size) and, for providers, provider_names and an all-or-nothing stream hook set;
/// for routers, strategy_names.
/// Throws PluginError with one line naming the plugin (`file_label` until the descriptor's name
/// is known) and `path`.
void check_plugin(const llmgw_plugin& descriptor, std::string_view file_label, std::string_view path);

/// "provider", "router", "guardrail", "sink", or "kind <n>".
std::string kind_name(int kind);

/// The words of a space-separated name list ("openai azure  groq" → {openai, azure, groq}).
std::vector<std::string> split_names(const char* names);

/// True when the provider vtable has all four stream hooks within its struct_size.
bool has_stream_hooks(const llmgw_provider_vtable& vtable);

}  // namespace llmgw::loader::detail
