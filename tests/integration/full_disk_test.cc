// A full disk under the queue, for real: data_dir on a 64 MiB tmpfs that a
// filler file fills up. Intake refuses records once free space is below
// intake.min_free; a write that fails anyway with ENOSPC is answered with an
// error, never acknowledged; the daemon keeps what it has; and once the
// filler is gone it recovers by itself. Needs permission to mount tmpfs
// (root, as in CI); skipped otherwise.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <set>
#include <thread>

#include "tests/fake_openrouter/blocking_client.h"
#include "tests/support/daemon_harness.h"

namespace orauditd::testing {
namespace {

// A tmpfs mounted for one test and lazily unmounted at its end.
class SmallFilesystem {
 public:
  explicit SmallFilesystem(std::string dir) : dir_(std::move(dir)) {}
  ~SmallFilesystem() {
    if (mounted_) umount2(dir_.c_str(), MNT_DETACH);
  }

  // Empty when mounted; otherwise why not.
  std::string Mount(const std::string& size) {
    std::filesystem::create_directories(dir_);
    std::string options = "size=" + size;
    if (mount("tmpfs", dir_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      return std::string("mount -t tmpfs -o ") + options + " " + dir_ + ": " + std::strerror(errno);
    }
    mounted_ = true;
    return "";
  }

  uint64_t FreeBytes() const {
    struct statvfs fs;
    if (statvfs(dir_.c_str(), &fs) != 0) return 0;
    return static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
  }

  // Grows the file `name` until at most `leave_free` bytes are free (or the
  // disk is full). Returns the bytes written.
  uint64_t Fill(const std::string& name, uint64_t leave_free) {
    int fd = open((dir_ + "/" + name).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return 0;
    std::string chunk(1 << 20, '\0');
    uint64_t written = 0;
    while (FreeBytes() > leave_free) {
      size_t want = std::min<uint64_t>(chunk.size(), FreeBytes() - leave_free);
      want = std::max<size_t>(want, 4096);
      ssize_t n = write(fd, chunk.data(), want);
      if (n <= 0) break;  // ENOSPC: as full as it gets
      written += static_cast<uint64_t>(n);
    }
    close(fd);
    return written;
  }

  void Remove(const std::string& name) { unlink((dir_ + "/" + name).c_str()); }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  bool mounted_ = false;
};

std::string Line(const std::string& id, const std::string& extra = "") {
  return R"({"request_id":")" + id + R"(","generation_id":"gen-1764860000-)" + id + "\"" + extra +
         "}";
}

// Eight 1000-byte tags: a record that takes room, to fill the queue's WAL.
std::string BulkyMetadata() {
  std::string tags = R"(,"metadata":{)";
  for (int i = 0; i < 8; ++i) {
    if (i > 0) tags += ",";
    tags += "\"t" + std::to_string(i) + "\":\"" + std::string(1000, 'a' + i) + "\"";
  }
  return tags + "}";
}

bool IsOk(const Reply& reply) { return reply.reply.find("\"ok\":true") != std::string::npos; }

// Posts a script to the fake (replacing the ids it names).
bool PostScript(int port, const std::string& script) {
  auto client = fake::BlockingHttpClient::Connect(static_cast<uint16_t>(port));
  if (!client.ok()) return false;
  auto response =
      client->Request("POST", "/_fake/script", {{"Content-Type", "application/json"}}, script);
  return response.ok() && response->status == 200;
}

constexpr int kHeld = 20;

class FullDiskTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string problem = small_.Mount("64m");
    if (!problem.empty()) GTEST_SKIP() << "cannot mount a small tmpfs here: " << problem;
    // The held records get 404 until the test says otherwise: they stay in
    // the queue, retrying, through the whole episode.
    std::string script = "{";
    for (int i = 0; i < kHeld; ++i) {
      if (i > 0) script += ",";
      script += "\"gen-1764860000-held-" + std::to_string(i) + R"(":[{"kind":"not_found"}])";
    }
    ASSERT_TRUE(harness_.StartFake(script + "}").ok());
    harness_.set_data_dir(small_.dir() + "/data");
  }

  Status StartDaemon(const std::string& min_free) {
    harness_.set_min_free(min_free);
    return harness_.StartDaemon(
        "fetch:\n"
        "  window: 10m\n"
        "  first_delay: 20ms\n"
        "  backoff: { initial: 50ms, max: 200ms }\n"
        "  rate_per_second: 1000\n");
  }

  DaemonHarness harness_;
  SmallFilesystem small_{harness_.dir() + "/small"};
};

