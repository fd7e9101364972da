#include "frontends/anthropic_messages/anthropic_reply.hpp"

#include "frontends/anthropic_messages/anthropic_error.hpp"
#include "frontends/anthropic_messages/from_canonical_response.hpp"
#include "server/send.hpp"

namespace llmgw::frontends {

void AnthropicReply::error(const canonical::ApiError& error) {
  server::send_error(response_, error, anthropic::kErrors);
}

void AnthropicReply::json(int status, std::string_view body) {
  if (!translate_) return server::send_json(response_, status, body);
  std::string message;
  if (auto failed = anthropic::from_canonical_response(body, client_model_, message, max_json_depth_))
    return error(*failed);
  server::send_json(response_, status, message);
}

void AnthropicReply::add_header(std::string_view name, std::string_view value) {
  response_.add(name, value);
}

void AnthropicReply::write(std::string_view bytes) {
  if (!alive_ || refused_ || bytes.empty()) return;
  if (!out_) out_ = &server::begin_event_stream(response_);
  out_->write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out_->good()) alive_ = false;
}

void AnthropicReply::flush() {
  if (refused_) return;
  write(events_);
  events_.clear();
  if (!out_ || !alive_) return;
  out_->flush();
  if (!out_->good()) alive_ = false;
}

void AnthropicReply::refuse() {
  if (refused_) return;
  if (!out_ && events_.empty() && !encoder_.started()) {
    // Nothing went out yet: a whole error response, with its status.
    server::send_error(response_, encoder_.refusal(), anthropic::kErrors);
  } else {
    encoder_.error(encoder_.refusal(), events_);
    flush();
  }
  refused_ = true;
}

void AnthropicReply::stream_raw(std::string_view bytes) {
  if (refused_) return;
  if (!translate_) {
    write(events_);  // keep order with anything encoded before
    events_.clear();
    return write(bytes);
  }
  // Canonical SSE ("data: {chunk}" … "data: [DONE]") from an OpenAI-shaped upstream.
  bool refused = false;
  auto on_data = [this, &refused](std::string_view data) {
    if (data != "[DONE]" && !encoder_.chunk(data, events_)) refused = true;
    return !refused;
  };
  framer_.feed(bytes, on_data);
  if (refused) refuse();
}

void AnthropicReply::stream_chunk(std::string_view chunk_json) {
  if (refused_) return;
  if (!encoder_.chunk(chunk_json, events_)) refuse();
}

void AnthropicReply::stream_error(const canonical::ApiError& error) {
  if (refused_) return;
  if (translate_ || encoder_.started()) {
    encoder_.error(error, events_);
  } else {
    events_ += "event: error\ndata: ";
    events_ += anthropic::anthropic_error_body(error);
    events_ += "\n\n";
  }
  flush();
}

void AnthropicReply::stream_trailer(std::string_view name, std::string_view value) {
  if (refused_) return;
  response_.set_trailer(name, value);
  std::string& note = translate_ && !encoder_.finished() ? note_ : events_;
  note.append(": ").append(name).append(": ").append(value).append("\n\n");
}

void AnthropicReply::stream_end(bool) {
  if (refused_) return;  // its error ended the stream
  // finish() also completes a stream that never produced a chunk (a valid empty message); a
  // trailer's comment line goes in just before its message_stop.
  if (translate_ && !encoder_.finished()) encoder_.finish(events_, note_);
  write(events_);
  events_.clear();
  if (!out_ || !alive_) return;
  server::end_event_stream(response_, *out_);
  if (!out_->good()) alive_ = false;
}

std::optional<bool> AnthropicReply::drain_now() {
  if (!alive_) return false;
  const std::optional<bool> sent = response_.drain_now();
  if (!sent) return std::nullopt;
  if (!*sent) alive_ = false;
  return alive_;
}

boost::asio::awaitable<bool> AnthropicReply::drain() {
  if (!alive_) co_return false;
  const bool sent = co_await server::drain(response_);
  if (!sent) alive_ = false;
  co_return alive_;
}

}  // namespace llmgw::frontends
