// Canonical chat.completion.chunk stream → Anthropic Messages SSE events.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <llmgw/json_depth.hpp>

#include "frontends/anthropic_messages/codec_util.hpp"
#include "canonical/api_error.hpp"

namespace llmgw::frontends::anthropic {

/// One per streamed call. Each call appends complete SSE events (`event: NAME\ndata: JSON\n\n`)
/// to `out`, so the caller can flush after every call. Never throws on odd input: a chunk that
/// is not JSON is ignored, missing fields are tolerated. A chunk nested deeper than `max_depth`
/// is refused: chunk() returns false, writes nothing, and refusal() holds the 502 error for the
/// caller to answer (as a whole response when nothing went out yet, else with error()).
///
/// Event sequence: `message_start` (empty content, usage from the first chunk when it has one,
/// else zeros) and `ping` on the first chunk; then content blocks, indexed from 0 in order of
/// appearance, each `content_block_start` / `content_block_delta`… / `content_block_stop`, one
/// open at a time:
///   - `delta.reasoning_content` → a thinking block (thinking_delta); a `thinking_blocks`
///     signature → signature_delta (a later reasoning piece opens a new thinking block); a
///     redacted_thinking entry → a whole redacted_thinking block;
///   - `delta.content` / `delta.refusal` → a text block (text_delta);
///   - each tool call index → its own tool_use block (id, name, input {}), argument pieces →
///     input_json_delta. Anthropic blocks cannot interleave, so while one tool block is open
///     the pieces of other indices are buffered; the open block is closed (and the next
///     buffered one started with its pieces so far) once its arguments form a complete JSON
///     value and another index is waiting — providers that send calls in index order stream
///     live, interleaved ones are reassembled in order. Pieces for a block already closed are
///     dropped (a provider would have to send text between a call's argument pieces).
/// The finish_reason chunk closes the open block and flushes buffered calls; the usage chunk is
/// remembered. `finish()` ends with `message_delta` (stop_reason, stop_sequence, cumulative
/// usage: input_tokens, cache_creation_input_tokens, cache_read_input_tokens, output_tokens)
/// and `message_stop`. After `error()` nothing more is written (Anthropic ends a stream at its
/// error event).
class MessagesStreamEncoder {
 public:
  explicit MessagesStreamEncoder(std::string client_model, unsigned max_depth = llmgw::kJsonMaxDepth);

  /// False when the chunk was refused (nested too deep): see refusal().
  bool chunk(std::string_view canonical_chunk_json, std::string& out);
  /// `before_stop`: bytes written between message_delta and message_stop (an SSE comment line).
  void finish(std::string& out, std::string_view before_stop = {});
  void error(const canonical::ApiError& error, std::string& out);

  bool started() const { return started_; }
  bool finished() const { return finished_; }
  /// The error for the last chunk refused: 502 api_error, code "upstream_json_too_deep".
  const canonical::ApiError& refusal() const { return refusal_; }

 private:
  enum class Block { None, Thinking, Text, Tool };

  // Tracks whether streamed argument text has formed one complete JSON value.
  struct JsonProgress {
    int depth = 0;
    bool opened = false, in_string = false, escape = false;
    void feed(std::string_view s);
    bool complete() const { return opened && depth <= 0 && !in_string; }
  };
  struct ToolCall {
    long long key = 0;         // canonical tool call index
    std::string id, name;
    std::string pending;       // argument pieces not yet sent
    bool started = false, closed = false;
    JsonProgress json;
  };

  void start(std::string_view id, std::string& out);
  void delta(const rapidjson::Value& delta, std::string& out);
  void tool_piece(long long key, std::string_view id, std::string_view name, std::string_view args, std::string& out);
  void advance(std::string& out);
  void drain(std::string& out);
  void open(Block kind, std::string& out);
  void open_tool(std::size_t pos, std::string& out);
  void close(std::string& out);
  void text_delta(const char* delta_type, const char* field, std::string_view text, std::string& out);
  void signature(std::string_view sig, std::string& out);
  void redacted(std::string_view data, std::string& out);

  std::string model_;
  unsigned max_depth_;
  canonical::ApiError refusal_;
  bool started_ = false, finished_ = false;
  Block open_ = Block::None;
  int open_index_ = -1;        // Anthropic index of the open block
  std::size_t open_tool_ = 0;  // position in tools_ when open_ == Tool
  bool thinking_signed_ = false;
  int next_index_ = 0;
  bool any_tool_ = false;
  std::vector<ToolCall> tools_;
  std::string finish_reason_, stop_sequence_;
  detail::Usage usage_;
};

}  // namespace llmgw::frontends::anthropic
