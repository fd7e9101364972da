#include "config/litellm_keys.hpp"

#include <algorithm>
#include <iterator>

namespace llmgw::config::detail {
namespace {

template <std::size_t N>
bool contains(const std::string_view (&keys)[N], std::string_view key) {
  return std::find(std::begin(keys), std::end(keys), key) != std::end(keys);
}

constexpr std::string_view kTopLevel[] = {
    "include",          "credential_list",    "guardrails",      "callback_settings",
    "mcp_servers",      "files_settings",     "finetune_settings", "assistant_settings",
    "vector_store_registry", "search_tools",  "prompts",         "model_group_settings",
};

constexpr std::string_view kLitellmParams[] = {
    "max_retries",       "max_parallel_requests", "input_cost_per_token",
    "output_cost_per_token", "input_cost_per_second", "output_cost_per_second",
    "cache_creation_input_token_cost", "cache_read_input_token_cost", "max_budget",
    "budget_duration",   "mock_response",         "tags",
    "use_in_pass_through", "use_litellm_proxy",   "merge_reasoning_content_in_choices",
    "litellm_credential_name", "configurable_clientside_auth_params", "drop_params",
    "additional_drop_params", "max_file_size_mb", "model_info",
};

constexpr std::string_view kModelInfo[] = {
    "mode", "base_model", "description", "tier", "team_id", "team_public_model_name",
    "access_groups", "db_model", "created_at", "created_by", "updated_at", "updated_by",
    "supported_environments", "health_check_model", "litellm_provider",
    "input_cost_per_token", "output_cost_per_token", "input_cost_per_second",
    "output_cost_per_second", "cache_creation_input_token_cost", "cache_read_input_token_cost",
    "max_tokens", "max_input_tokens", "max_output_tokens", "supports_function_calling",
    "supports_parallel_function_calling", "supports_vision", "supports_response_schema",
    "supports_tool_choice", "supports_prompt_caching", "supports_reasoning",
    "supports_system_messages", "supports_audio_input", "supports_audio_output",
};

constexpr std::string_view kRouterSettings[] = {
    "routing_strategy", "routing_strategy_args", "num_retries", "timeout", "stream_timeout",
    "fallbacks", "context_window_fallbacks", "content_policy_fallbacks", "default_fallbacks",
    "max_fallbacks", "redis_host", "redis_port", "redis_password", "redis_url", "redis_db",
    "cache_responses", "cache_kwargs", "allowed_fails", "allowed_fails_policy", "cooldown_time",
    "disable_cooldowns", "retry_policy", "model_group_retry_policy", "retry_after",
    "enable_pre_call_checks", "optional_pre_call_checks", "default_litellm_params",
    "default_max_parallel_requests", "default_priority", "polling_interval",
    "enable_tag_filtering", "tag_filtering_match_any", "provider_budget_config", "client_ttl",
    "set_verbose", "debug_level",
};

constexpr std::string_view kGeneralSettings[] = {
    "database_url", "database_connection_pool_limit", "database_connection_timeout",
    "database_args", "store_model_in_db", "store_prompts_in_spend_logs", "disable_spend_logs",
    "disable_error_logs", "disable_master_key_return", "disable_reset_budget",
    "disable_adding_master_key_hash_to_db", "disable_prisma_schema_update",
    "disable_retry_on_max_parallel_request_limit_error", "allow_requests_on_db_unavailable",
    "alerting", "alerting_threshold", "alerting_args", "alert_types", "alert_to_webhook_url",
    "spend_report_frequency", "proxy_batch_write_at", "proxy_budget_rescheduler_min_time",
    "proxy_budget_rescheduler_max_time", "background_health_checks", "health_check_interval",
    "health_check_details", "otel", "custom_auth", "custom_auth_settings", "custom_key_generate",
    "custom_sso", "max_parallel_requests", "global_max_parallel_requests",
    "infer_model_from_keys", "allowed_routes", "admin_only_routes", "public_routes",
    "allowed_ips", "enforce_user_param", "enable_jwt_auth", "litellm_jwtauth",
    "enable_oauth2_auth", "forward_openai_org_id", "forward_client_headers_to_llm_api",
    "use_client_credentials_pass_through_routes", "pass_through_endpoints",
    "key_management_system", "key_management_settings", "use_azure_key_vault",
    "use_google_kms", "ui_access_mode", "maximum_spend_logs_retention_period",
    "maximum_spend_logs_retention_interval", "max_request_size_mb", "max_response_size_mb",
    "user_header_name", "use_redis_transaction_buffer", "use_shared_health_check",
    "service_account_settings", "master_key_alias",
};

constexpr std::string_view kProviderParams[] = {
    // credentials and endpoints of particular providers
    "organization", "region_name", "vertex_project", "vertex_location", "vertex_credentials",
    "aws_access_key_id", "aws_secret_access_key", "aws_session_token", "aws_region_name",
    "aws_profile_name", "aws_role_name", "aws_session_name", "aws_web_identity_token",
    "aws_sts_endpoint", "aws_bedrock_runtime_endpoint", "aws_external_id",
    "watsonx_region_name", "azure_ad_token", "tenant_id", "client_id", "client_secret",
    "azure_username", "azure_password", "azure_scope", "api_type",
    // headers and body additions
    "headers", "extra_headers", "extra_body",
    // default request parameters
    "max_tokens", "max_completion_tokens", "temperature", "top_p", "top_k", "stop", "seed", "n",
    "presence_penalty", "frequency_penalty", "logit_bias", "response_format", "reasoning_effort",
    "thinking", "user", "parallel_tool_calls", "tool_choice", "logprobs", "top_logprobs",
    "num_ctx", "keep_alive", "safety_settings",
};

}  // namespace

bool litellm_defines(Section section, std::string_view key) {
  switch (section) {
    case Section::top_level: return contains(kTopLevel, key);
    case Section::litellm_params: return contains(kLitellmParams, key);
    case Section::model_info: return contains(kModelInfo, key);
    case Section::router_settings: return contains(kRouterSettings, key);
    case Section::general_settings: return contains(kGeneralSettings, key);
  }
  return false;
}

bool is_provider_param(std::string_view key) { return contains(kProviderParams, key); }

}  // namespace llmgw::config::detail
