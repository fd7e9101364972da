// The sink runner: a bounded queue in front of emit on the sink's own thread. A blocked sink
// drops and counts; dropped_before tells the sink; flush runs when the queue empties; stop()
// gives up on a sink stuck in emit.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "loader/host_table.hpp"
#include "telemetry/sink_runner.hpp"

using namespace llmgw;

namespace {

/// The in-test sink: records events; emit waits while `blocked`.
struct Recorder {
  std::mutex m;
  std::condition_variable cv;
  bool blocked = false;
  bool forever = false;
  int in_emit = 0;
  std::vector<std::string> events;
  std::vector<uint64_t> dropped_before;
  int flushes = 0;
};
Recorder* g_recorder = nullptr;

llmgw_status create(const llmgw_host*, llmgw_str, void** instance, const llmgw_writer*) {
  *instance = g_recorder;
  return LLMGW_OK;
}
void destroy(void*) {}
llmgw_status emit(void* instance, const llmgw_sink_event* e) {
  auto* r = static_cast<Recorder*>(instance);
  std::unique_lock lock(r->m);
  ++r->in_emit;
  r->cv.notify_all();
  r->cv.wait(lock, [r] { return !r->blocked; });
  while (r->forever) {
    lock.unlock();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    lock.lock();
  }
  r->events.emplace_back(e->json.ptr, e->json.len);
  r->dropped_before.push_back(e->dropped_before);
  r->cv.notify_all();
  return e->json.len == 0 ? LLMGW_ERROR : LLMGW_OK;
}
llmgw_status flush(void* instance) {
  auto* r = static_cast<Recorder*>(instance);
  std::lock_guard lock(r->m);
  ++r->flushes;
  r->cv.notify_all();
  return LLMGW_OK;
}

const llmgw_sink_vtable kVtable = {sizeof(llmgw_sink_vtable), create, destroy, emit, flush};
const llmgw_plugin kPlugin = {LLMGW_ABI_MAJOR, LLMGW_ABI_MINOR, sizeof(llmgw_plugin), LLMGW_BUILD_SIGNATURE,
                              LLMGW_KIND_SINK, "sink-unit", "0", "", &kVtable};

std::unique_ptr<loader::SinkInstance> instance(Recorder& r) {
  g_recorder = &r;
  auto plugin = std::make_shared<loader::LoadedPlugin>();
  plugin->path = "(in test)";
  plugin->descriptor = &kPlugin;
  plugin->kind = loader::find_kind(LLMGW_KIND_SINK);
  plugin->host_context = std::make_shared<loader::HostContext>("sink-unit");
  auto host = loader::make_host_table(*plugin->host_context);
  return std::make_unique<loader::SinkInstance>(plugin, &r, std::move(host));
}

telemetry::SharedEvent* event(const std::string& json) {
  auto* e = new telemetry::SharedEvent;
  e->json = json;
  return e;
}

template <class Pred>
void wait_until(Recorder& r, Pred pred) {
  std::unique_lock lock(r.m);
  REQUIRE(r.cv.wait_for(lock, std::chrono::seconds(5), [&] { return pred(); }));
}

}  // namespace

TEST_CASE("a blocked sink: the queue fills, the rest is dropped and counted, then all flows") {
  Recorder r;
  r.blocked = true;
  telemetry::SinkRunner runner("sink-unit", instance(r), 2);
  runner.start();
  auto* first = event("e0");
  runner.push(first);
  first->release();
  wait_until(r, [&] { return r.in_emit == 1; });
  for (int i = 1; i <= 4; ++i) {
    auto* e = event(std::string(1, 'e').append(std::to_string(i)));
    runner.push(e);  // never waits
    e->release();
  }
  CHECK(runner.queued() == 2);
  CHECK(runner.dropped() == 2);
  {
    std::lock_guard lock(r.m);
    r.blocked = false;
  }
  r.cv.notify_all();
  REQUIRE(runner.stop(5000));
  CHECK(r.events == std::vector<std::string>{"e0", "e1", "e2"});
  CHECK(r.dropped_before == std::vector<uint64_t>{0, 2, 0});  // told once, with the next event
  CHECK(runner.emitted() == 3);
  CHECK(r.flushes >= 1);
}

TEST_CASE("failed emits are counted; the runner flushes when its queue runs empty") {
  Recorder r;
  telemetry::SinkRunner runner("sink-unit", instance(r), 8);
  runner.start();
  for (const char* j : {"a", "", "b"}) {
    auto* e = event(j);
    runner.push(e);
    e->release();
  }
  wait_until(r, [&] { return r.events.size() == 3 && r.flushes >= 1; });
  CHECK(runner.errors() == 1);
  CHECK(runner.emitted() == 2);
  REQUIRE(runner.stop(5000));
}

TEST_CASE("stop gives up on a sink stuck in emit, and events pushed after stop are dropped") {
  auto* r = new Recorder;  // leaked with the runner: its thread still runs
  r->forever = true;
  auto* runner = new telemetry::SinkRunner("sink-unit", instance(*r), 4);
  runner->start();
  auto* e = event("x");
  runner->push(e);
  wait_until(*r, [&] { return r->in_emit == 1; });
  const auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(runner->stop(100));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
  runner->push(e);
  CHECK(runner->dropped() == 1);
  e->release();
}
