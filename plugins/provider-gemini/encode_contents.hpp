// Canonical messages → Gemini `systemInstruction` and `contents`:
//   system / developer         → systemInstruction.parts[{text}] (in order)
//   user                       → {"role": "user", parts}: text → {text}; image_url / file
//                                data: URLs and input_audio → {inlineData {mimeType, data}}
//   assistant                  → {"role": "model", parts}: text, then each tool call as
//                                {functionCall {name, args}} (+ thoughtSignature carried in its id)
//   tool                       → {"role": "user", parts: [{functionResponse {name, response}}]},
//                                the name found through tool_call_id among the earlier
//                                assistant tool calls (else the message's own "name")
// Consecutive contents of the same role are merged into one (parallel results answer
// parallel calls in one turn). thinking_blocks and cache_control are dropped (Gemini has no
// place for them); http(s) image URLs are refused (the plugin cannot fetch them).
#pragma once

#include "json_util.hpp"

namespace llmgw::provider_gemini {

/// Translates canonical `messages` (an array). `system_out` becomes the systemInstruction
/// object or stays null; `contents_out` the contents array (never empty: a conversation of
/// system messages only is refused). Strings are copied into `a`. Throws EncodeError.
void translate_messages(const Value& messages, Value& system_out, Value& contents_out, Allocator& a);

}  // namespace llmgw::provider_gemini
