#include "tests/fake_openrouter/fake_app.h"

#include <unistd.h>
#include <uv.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include "tests/fake_openrouter/fake_state.h"
#include "tests/fake_openrouter/handler.h"
#include "tests/fake_openrouter/script.h"
#include "tests/fake_openrouter/server.h"

namespace orauditd::fake {
namespace {

// One event loop with its own handler and server.
struct Worker {
  Worker(FakeState* state, const Options& options, uint64_t index)
      : handler(state, options, options.seed ^ (index * 0x9e3779b97f4a7c15ULL)),
        server(&loop, &handler) {
    uv_loop_init(&loop);
  }

  uv_loop_t loop;
  Handler handler;
  Server server;
  uv_async_t stop;
  std::thread thread;
};

struct MainContext {
  std::vector<std::unique_ptr<Worker>>* workers;
  uv_signal_t sigterm;
  uv_signal_t sigint;
  bool stopping = false;
};

Status LoadScriptFile(const std::string& path, FakeState* state) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError(path + ": cannot open");
  std::stringstream text;
  text << in.rdbuf();
  StatusOr<Script> script = ParseScript(text.str());
  if (!script.ok()) return script.status().WithContext(path);
  state->AddScripts(std::move(*script));
  return Status::Ok();
}

Status WritePortFile(const std::string& path, uint16_t port) {
  std::string temp = path + ".tmp." + std::to_string(getpid());
  {
    std::ofstream out(temp, std::ios::trunc);
    out << port << "\n";
    out.flush();
    if (!out) return Status::IoError(temp + ": cannot write");
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    std::remove(temp.c_str());
    return Status::IoError("rename " + temp + " -> " + path + " failed");
  }
  return Status::Ok();
}

void OnStopAsync(uv_async_t* async) {
  auto* worker = static_cast<Worker*>(async->data);
  worker->server.Close();
  uv_close(reinterpret_cast<uv_handle_t*>(async), nullptr);
}

void OnSignal(uv_signal_t* signal, int) {
  auto* context = static_cast<MainContext*>(signal->data);
  if (context->stopping) return;
  context->stopping = true;
  for (auto& worker : *context->workers) uv_async_send(&worker->stop);
  uv_close(reinterpret_cast<uv_handle_t*>(&context->sigterm), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&context->sigint), nullptr);
}

}  // namespace

int RunFakeOpenRouter(const Options& options) {
  std::signal(SIGPIPE, SIG_IGN);  // a peer that vanished is an error code, not a signal
  FakeState state(options.log_limit);
  for (const std::string& path : options.script_files) {
    Status status = LoadScriptFile(path, &state);
    if (!status.ok()) {
      std::fprintf(stderr, "fake_openrouter: %s\n", status.message().c_str());
      return 2;
    }
  }

  uint16_t port = 0;
  StatusOr<std::vector<int>> fds =
      BindListeners(options.host, options.port, options.threads, &port);
  if (!fds.ok()) {
    std::fprintf(stderr, "fake_openrouter: %s\n", fds.status().message().c_str());
    return 1;
  }

  // Worker 0 runs on this thread, beside the signal handlers.
  std::vector<std::unique_ptr<Worker>> workers;
  for (size_t i = 0; i < fds->size(); ++i) {
    workers.push_back(std::make_unique<Worker>(&state, options, i));
    Worker& worker = *workers.back();
    uv_async_init(&worker.loop, &worker.stop, OnStopAsync);
    worker.stop.data = &worker;
    Status status = worker.server.Listen((*fds)[i]);
    if (!status.ok()) {
      std::fprintf(stderr, "fake_openrouter: %s\n", status.message().c_str());
      return 1;
    }
  }

  MainContext context{&workers, {}, {}};
  uv_loop_t* main_loop = &workers[0]->loop;
  uv_signal_init(main_loop, &context.sigterm);
  uv_signal_init(main_loop, &context.sigint);
  context.sigterm.data = &context;
  context.sigint.data = &context;
  uv_signal_start(&context.sigterm, OnSignal, SIGTERM);
  uv_signal_start(&context.sigint, OnSignal, SIGINT);

  if (!options.port_file.empty()) {
    Status status = WritePortFile(options.port_file, port);
    if (!status.ok()) {
      std::fprintf(stderr, "fake_openrouter: %s\n", status.message().c_str());
      return 1;
    }
  }
  std::printf("fake_openrouter listening on %s:%u\n", options.host.c_str(), port);
  std::fflush(stdout);

  for (size_t i = 1; i < workers.size(); ++i) {
    Worker* worker = workers[i].get();
    worker->thread = std::thread([worker] { uv_run(&worker->loop, UV_RUN_DEFAULT); });
  }
  uv_run(main_loop, UV_RUN_DEFAULT);
  for (size_t i = 1; i < workers.size(); ++i) workers[i]->thread.join();
  for (auto& worker : workers) uv_loop_close(&worker->loop);

  if (!options.quiet) std::fprintf(stderr, "fake_openrouter: stopped\n");
  return 0;
}

}  // namespace orauditd::fake
