#include "frontends/runtime.hpp"

#include <spdlog/spdlog.h>

#include <chrono>

namespace llmgw::frontends {

Runtime::~Runtime() {
  if (telemetry) telemetry->stop(2000);
}

RuntimeSlot::RuntimeSlot()
    : retirement_(std::make_shared<Retirement>()), retirer_([r = retirement_] { run_retirer(r); }) {}

RuntimeSlot::~RuntimeSlot() { close(); }

std::shared_ptr<const Runtime> RuntimeSlot::publish(std::unique_ptr<Runtime> next) {
  {
    std::lock_guard lock(retirement_->mutex);
    ++retirement_->alive;
  }
  std::shared_ptr<const Runtime> shared(next.release(), [r = retirement_](const Runtime* runtime) {
    std::lock_guard lock(r->mutex);
    r->queue.push_back(runtime);
    r->wake.notify_one();
  });
  return current_.exchange(std::move(shared), std::memory_order_acq_rel);
}

void RuntimeSlot::run_retirer(std::shared_ptr<Retirement> r) {
  std::unique_lock lock(r->mutex);
  for (;;) {
    r->wake.wait(lock, [&] { return !r->queue.empty() || (r->closing && r->alive == 0); });
    if (r->queue.empty()) return;  // closing, and every snapshot is gone
    const Runtime* runtime = r->queue.front();
    r->queue.pop_front();
    lock.unlock();
    delete runtime;  // its sinks stop, its plugin instances are destroyed: off the event loops
    lock.lock();
    if (--r->alive == 0) r->done.notify_all();
  }
}

void RuntimeSlot::close(int64_t wait_ms) {
  if (!retirer_.joinable()) return;
  current_.store(nullptr, std::memory_order_release);
  std::unique_lock lock(retirement_->mutex);
  retirement_->closing = true;
  retirement_->wake.notify_one();
  const bool all_gone = retirement_->done.wait_for(lock, std::chrono::milliseconds(wait_ms),
                                                   [&] { return retirement_->alive == 0; });
  if (!all_gone)
    spdlog::warn("runtime: {} config snapshot(s) still held by unfinished requests after {} ms; left behind",
                 retirement_->alive, wait_ms);
  lock.unlock();
  if (all_gone) retirer_.join();
  else retirer_.detach();
}

}  // namespace llmgw::frontends
