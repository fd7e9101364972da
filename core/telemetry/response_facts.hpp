// What the request event tells of the answer itself (sdk/EVENTS.md, schema 3; GenAI
// gen_ai.response.id / .model / .finish_reasons): the id and model the upstream named and the
// finish reasons of its choices, read from what reaches the client's Reply, in the upstream
// dialect of the call (OpenAI Chat Completions, canonical included, or Anthropic Messages):
//   whole answer    top-level "id", "model"; "choices"[i]."finish_reason" (OpenAI) or
//                   "stop_reason" (Anthropic)
//   OpenAI chunk    the same, from every chunk ("id" and "model" repeat; one reason per choice
//                   index, the first that is not null)
//   Anthropic SSE   message_start's "message"."id" / ."model", message_delta's
//                   "delta"."stop_reason"
// A walk of the JSON's structure that skips string contents with memchr, no DOM and no
// allocation beyond the values kept. Stream events are pre-filtered so the walk runs only on
// the few that can carry something still missing (message_start and message_delta; OpenAI
// chunks until id and model are known, then only those with a non-null finish_reason).
// Malformed JSON stops the walk: what was read so far stays (these are facts for telemetry,
// never a reason to fail an answer).
#pragma once

#include <llmgw/plugin.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace llmgw::telemetry {

struct ResponseFacts {
  std::string id;     // empty: not seen
  std::string model;  // empty: not seen
  std::vector<std::string> finish_reasons;  // in choice order (by index)

  void clear() {
    id.clear();
    model.clear();
    finish_reasons.clear();
    indexes_.clear();
  }

  /// A whole answer's body (any JSON object of either dialect).
  void read_answer(std::string_view json);
  /// One complete SSE event of a raw stream in `upstream` dialect (its `event:` and `data:`
  /// lines and the blank line after them).
  void read_event(std::string_view event, llmgw_dialect upstream);
  /// One canonical chunk (an OpenAI chat.completion.chunk object).
  void read_chunk(std::string_view chunk_json);

  /// Internal: a choice's finish reason (`index` -1: its position is not known).
  void add_reason(int64_t index, std::string_view reason);

 private:
  std::vector<int64_t> indexes_;  // the choice index of each finish_reasons entry
};

}  // namespace llmgw::telemetry
