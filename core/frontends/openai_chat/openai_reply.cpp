#include "frontends/openai_chat/openai_reply.hpp"

#include "frontends/openai_chat/openai_error.hpp"
#include "server/send.hpp"

namespace llmgw::frontends {

void OpenAIReply::error(const canonical::ApiError& error) {
  server::send_error(response_, error, openai_chat::kErrors);
}

void OpenAIReply::json(int status, std::string_view body) {
  server::send_json(response_, status, body);
}

void OpenAIReply::add_header(std::string_view name, std::string_view value) {
  response_.add(name, value);
}

void OpenAIReply::commit_stream() {
  out_ = &server::begin_event_stream(response_);
}

void OpenAIReply::write(std::string_view bytes, bool flush) {
  if (!alive_) return;
  if (!out_) commit_stream();
  out_->write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (flush) out_->flush();
  if (!out_->good()) alive_ = false;
}

void OpenAIReply::stream_raw(std::string_view bytes) { write(bytes, false); }

void OpenAIReply::stream_chunk(std::string_view chunk_json) {
  write("data: ", false);
  write(chunk_json, false);
  write("\n\n", false);
}

void OpenAIReply::flush() {
  if (!out_ || !alive_) return;
  out_->flush();
  if (!out_->good()) alive_ = false;
}

void OpenAIReply::stream_error(const canonical::ApiError& error) {
  // OpenAI reports errors inside a stream as a data event carrying the error object.
  write("data: ", false);
  write(openai_chat::openai_error_body(error), false);
  write("\n\n", false);
  flush();
}

void OpenAIReply::stream_trailer(std::string_view name, std::string_view value) {
  // Its comment line goes now: what comes next is the end marker (raw or stream_end's).
  if (!out_ || !alive_) return;
  response_.set_trailer(name, value);
  write(": ", false);
  write(name, false);
  write(": ", false);
  write(value, false);
  write("\n\n", false);
}

void OpenAIReply::stream_end(bool translated) {
  if (translated) write("data: [DONE]\n\n", false);
  if (!out_ || !alive_) return;
  server::end_event_stream(response_, *out_);
  if (!out_->good()) alive_ = false;
}

std::optional<bool> OpenAIReply::drain_now() {
  if (!alive_) return false;
  const std::optional<bool> sent = response_.drain_now();
  if (!sent) return std::nullopt;
  if (!*sent) alive_ = false;
  return alive_;
}

boost::asio::awaitable<bool> OpenAIReply::drain() {
  if (!alive_) co_return false;
  const bool sent = co_await server::drain(response_);
  if (!sent) alive_ = false;
  co_return alive_;
}

}  // namespace llmgw::frontends
