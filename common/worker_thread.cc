#include "common/worker_thread.h"

#include <pthread.h>

namespace orauditd {

WorkerThread::WorkerThread(uv_loop_t* loop, std::string name)
    : loop_(loop), name_(std::move(name)) {}

WorkerThread::~WorkerThread() {
  if (thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_one();
    thread_.join();
  }
}

void WorkerThread::Start() {
  uv_async_init(loop_, &async_, &WorkerThread::OnAsync);
  async_.data = this;
  // Idle workers must not keep the loop alive; Post() refs it while busy.
  uv_unref(reinterpret_cast<uv_handle_t*>(&async_));
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

void WorkerThread::Post(std::function<void()> work, std::function<void()> done) {
  if (outstanding_++ == 0) uv_ref(reinterpret_cast<uv_handle_t*>(&async_));
  {
    std::lock_guard<std::mutex> lock(mu_);
    todo_.push_back({std::move(work), std::move(done)});
  }
  cv_.notify_one();
}

void WorkerThread::Run() {
  pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
  while (true) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !todo_.empty(); });
      if (todo_.empty()) return;  // stopping, and nothing left to do
      job = std::move(todo_.front());
      todo_.pop_front();
    }
    job.work();
    {
      std::lock_guard<std::mutex> lock(mu_);
      finished_.push_back(std::move(job));
    }
    uv_async_send(&async_);
  }
}

void WorkerThread::OnAsync(uv_async_t* async) {
  auto* self = static_cast<WorkerThread*>(async->data);
  std::deque<Job> finished;
  {
    std::lock_guard<std::mutex> lock(self->mu_);
    finished.swap(self->finished_);
  }
  for (Job& job : finished) {
    if (--self->outstanding_ == 0) uv_unref(reinterpret_cast<uv_handle_t*>(&self->async_));
    if (job.done) job.done();
  }
}

void WorkerThread::Close(std::function<void()> closed) {
  closed_ = std::move(closed);
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  if (!started_) {
    if (closed_) closed_();
    return;
  }
  // Completions that arrived after the last async callback still run.
  OnAsync(&async_);
  uv_close(reinterpret_cast<uv_handle_t*>(&async_), [](uv_handle_t* handle) {
    auto* self = static_cast<WorkerThread*>(handle->data);
    if (self->closed_) self->closed_();
  });
}

}  // namespace orauditd