TEST_F(FullDiskTest, IntakeRefusesWhenFullNeverAcknowledgesAFailedWriteAndRecovers) {
  Status started = StartDaemon("16MiB");
  ASSERT_TRUE(started.ok()) << started.ToString();
  std::vector<std::string> held;
  for (int i = 0; i < kHeld; ++i) held.push_back(Line("held-" + std::to_string(i)));
  auto accepted = harness_.Submit(held);
  ASSERT_TRUE(accepted.ok());
  for (const Reply& reply : *accepted) ASSERT_TRUE(IsOk(reply)) << reply.reply;

  // Below intake.min_free: refused with the reason, not acknowledged.
  small_.Fill("filler-1", 8 << 20);
  auto refused = harness_.Submit({Line("below-min-free-1"), Line("below-min-free-2")});
  ASSERT_TRUE(refused.ok());
  for (const Reply& reply : *refused) {
    EXPECT_FALSE(IsOk(reply)) << reply.reply;
    EXPECT_NE(reply.reply.find("intake.min_free"), std::string::npos) << reply.reply;
  }

  // With the check off, fill the disk to the last byte and keep sending
  // until a write fails for real.
  auto stopped = harness_.StopDaemon(SIGTERM);
  ASSERT_TRUE(stopped.ok() && stopped->Success()) << harness_.DaemonLog();
  ASSERT_TRUE(StartDaemon("0").ok()) << harness_.DaemonLog();
  small_.Fill("filler-2", 0);
  std::set<std::string> acked;
  std::vector<std::string> resend = {Line("below-min-free-1"), Line("below-min-free-2")};
  std::string enospc_reply;
  for (int batch = 0; batch < 60 && enospc_reply.empty(); ++batch) {
    std::vector<std::string> lines;
    for (int i = 0; i < 100; ++i) {
      lines.push_back(Line("flood-" + std::to_string(batch * 100 + i), BulkyMetadata()));
    }
    auto replies = harness_.Submit(lines);
    ASSERT_TRUE(replies.ok()) << replies.status().ToString() << "\n" << harness_.DaemonLog();
    for (const Reply& reply : *replies) {
      std::string id = reply.line.substr(15, reply.line.find('"', 15) - 15);
      if (IsOk(reply)) {
        acked.insert(id);
      } else {
        if (enospc_reply.empty()) enospc_reply = reply.reply;
        resend.push_back(reply.line);
      }
    }
  }
  ASSERT_FALSE(enospc_reply.empty()) << "the disk never filled up";
  EXPECT_NE(enospc_reply.find("No space left on device"), std::string::npos) << enospc_reply;
  std::printf("full disk: %zu records acknowledged, %zu refused; first refusal: %.200s\n",
              acked.size(), resend.size(), enospc_reply.c_str());
  // The daemon keeps what it has: it is still running (a zero wait times out).
  auto ended = harness_.daemon().Wait(std::chrono::milliseconds(0));
  ASSERT_FALSE(ended.ok()) << "the daemon ended: " << ended->ToString() << "\n"
                           << harness_.DaemonLog();

  // Space returns: the daemon takes records again by itself, and the held
  // ones (acknowledged before the disk filled) finish.
  small_.Remove("filler-1");
  small_.Remove("filler-2");
  std::string script = "{";
  for (int i = 0; i < kHeld; ++i) {
    if (i > 0) script += ",";
    script += "\"gen-1764860000-held-" + std::to_string(i) + R"(":[{"kind":"ok"}])";
  }
  ASSERT_TRUE(PostScript(harness_.fake_port(), script + "}"));
  int64_t total = kHeld + static_cast<int64_t>(resend.size() + acked.size());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!resend.empty() && std::chrono::steady_clock::now() < deadline) {
    auto replies = harness_.Submit(resend);
    if (!replies.ok()) {
      // How the daemon ended, if it did, and what it said before.
      ended = harness_.daemon().Wait(std::chrono::milliseconds(0));
      FAIL() << replies.status().ToString()
             << "\ndaemon: " << (ended.ok() ? ended->ToString() : ended.status().ToString())
             << "\ndaemon log:\n"
             << harness_.DaemonLog();
    }
    std::vector<std::string> still;
    for (const Reply& reply : *replies) {
      if (!IsOk(reply)) still.push_back(reply.line);
    }
    resend.swap(still);
    if (!resend.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ASSERT_TRUE(resend.empty()) << "intake did not recover within 30 s:\n"
                              << harness_.DaemonLog().substr(0, 4000);

  Status done = harness_.WaitForRows(total, std::chrono::seconds(60));
  ASSERT_TRUE(done.ok()) << done.ToString().substr(0, 4000);
  auto rows = harness_.Query(
      "SELECT COUNT(*) AS n, COUNT(DISTINCT request_id) AS ids, MAX(seq) AS top FROM audit_log");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0]["n"], std::to_string(total)) << "no record twice, none lost";
  EXPECT_EQ((*rows)[0]["ids"], std::to_string(total));
  EXPECT_EQ((*rows)[0]["top"], std::to_string(total));
  auto held_rows = harness_.Query(
      "SELECT COUNT(*) AS n FROM audit_log WHERE request_id LIKE 'held-%' "
      "AND meta_status = 'resolved'");
  EXPECT_EQ((*held_rows)[0]["n"], std::to_string(kHeld));
}

}  // namespace
}  // namespace orauditd::testing
