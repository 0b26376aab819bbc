#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

extern char** environ;

namespace orauditd::testing {
namespace {

// Everything the child needs, prepared before fork(): between fork() and
// exec() a multi-threaded parent's child may only make async-signal-safe
// calls, so no allocation happens there.
struct ExecPlan {
  std::vector<std::string> argv_storage;
  std::vector<std::string> env_storage;
  std::vector<char*> argv;
  std::vector<char*> envp;
};

std::string EnvName(const std::string& entry) { return entry.substr(0, entry.find('=')); }

ExecPlan MakePlan(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                  bool inherit_env) {
  ExecPlan plan;
  plan.argv_storage = argv;
  if (inherit_env) {
    for (char** e = environ; *e != nullptr; ++e) plan.env_storage.emplace_back(*e);
  }
  for (const std::string& entry : env) {
    std::string name = EnvName(entry);
    std::erase_if(plan.env_storage, [&](const std::string& e) { return EnvName(e) == name; });
    plan.env_storage.push_back(entry);
  }
  for (std::string& s : plan.argv_storage) plan.argv.push_back(s.data());
  plan.argv.push_back(nullptr);
  for (std::string& s : plan.env_storage) plan.envp.push_back(s.data());
  plan.envp.push_back(nullptr);
  return plan;
}

[[noreturn]] void ChildFail(int report_fd, int error) {
  ssize_t ignored = write(report_fd, &error, sizeof error);
  (void)ignored;
  _exit(127);
}

bool RedirectTo(const std::string& path, int target_fd) {
  if (path.empty()) return true;
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  return dup2(fd, target_fd) >= 0;  // dup2 clears O_CLOEXEC on the copy
}

[[noreturn]] void RunChild(const ExecPlan& plan, const SubprocessOptions& options, int report_fd,
                           pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
  // The test binary may have blocked or ignored signals; the child starts clean.
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  signal(SIGPIPE, SIG_DFL);
  if (!RedirectTo(options.stdout_path, STDOUT_FILENO)) ChildFail(report_fd, errno);
  if (!RedirectTo(options.stderr_path, STDERR_FILENO)) ChildFail(report_fd, errno);
  if (!options.working_dir.empty() && chdir(options.working_dir.c_str()) != 0) {
    ChildFail(report_fd, errno);
  }
  execve(plan.argv[0], plan.argv.data(), plan.envp.data());
  ChildFail(report_fd, errno);
}

ExitStatus Decode(int wait_status) {
  ExitStatus status;
  if (WIFEXITED(wait_status)) {
    status.exited = true;
    status.code = WEXITSTATUS(wait_status);
  } else if (WIFSIGNALED(wait_status)) {
    status.signal = WTERMSIG(wait_status);
  }
  return status;
}

}  // namespace

std::string ExitStatus::ToString() const {
  if (exited) return "exit " + std::to_string(code);
  return "signal " + std::to_string(signal) + " (" + strsignal(signal) + ")";
}

Subprocess::~Subprocess() { KillAndReap(); }

Subprocess::Subprocess(Subprocess&& other) noexcept : pid_(other.pid_) { other.pid_ = -1; }

Subprocess& Subprocess::operator=(Subprocess&& other) noexcept {
  if (this != &other) {
    KillAndReap();
    pid_ = other.pid_;
    other.pid_ = -1;
  }
  return *this;
}

Status Subprocess::Start(const std::vector<std::string>& argv, const std::vector<std::string>& env,
                         const SubprocessOptions& options) {
  if (running()) return Status::FailedPrecondition("subprocess: already started");
  if (argv.empty()) return Status::InvalidArgument("subprocess: empty argv");
  ExecPlan plan = MakePlan(argv, env, options.inherit_env);

  // The child reports an exec failure through a close-on-exec pipe: EOF
  // without data means exec succeeded.
  int report[2];
  if (pipe2(report, O_CLOEXEC) != 0) {
    return Status::IoError(std::string("pipe2: ") + std::strerror(errno));
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    int error = errno;
    close(report[0]);
    close(report[1]);
    return Status::IoError(std::string("fork: ") + std::strerror(error));
  }
  if (pid == 0) {
    close(report[0]);
    RunChild(plan, options, report[1], parent);
  }
  close(report[1]);
  int child_error = 0;
  ssize_t n;
  do {
    n = read(report[0], &child_error, sizeof child_error);
  } while (n < 0 && errno == EINTR);
  close(report[0]);
  pid_ = pid;
  if (n > 0) {
    KillAndReap();
    return Status::IoError("exec " + argv[0] + ": " + std::strerror(child_error));
  }
  return Status::Ok();
}

Status Subprocess::Kill(int signal) {
  if (!running()) return Status::Ok();
  if (kill(pid_, signal) != 0 && errno != ESRCH) {
    return Status::IoError("kill " + std::to_string(pid_) + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

StatusOr<ExitStatus> Subprocess::Wait(std::chrono::milliseconds timeout) {
  if (!running()) return Status::FailedPrecondition("subprocess: not running");
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::milliseconds(1);
  for (;;) {
    int wait_status = 0;
    pid_t r = waitpid(pid_, &wait_status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      return Decode(wait_status);
    }
    if (r < 0 && errno != EINTR) {
      pid_ = -1;
      return Status::IoError(std::string("waitpid: ") + std::strerror(errno));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::Unavailable("subprocess " + std::to_string(pid_) + ": still running after " +
                                 std::to_string(timeout.count()) + " ms");
    }
    std::this_thread::sleep_for(pause);
    if (pause < std::chrono::milliseconds(20)) pause *= 2;
  }
}

StatusOr<ExitStatus> Subprocess::Stop(std::chrono::milliseconds grace) {
  if (!running()) return Status::FailedPrecondition("subprocess: not running");
  Status status = Kill(SIGTERM);
  if (!status.ok()) return status;
  StatusOr<ExitStatus> result = Wait(grace);
  if (result.ok() || result.status().code() != Status::Code::kUnavailable) return result;
  status = Kill(SIGKILL);
  if (!status.ok()) return status;
  return Wait(std::chrono::seconds(10));
}

void Subprocess::KillAndReap() {
  if (!running()) return;
  kill(pid_, SIGKILL);
  int wait_status = 0;
  while (waitpid(pid_, &wait_status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

}  // namespace orauditd::testing
