// The loader's accept / refuse cases, against the fixture plugins built by tests/abi/CMakeLists.txt.
#include <catch2/catch.hpp>

#include "observe/counters.hpp"
#include "loader/registry.hpp"

#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using llmgw::observe::Counters;
using llmgw::loader::PluginError;
using llmgw::loader::Registry;
using Catch::Matchers::Contains;

namespace {

const std::string kDir = LLMGW_ABI_FIXTURES_DIR;

std::string fixture(const std::string& name) { return kDir + "/" + name + ".so"; }

// Loads a fixture and returns the refusal ("" when it loaded). Every refusal is one line.
std::string load_error(Registry& registry, const std::string& name) {
  try {
    registry.load(fixture(name), "", {});
    return "";
  } catch (const PluginError& e) {
    const std::string message = e.what();
    CHECK(message.find('\n') == std::string::npos);
    return message;
  }
}

std::string refusal(const std::string& name) {
  Registry registry;
  std::string message = load_error(registry, name);
  INFO(name);
  CHECK_THAT(message, Contains("plugin ") && Contains(fixture(name)));
  return message;
}

}  // namespace

TEST_CASE("a good provider loads with its checked descriptor") {
  Registry registry;
  const auto& plugin = registry.load(fixture("fixture-good"), "", {});
  CHECK(plugin.path == fs::canonical(fixture("fixture-good")).string());
  CHECK(plugin.name() == "fixture-good");
  CHECK(plugin.descriptor->abi_major == LLMGW_ABI_MAJOR);
  REQUIRE(plugin.provider() != nullptr);
  CHECK(plugin.names == std::vector<std::string>{"fixture-good", "fixture-alias"});
  CHECK(registry.provider_for("fixture-alias").get() == &plugin);
  CHECK(registry.provider_for("nope") == nullptr);
  CHECK(registry.find("fixture-good").get() == &plugin);
}

TEST_CASE("bare names, relative paths and one library loaded once") {
  const std::string parent = fs::path(kDir).parent_path().string();
  const std::string dir_name = fs::path(kDir).filename().string();
  Registry registry;
  const auto* by_path = &registry.load(fixture("fixture-good"), "", {});
  CHECK(&registry.load("fixture-good", "", {"/nonexistent", kDir}) == by_path);
  CHECK(&registry.load("fixture-good.so", parent, {dir_name}) == by_path);
  CHECK(&registry.load(dir_name + "/fixture-good.so", parent, {}) == by_path);

  const fs::path link = fs::temp_directory_path() / "llmgw-abi-link.so";
  fs::remove(link);
  fs::create_symlink(fixture("fixture-good"), link);
  CHECK(&registry.load(link.string(), "", {}) == by_path);
  fs::remove(link);
  CHECK(registry.plugins().size() == 1);
}

TEST_CASE("a missing file names the plugin, the path and the directories searched") {
  Registry registry;
  CHECK_THROWS_WITH(registry.load("provider-x", "/base", {"/a", "b"}),
                    "plugin provider-x: no such file provider-x.so (searched: /a, /base/b)");
  CHECK_THROWS_WITH(registry.load("plugins/provider-x.so", "/base", {}),
                    "plugin provider-x: no such file /base/plugins/provider-x.so");
  CHECK_THROWS_WITH(registry.load("provider-x", "", {}), Contains("no plugin directories configured"));
}

TEST_CASE("refused: a different abi_major, naming both versions") {
  CHECK_THAT(refusal("fixture-abi2"),
             Contains("plugin fixture-abi2 (" + fixture("fixture-abi2") +
                      ") was built for ABI 2.0, this gateway speaks ABI 1." + std::to_string(LLMGW_ABI_MINOR)));
}

TEST_CASE("refused: a library that is not a loadable llmgw plugin") {
  CHECK_THAT(refusal("fixture-signature"),
             Contains("build signature \"llmgw-abi1:p4s4:be\"") && Contains(LLMGW_BUILD_SIGNATURE));
  CHECK_THAT(refusal("fixture-no-entry"), Contains("no entry symbol llmgw_plugin_entry_v1"));
  CHECK_THAT(refusal("fixture-entry-null"), Contains("returned NULL: the plugin refused to load"));
  CHECK_THAT(refusal("fixture-undefined"),
             Contains("cannot load") && Contains("llmgw_fixture_symbol_nobody_defines"));

  const fs::path garbage = fs::temp_directory_path() / "llmgw-abi-garbage.so";
  std::ofstream(garbage) << "not an ELF file";
  Registry registry;
  CHECK_THROWS_WITH(registry.load(garbage.string(), "", {}),
                    Contains("plugin llmgw-abi-garbage (") && Contains("cannot load"));
  fs::remove(garbage);
}

TEST_CASE("refused: descriptor too small, unknown kind, no vtable") {
  CHECK_THAT(refusal("fixture-small-descriptor"), Contains("descriptor struct_size"));
  CHECK_THAT(refusal("fixture-unknown-kind"), Contains("unknown kind 9"));
  CHECK_THAT(refusal("fixture-null-vtable"), Contains("provider vtable is NULL"));
}

TEST_CASE("refused: required provider hooks missing or outside the vtable") {
  CHECK_THAT(refusal("fixture-no-encode"), Contains("missing required hooks: encode_request (NULL)"));
  CHECK_THAT(refusal("fixture-small-vtable"),
             Contains("missing required hooks: decode_response (beyond its struct_size"));
  CHECK_THAT(refusal("fixture-no-names"), Contains("provider_names is empty"));
}

