#include "daemon/socket_activation.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "tests/support/temp_dir.h"

namespace orauditd {
namespace {

// Puts a socket on fd 3, as systemd would, and restores fd 3 afterwards.
class SocketActivationTest : public ::testing::Test {
 protected:
  void SetUp() override { saved_fd3_ = dup(kListenFdsStart); }
  void TearDown() override {
    if (saved_fd3_ >= 0) {
      dup2(saved_fd3_, kListenFdsStart);
      close(saved_fd3_);
    } else {
      close(kListenFdsStart);
    }
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDNAMES");
  }

  void PlaceOnFd3(int fd) {
    if (fd == kListenFdsStart) return;  // fd 3 was free, and the socket got it
    ASSERT_EQ(dup2(fd, kListenFdsStart), kListenFdsStart);
    close(fd);
  }

  int ListeningUnixSocket() {
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string path = dir_.File("intake.sock");
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(listen(fd, 8), 0);
    return fd;
  }

  void Pass(const std::string& fds, const std::string& pid) {
    setenv("LISTEN_FDS", fds.c_str(), 1);
    setenv("LISTEN_PID", pid.c_str(), 1);
  }

  testing::TempDir dir_;
  int saved_fd3_ = -1;
};

TEST_F(SocketActivationTest, NothingPassedMeansBindYourOwn) {
  unsetenv("LISTEN_FDS");
  auto fd = TakeActivatedSocket();
  ASSERT_TRUE(fd.ok());
  EXPECT_EQ(*fd, -1);
}

TEST_F(SocketActivationTest, TakesAListeningUnixSocketOnFd3AndClearsTheEnvironment) {
  PlaceOnFd3(ListeningUnixSocket());
  Pass("1", std::to_string(getpid()));
  auto fd = TakeActivatedSocket();
  ASSERT_TRUE(fd.ok()) << fd.status().ToString();
  EXPECT_EQ(*fd, 3);
  EXPECT_EQ(std::getenv("LISTEN_FDS"), nullptr);
  EXPECT_EQ(std::getenv("LISTEN_PID"), nullptr);
}

TEST_F(SocketActivationTest, SocketsMeantForAnotherProcessAreLeftAlone) {
  PlaceOnFd3(ListeningUnixSocket());
  Pass("1", std::to_string(getpid() + 1));
  auto fd = TakeActivatedSocket();
  ASSERT_TRUE(fd.ok());
  EXPECT_EQ(*fd, -1);
}

TEST_F(SocketActivationTest, ANonListeningOrNonUnixSocketIsRefusedWithAReason) {
  PlaceOnFd3(socket(AF_INET, SOCK_STREAM, 0));
  Pass("1", std::to_string(getpid()));
  auto fd = TakeActivatedSocket();
  ASSERT_FALSE(fd.ok());
  EXPECT_NE(fd.status().message().find("listening Unix stream socket"), std::string::npos)
      << fd.status().ToString();
}

TEST_F(SocketActivationTest, WithSeveralSocketsTheOneNamedIntakeIsTaken) {
  PlaceOnFd3(ListeningUnixSocket());
  Pass("2", std::to_string(getpid()));
  setenv("LISTEN_FDNAMES", "intake:other", 1);
  auto fd = TakeActivatedSocket();
  ASSERT_TRUE(fd.ok()) << fd.status().ToString();
  EXPECT_EQ(*fd, 3);

  Pass("2", std::to_string(getpid()));
  setenv("LISTEN_FDNAMES", "a:b", 1);
  EXPECT_FALSE(TakeActivatedSocket().ok());
}

}  // namespace
}  // namespace orauditd
