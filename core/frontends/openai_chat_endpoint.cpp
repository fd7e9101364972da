#include "frontends/openai_chat_endpoint.hpp"

#include <spdlog/spdlog.h>

#include "frontends/chat_request_scan.hpp"
#include "frontends/openai_reply.hpp"
#include "frontends/client_connection_watch.hpp"
#include "frontends/routing_fields.hpp"
#include "frontends/request_headers.hpp"
#include "observe/access_log.hpp"
#include "server/request.hpp"
#include "server/request_body.hpp"

namespace llmgw::frontends {

boost::asio::awaitable<void> OpenAIChatEndpoint::handle(Poco::Net::HTTPServerRequest& request,
                                       Poco::Net::HTTPServerResponse& response) {
  const observe::AccessTimer timer;
  OpenAIReply reply(response);
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
  ChatRequestInfo info;  // outlives the access record's views
  std::string_view sent = body;  // the body as it goes on: without the client's routing fields
  try {
    std::optional<ApiError> rejected = auth_.check(request);
    if (rejected) rejected->close_connection = true;  // its body is not read: do not reuse the connection
    else rejected = co_await server::read_json_body(request, limits_.max_body_bytes, body);
    if (!rejected) rejected = scan_chat_request(body, info, limits_.max_json_depth);
    if (!rejected) {
      sent = body;
      rejected = take_routing_fields(request, info.routing_fields, sent, cleaned, routing, limits_.max_json_depth);
      if (!rejected && sent.data() == cleaned.data())  // the cut body
        rejected = scan_chat_request(cleaned, info, limits_.max_json_depth);
    }
    const pipeline::Pool* pool = nullptr;
    if (!rejected) {
      record.model = info.model;
      record.stream = info.stream;
      pool = gateway_.pool(info.model);
      if (!pool)
        rejected = ApiError{404, "invalid_request_error", "model_not_found", "model",
                            "The model `" + info.model + "` does not exist or you do not have access to it."};
      else rejected = unknown_fallback(gateway_, routing, "invalid_request_error");
    }
    if (rejected) {
      reply.error(*rejected);
      record.status = rejected->status;
    } else {
      header_views(request, headers);
      pipeline::CallInput input;
      input.dialect = LLMGW_DIALECT_OPENAI_CHAT;
      input.operation = LLMGW_OP_CHAT;
      input.body = sent;
      input.model = info.model;
      input.model_begin = info.model_begin;
      input.model_end = info.model_end;
      input.stream = info.stream;
      input.client_headers = &headers;
      input.client = &client;
      input.context = context.get();
      if (routing.present) input.fallbacks = &routing.fallbacks;
      const pipeline::CallOutcome outcome = co_await gateway_.execute(input, *pool, reply);
      outcome.fill(record);
    }
  } catch (const std::exception& e) {
    spdlog::error("chat completions: unexpected error: {}", e.what());
    if (!reply.committed()) reply.error(ApiError{500, "api_error", "internal_error", "", "internal gateway error"});
    record.status = 500;
  }
  record.latency_us = timer.elapsed_us();
  observe::log_access(record);
}

}  // namespace llmgw::frontends