TEST_CASE("refused: stream hooks must come as a set, and with LLMGW_CAP_STREAM") {
  CHECK_THAT(refusal("fixture-partial-stream"),
             Contains("partial stream hooks: stream_open, stream_feed, stream_destroy set but "
                      "stream_close NULL"));
  CHECK_THAT(refusal("fixture-stream-cap"), Contains("LLMGW_CAP_STREAM but the stream hooks are NULL"));
}

TEST_CASE("accepted: a table that ends before the optional hooks (an older minor)") {
  Registry registry;
  REQUIRE(load_error(registry, "fixture-old-vtable").empty());
  auto provider = registry.create_provider("old", "{}", "old#0");
  CHECK_FALSE(provider->has_stream());
}

TEST_CASE("accepted: a plugin of a later minor with larger tables") {
  Registry registry;
  REQUIRE(load_error(registry, "fixture-future").empty());
  const auto plugin = registry.find("fixture-future");
  CHECK(plugin->descriptor->abi_minor == 7);
  CHECK(plugin->descriptor->struct_size > sizeof(llmgw_plugin));
  CHECK(plugin->provider()->struct_size > sizeof(llmgw_provider_vtable));
  // Its create() checks the host table's struct_size before calling the 1.7 host function.
  auto provider = registry.create_provider("future", "{}", "future#0");
  CHECK(provider->has_stream());
}

TEST_CASE("refused: a second plugin with a taken name or provider name") {
  Registry registry;
  REQUIRE(load_error(registry, "fixture-good").empty());
  CHECK_THAT(load_error(registry, "fixture-same-name"),
             Contains("plugin name fixture-good is already used by " + fixture("fixture-good")));
  CHECK_THAT(load_error(registry, "fixture-same-provider"),
             Contains("plugin fixture-same-provider (") &&
                 Contains("provider name fixture-alias is already served by plugin fixture-good"));
  CHECK(registry.plugins().size() == 1);
}

TEST_CASE("other kinds: their required hooks are checked too") {
  Registry registry;
  CHECK(load_error(registry, "fixture-router").empty());
  CHECK_THAT(load_error(registry, "fixture-sink-no-emit"),
             Contains("sink vtable is missing required hooks: emit (NULL)"));
  CHECK(registry.provider_for("fixture-strategy") == nullptr);
}

TEST_CASE("sinks are served (ABI 1.1): loaded, and created by descriptor name") {
  Registry registry;
  CHECK(load_error(registry, "fixture-sink").empty());
  auto sink = registry.create_sink("fixture-sink", "{}", "sinks[0]");
  REQUIRE(sink);
  CHECK(sink->vtable().emit != nullptr);
  CHECK_THROWS_WITH(registry.create_sink("nope", "{}", "sinks[1] (line 9)"),
                    "sinks[1] (line 9): no loaded sink plugin is named 'nope' (loaded sinks: fixture-sink; "
                    "add it under plugins.load)");
}

TEST_CASE("accepted: a guardrail plugin (served since ABI 1.1), created by its name") {
  Registry registry;
  REQUIRE(load_error(registry, "fixture-guardrail").empty());
  auto guard = registry.create_guardrail("fixture-guardrail", "{}");
  REQUIRE(guard);
  CHECK_FALSE(guard->has_stream());
  CHECK_THROWS_WITH(registry.create_guardrail("nope", "{}"),
                    "guardrail nope: no loaded guardrail plugin has that name (loaded: fixture-guardrail)");
  CHECK_THAT(load_error(registry, "fixture-guardrail-no-check"),
             Contains("guardrail vtable is missing required hooks: check (NULL)"));
}

TEST_CASE("create_provider: instances, errors, and libraries kept loaded") {
  std::unique_ptr<llmgw::loader::ProviderInstance> provider;
  {
    Registry registry;
    registry.load(fixture("fixture-good"), "", {});
    CHECK_THROWS_WITH(registry.create_provider("fixture-good", R"({"fail": true})", "gpt-4o#0"),
                      "plugin fixture-good: deployment gpt-4o#0: api_key is missing "
                      "(set litellm_params.api_key)");
    CHECK_THROWS_WITH(registry.create_provider("nope", "{}", "x#0"),
                      "deployment x#0: no loaded plugin serves provider 'nope' "
                      "(served: fixture-good, fixture-alias)");
    provider = registry.create_provider("fixture-alias", "{}", "gpt-4o#0");
  }
  // The registry is gone; the instance still holds its library.
  REQUIRE(provider);
  CHECK(provider->has_stream());
  CHECK(provider->plugin().name() == "fixture-good");
  std::string url;
  llmgw_request_out out{};
  out.struct_size = sizeof(out);
  out.ctx = &url;
  out.set_url = [](void* ctx, llmgw_str u) { static_cast<std::string*>(ctx)->assign(u.ptr, u.len); };
  out.use_call_body = [](void*) {};
  llmgw_call call{};
  call.struct_size = sizeof(call);
  CHECK(provider->vtable().encode_request(provider->instance(), &call, &out, nullptr) == LLMGW_OK);
  CHECK(url == "http://fixture.invalid/v1/chat/completions");
}

TEST_CASE("frozen headers of released minors still load") {
  Registry registry;
  for (const auto& entry : fs::directory_iterator(kDir)) {
    const std::string file = entry.path().filename().string();
    if (!file.starts_with("frozen-")) continue;
    INFO(file);
    CHECK(load_error(registry, entry.path().stem().string()).empty());
  }
}

TEST_CASE("default_plugin_dir is <exe_dir>/../lib/llmgw/plugins") {
  const fs::path dir = llmgw::loader::default_plugin_dir();
  CHECK(dir.is_absolute());
  CHECK(dir.string().ends_with("lib/llmgw/plugins"));
}
