// A provider whose encode_request fails inside the plugin (LLMGW_ERROR, as
// llmgw::ProviderHooks returns for an exception it caught), with a line holding a canary text that
// must reach the gateway's log only: integration test encode-failure.test.mjs proves the client
// gets a 500 "provider_encode_failed" in its own dialect without that text, and what the call
// does next (retries and fallbacks). Deployments name it "encodefail/<anything>".
#include <llmgw/plugin.h>

#include <cstring>

namespace {

constexpr const char* kLine = "internal state broken: CANARY-7f3a9 (a plugin detail the client must never see)";

llmgw_status create(const llmgw_host*, llmgw_str, void** instance, const llmgw_writer*) {
  *instance = nullptr;
  return LLMGW_OK;
}

void destroy(void*) {}

llmgw_status encode_request(void*, const llmgw_call*, const llmgw_request_out*, const llmgw_writer* error) {
  error->write(error->ctx, llmgw_str{kLine, std::strlen(kLine)});
  return LLMGW_ERROR;
}

llmgw_status decode_response(void*, const llmgw_call*, const llmgw_upstream_response*, const llmgw_result_out*) {
  return LLMGW_ERROR;  // never reached: nothing is ever sent
}

constexpr llmgw_provider_vtable make_vtable() {
  llmgw_provider_vtable v{};
  v.struct_size = sizeof(llmgw_provider_vtable);
  v.provider_names = "encodefail";
  v.capabilities = LLMGW_CAP_CHAT;
  v.native_dialect = LLMGW_DIALECT_NONE;
  v.create = create;
  v.destroy = destroy;
  v.encode_request = encode_request;
  v.decode_response = decode_response;
  return v;
}

const llmgw_provider_vtable kVtable = make_vtable();
const llmgw_plugin kPlugin = {LLMGW_ABI_MAJOR, LLMGW_ABI_MINOR, sizeof(llmgw_plugin), LLMGW_BUILD_SIGNATURE,
                              LLMGW_KIND_PROVIDER, "provider-test-encode-fails", "0.0.1",
                              "encode_request always fails internally", &kVtable};

}  // namespace

extern "C" LLMGW_EXPORT const llmgw_plugin* llmgw_plugin_entry_v1(void) { return &kPlugin; }
