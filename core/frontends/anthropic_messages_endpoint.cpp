#include "frontends/anthropic_messages_endpoint.hpp"

#include <spdlog/spdlog.h>

#include "frontends/anthropic/messages_request_scan.hpp"
#include "frontends/anthropic/to_canonical_request.hpp"
#include "frontends/anthropic_reply.hpp"
#include "frontends/client_connection_watch.hpp"
#include "frontends/routing_fields.hpp"
#include "frontends/request_headers.hpp"
#include "observe/access_log.hpp"
#include "server/request.hpp"
#include "server/request_body.hpp"
#include "server/responses.hpp"

namespace llmgw::frontends {
namespace {

/// `ctx`: the endpoint's RequestLimits.
std::optional<ApiError> to_canonical(const void* ctx, std::string_view body, std::string_view upstream_model,
                                     std::string& out) {
  return anthropic::to_canonical_request(body, upstream_model, out, static_cast<const RequestLimits*>(ctx)->max_json_depth);
}

/// count_tokens for an upstream that cannot count Anthropic requests: an estimate of about four
/// bytes of request JSON per token (clients use it for context budgeting, not billing).
std::string estimated_count(std::string_view body) {
  return "{\"input_tokens\":" + std::to_string((body.size() + 3) / 4) + "}";
}

}  // namespace

boost::asio::awaitable<void> AnthropicMessagesEndpoint::handle(Poco::Net::HTTPServerRequest& request,
                                       Poco::Net::HTTPServerResponse& response) {
  const observe::AccessTimer timer;
  observe::AccessRecord record;
  record.method = request.getMethod();
  record.path = request.getURI();
  // The call's buffers, reused from call to call on this loop (never per thread: calls interleave).
  pipeline::CallContextPtr context = pipeline::acquire_call_context();
  std::string& body = context->client_body;
  std::vector<llmgw_header>& headers = context->client_headers;
  std::string& cleaned = context->cleaned_body;
  RoutingFields routing;
  ClientConnectionWatch client(server::client_io(request));
  anthropic::MessagesRequestInfo info;  // outlives the access record's views
  std::string_view sent = body;  // the body as it goes on: without the client's routing fields
  try {
    std::optional<ApiError> rejected = auth_.check(request);
    if (rejected) rejected->close_connection = true;  // its body is not read
    else rejected = co_await server::read_json_body(request, limits_.max_body_bytes, body);
    const anthropic::ScanOptions scan_options{kind_ == Kind::Messages, limits_.max_json_depth};
    if (!rejected) rejected = anthropic::scan_messages_request(body, info, scan_options);
    if (!rejected) {
      sent = body;
      rejected = take_routing_fields(request, info.routing_fields, sent, cleaned, routing, limits_.max_json_depth);
      if (!rejected && sent.data() == cleaned.data())  // the cut body
        rejected = anthropic::scan_messages_request(cleaned, info, scan_options);
    }
    const pipeline::Pool* pool = nullptr;
    if (!rejected) {
      record.model = info.model;
      record.stream = info.stream;
      pool = gateway_.pool(info.model);
      if (!pool) rejected = ApiError{404, "not_found_error", "model_not_found", "model", "model: " + info.model};
      else rejected = unknown_fallback(gateway_, routing, "invalid_request_error");
    }
    if (rejected) {
      server::send_error(response, *rejected, server::ErrorDialect::Anthropic);
      record.status = rejected->status;
    } else if (kind_ == Kind::CountTokens &&
               pool->front()->provider->vtable().native_dialect != LLMGW_DIALECT_ANTHROPIC_MESSAGES) {
      server::send_json(response, 200, estimated_count(sent));
      record.status = 200;
    } else {
      header_views(request, headers);
      AnthropicReply reply(response, info.model, limits_.max_json_depth);
      pipeline::CallInput input;
      input.dialect = LLMGW_DIALECT_ANTHROPIC_MESSAGES;
      input.operation = kind_ == Kind::Messages ? LLMGW_OP_CHAT : LLMGW_OP_COUNT_TOKENS;
      input.body = sent;
      input.model = info.model;
      input.model_begin = info.model_begin;
      input.model_end = info.model_end;
      input.stream = kind_ == Kind::Messages && info.stream;
      input.to_canonical = &to_canonical;
      input.to_canonical_ctx = &limits_;
      input.client_headers = &headers;
      input.client = &client;
      input.context = context.get();
      if (routing.present) input.fallbacks = &routing.fallbacks;
      const pipeline::CallOutcome outcome = co_await gateway_.execute(input, *pool, reply);
      outcome.fill(record);
    }
  } catch (const std::exception& e) {
    spdlog::error("messages: unexpected error: {}", e.what());
    if (!response.sent())
      server::send_error(response, ApiError{500, "api_error", "internal_error", "", "internal gateway error"},
                         server::ErrorDialect::Anthropic);
    record.status = 500;
  }
  record.latency_us = timer.elapsed_us();
  observe::log_access(record);
}

}  // namespace llmgw::frontends
