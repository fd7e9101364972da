#include "frontends/anthropic_messages/stream_encoder.hpp"

#include <rapidjson/document.h>

#include <llmgw/plugin.h>

#include "frontends/anthropic_messages/anthropic_error.hpp"
#include "util/json_escape.hpp"

namespace llmgw::frontends::anthropic {
namespace {

using detail::member;
using detail::string_member;
using rapidjson::Value;
using util::append_json_string;

void begin_event(std::string& out, std::string_view name) {
  out += "event: ";
  out += name;
  out += "\ndata: ";
}
void end_event(std::string& out) { out += "\n\n"; }

void usage_json(std::string& out, const detail::Usage& u) {
  out += "{\"input_tokens\":";
  out += std::to_string(u.input_tokens());
  out += ",\"cache_creation_input_tokens\":";
  out += std::to_string(u.cache_creation());
  out += ",\"cache_read_input_tokens\":";
  out += std::to_string(u.cache_read());
  out += ",\"output_tokens\":";
  out += std::to_string(u.output_tokens());
  out += '}';
}

void block_event_head(std::string& out, const char* event, int index) {
  begin_event(out, event);
  out += "{\"type\":\"";
  out += event;
  out += "\",\"index\":";
  out += std::to_string(index);
}

}  // namespace

void MessagesStreamEncoder::JsonProgress::feed(std::string_view s) {
  for (char c : s) {
    if (in_string) {
      if (escape) escape = false;
      else if (c == '\\') escape = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
      opened = true;
    } else if (c == '{' || c == '[') {
      ++depth;
      opened = true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
}

MessagesStreamEncoder::MessagesStreamEncoder(std::string client_model, unsigned max_depth)
    : model_(std::move(client_model)), max_depth_(max_depth) {}

bool MessagesStreamEncoder::chunk(std::string_view json, std::string& out) {
  if (finished_) return true;
  // Chunks are small: parse into stack buffers, falling back to the heap for big ones.
  char value_buffer[8192], stack_buffer[2048], reader_buffer[1024];
  rapidjson::MemoryPoolAllocator<> value_alloc(value_buffer, sizeof value_buffer);
  rapidjson::MemoryPoolAllocator<> stack_alloc(stack_buffer, sizeof stack_buffer);
  rapidjson::MemoryPoolAllocator<> reader_alloc(reader_buffer, sizeof reader_buffer);
  rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>, rapidjson::MemoryPoolAllocator<>> doc(
      &value_alloc, sizeof stack_buffer / 2, &stack_alloc);
  const llmgw::JsonResult parsed = llmgw::parse_bounded(doc, json, max_depth_, &reader_alloc);
  if (parsed.too_deep()) {
    refusal_ = canonical::ApiError{502, "api_error", "upstream_json_too_deep", "",
                        "The upstream stream could not be read: an event nests arrays and objects deeper than " +
                            std::to_string(max_depth_) + " levels"};
    refusal_.error_class = LLMGW_ERR_BAD_RESPONSE;
    return false;
  }
  if (!parsed || !doc.IsObject()) return true;

  if (const Value* u = member(doc, "usage")) usage_.read(*u);
  if (!started_) start(string_member(doc, "id"), out);
  const Value* choices = member(doc, "choices");
  if (!choices || !choices->IsArray() || choices->Empty()) return true;
  const Value& choice = (*choices)[0];  // Anthropic messages have one choice
  if (const Value* d = member(choice, "delta")) delta(*d, out);
  if (std::string_view seq = string_member(choice, "stop_sequence"); !seq.empty()) stop_sequence_.assign(seq);
  if (std::string_view fr = string_member(choice, "finish_reason"); !fr.empty()) {
    finish_reason_.assign(fr);
    drain(out);
  }
  return true;
}

void MessagesStreamEncoder::finish(std::string& out, std::string_view before_stop) {
  if (finished_) return;
  if (!started_) start({}, out);
  drain(out);
  std::string_view reason = detail::stop_reason(finish_reason_, !stop_sequence_.empty());
  if (reason == "end_turn" && any_tool_) reason = "tool_use";  // some upstreams say "stop" after tool calls
  begin_event(out, "message_delta");
  out += "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":";
  append_json_string(out, reason);
  out += ",\"stop_sequence\":";
  if (reason == "stop_sequence") append_json_string(out, stop_sequence_); else out += "null";
  out += "},\"usage\":";
  if (usage_.seen) usage_json(out, usage_);
  else out += "{\"output_tokens\":0}";
  out += '}';
  end_event(out);
  out += before_stop;
  begin_event(out, "message_stop");
  out += "{\"type\":\"message_stop\"}";
  end_event(out);
  finished_ = true;
}

void MessagesStreamEncoder::error(const canonical::ApiError& e, std::string& out) {
  if (finished_) return;
  begin_event(out, "error");
  out += anthropic_error_body(e);
  end_event(out);
  finished_ = true;
}

void MessagesStreamEncoder::start(std::string_view id, std::string& out) {
  started_ = true;
  begin_event(out, "message_start");
  out += "{\"type\":\"message_start\",\"message\":{\"id\":";
  append_json_string(out, detail::message_id(id));
  out += ",\"type\":\"message\",\"role\":\"assistant\",\"model\":";
  append_json_string(out, model_);
  out += ",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":";
  usage_json(out, usage_);
  out += "}}";
  end_event(out);
  begin_event(out, "ping");
  out += "{\"type\":\"ping\"}";
  end_event(out);
}

void MessagesStreamEncoder::delta(const Value& d, std::string& out) {
  std::string_view reasoning = string_member(d, "reasoning_content");
  if (!reasoning.empty()) {
    if (open_ != Block::Thinking || thinking_signed_) open(Block::Thinking, out);
    text_delta("thinking_delta", "thinking", reasoning, out);
  }
  if (const Value* blocks = member(d, "thinking_blocks"); blocks && blocks->IsArray()) {
    for (const Value& b : blocks->GetArray()) {
      if (string_member(b, "type") == "redacted_thinking") {
        redacted(string_member(b, "data"), out);
        continue;
      }
      // Some decoders repeat the text of reasoning_content here: use it only when alone.
      if (std::string_view t = string_member(b, "thinking"); !t.empty() && reasoning.empty()) {
        if (open_ != Block::Thinking || thinking_signed_) open(Block::Thinking, out);
        text_delta("thinking_delta", "thinking", t, out);
      }
      if (std::string_view sig = string_member(b, "signature"); !sig.empty()) signature(sig, out);
    }
  }
  for (const char* field : {"content", "refusal"}) {
    if (std::string_view text = string_member(d, field); !text.empty()) {
      if (open_ != Block::Text) open(Block::Text, out);
      text_delta("text_delta", "text", text, out);
    }
  }
  if (const Value* calls = member(d, "tool_calls"); calls && calls->IsArray()) {
    for (rapidjson::SizeType i = 0; i < calls->Size(); ++i) {
      const Value& c = (*calls)[i];
      if (!c.IsObject()) continue;
      const Value* idx = member(c, "index");
      long long key = idx && idx->IsInt64() ? idx->GetInt64() : static_cast<long long>(i);
      const Value* fn = member(c, "function");
      tool_piece(key, string_member(c, "id"), fn ? string_member(*fn, "name") : std::string_view(),
                 fn ? string_member(*fn, "arguments") : std::string_view(), out);
    }
  }
}

void MessagesStreamEncoder::tool_piece(long long key, std::string_view id, std::string_view name, std::string_view args,
                                       std::string& out) {
  std::size_t pos = 0;
  while (pos < tools_.size() && tools_[pos].key != key) ++pos;
  if (pos == tools_.size()) {
    tools_.emplace_back();
    tools_.back().key = key;
  }
  ToolCall& t = tools_[pos];
  if (t.id.empty()) t.id.assign(id);
  if (t.name.empty()) t.name.assign(name);
  if (t.closed) return;  // cannot reopen a block (see the header)
  t.json.feed(args);
  if (open_ == Block::Tool && open_tool_ == pos) {
    if (!args.empty()) text_delta("input_json_delta", "partial_json", args, out);
  } else {
    t.pending.append(args);
  }
  advance(out);
}

void MessagesStreamEncoder::advance(std::string& out) {
  for (;;) {
    if (open_ == Block::Tool && !tools_[open_tool_].json.complete()) return;
    std::size_t next = 0;
    while (next < tools_.size() && tools_[next].started) ++next;
    if (next == tools_.size()) return;
    open_tool(next, out);
  }
}

void MessagesStreamEncoder::drain(std::string& out) {
  close(out);
  for (std::size_t i = 0; i < tools_.size(); ++i) {
    if (tools_[i].started) continue;
    open_tool(i, out);
    close(out);
  }
}

void MessagesStreamEncoder::open(Block kind, std::string& out) {
  close(out);
  open_ = kind;
  open_index_ = next_index_++;
  thinking_signed_ = false;
  block_event_head(out, "content_block_start", open_index_);
  out += kind == Block::Thinking ? ",\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}"
                                 : ",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}";
  end_event(out);
}

void MessagesStreamEncoder::open_tool(std::size_t pos, std::string& out) {
  close(out);
  ToolCall& t = tools_[pos];
  t.started = any_tool_ = true;
  open_ = Block::Tool;
  open_tool_ = pos;
  open_index_ = next_index_++;
  block_event_head(out, "content_block_start", open_index_);
  out += ",\"content_block\":{\"type\":\"tool_use\",\"id\":";
  append_json_string(out, t.id.empty() ? "toolu_llmgw_" + std::to_string(t.key) : t.id);
  out += ",\"name\":";
  append_json_string(out, t.name);
  out += ",\"input\":{}}}";
  end_event(out);
  if (!t.pending.empty()) {
    text_delta("input_json_delta", "partial_json", t.pending, out);
    t.pending.clear();
    t.pending.shrink_to_fit();
  }
}

void MessagesStreamEncoder::close(std::string& out) {
  if (open_ == Block::None) return;
  if (open_ == Block::Tool) tools_[open_tool_].closed = true;
  block_event_head(out, "content_block_stop", open_index_);
  out += '}';
  end_event(out);
  open_ = Block::None;
}

void MessagesStreamEncoder::text_delta(const char* delta_type, const char* field, std::string_view text, std::string& out) {
  block_event_head(out, "content_block_delta", open_index_);
  out += ",\"delta\":{\"type\":\"";
  out += delta_type;
  out += "\",\"";
  out += field;
  out += "\":";
  append_json_string(out, text);
  out += "}}";
  end_event(out);
}

void MessagesStreamEncoder::signature(std::string_view sig, std::string& out) {
  if (open_ != Block::Thinking || thinking_signed_) open(Block::Thinking, out);
  text_delta("signature_delta", "signature", sig, out);
  thinking_signed_ = true;
}

void MessagesStreamEncoder::redacted(std::string_view data, std::string& out) {
  close(out);
  int index = next_index_++;
  block_event_head(out, "content_block_start", index);
  out += ",\"content_block\":{\"type\":\"redacted_thinking\",\"data\":";
  append_json_string(out, data);
  out += "}}";
  end_event(out);
  block_event_head(out, "content_block_stop", index);
  out += '}';
  end_event(out);
}

}  // namespace llmgw::frontends::anthropic
