#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "frontends/runtime.hpp"

using namespace llmgw;

namespace {

std::unique_ptr<frontends::Runtime> snapshot() {
  auto rt = std::make_unique<frontends::Runtime>();
  rt->telemetry = std::make_unique<telemetry::Telemetry>();
  return rt;
}

}  // namespace

TEST_CASE("a published snapshot serves until the next, and a request keeps the one it took", "[reload][runtime]") {
  frontends::RuntimeSlot slot;
  CHECK(slot.current() == nullptr);
  CHECK(slot.publish(snapshot()) == nullptr);
  const std::shared_ptr<const frontends::Runtime> first = slot.current();
  REQUIRE(first);
  const std::shared_ptr<const frontends::Runtime> held = slot.current();  // a request in flight
  const std::shared_ptr<const frontends::Runtime> replaced = slot.publish(snapshot());
  CHECK(replaced == first);
  CHECK(slot.current() != first);
  CHECK(held == first);  // still valid: the request finishes on it
  CHECK(held->telemetry != nullptr);
}

TEST_CASE("close waits for the retired snapshots and is bounded when one is still held", "[reload][runtime]") {
  SECTION("nothing held: close returns at once") {
    frontends::RuntimeSlot slot;
    slot.publish(snapshot());
    slot.publish(snapshot());
    const auto t0 = std::chrono::steady_clock::now();
    slot.close(5000);
    CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
  }
  SECTION("a snapshot held past close: close gives up after its wait, the snapshot dies later") {
    std::shared_ptr<const frontends::Runtime> held;
    {
      frontends::RuntimeSlot slot;
      slot.publish(snapshot());
      held = slot.current();
      const auto t0 = std::chrono::steady_clock::now();
      slot.close(50);
      CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(2));
    }
    held.reset();  // the slot is gone; its retire thread destroys it
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}
