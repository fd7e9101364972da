// The shared RapidJSON helpers (plugin_util/json_helpers.hpp) under provider-gemini's names.
#pragma once

#include <plugin_util/json_helpers.hpp>

namespace llmgw::provider_gemini {

using plugin_util::Allocator;
using plugin_util::EncodeError;
using plugin_util::Value;
using plugin_util::Writer;
namespace json = plugin_util::json;

}  // namespace llmgw::provider_gemini
