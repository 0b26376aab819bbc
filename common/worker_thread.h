// WorkerThread: one thread that runs blocking work (fsyncs) in the order it
// was posted, and hands each completion back to the libuv loop thread.
//
// The loop must not wait on a disk: while the worker syncs one batch, the
// loop keeps reading sockets and answering lookups, and the next batch grows
// meanwhile. Post() and Close() are for the loop thread only; `work` runs on
// the worker, `done` on the loop thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include <uv.h>

namespace orauditd {

class WorkerThread {
 public:
  WorkerThread(uv_loop_t* loop, std::string name);
  ~WorkerThread();
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  void Start();

  void Post(std::function<void()> work, std::function<void()> done);

  // Runs what was posted, then stops the thread, closes the handle and
  // calls `closed` on the loop thread.
  void Close(std::function<void()> closed);

  // Jobs posted whose `done` has not run yet.
  size_t outstanding() const { return outstanding_; }

 private:
  struct Job {
    std::function<void()> work;
    std::function<void()> done;
  };

  static void OnAsync(uv_async_t* async);
  void Run();

  uv_loop_t* loop_;
  std::string name_;
  uv_async_t async_;
  std::thread thread_;
  bool started_ = false;
  size_t outstanding_ = 0;
  std::function<void()> closed_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> todo_;        // guarded by mu_
  std::deque<Job> finished_;    // guarded by mu_
  bool stopping_ = false;       // guarded by mu_
};

}  // namespace orauditd
