// ResendingClient: one application thread of the crash test. It submits its
// records through the daemon's socket in small batches and sends again
// whatever was not acknowledged (a refused line, a connection that broke,
// a daemon that was not there) until every record is acknowledged or the
// deadline passes, as a well-behaved client of the contract does.
//
// One thread per client; read the results after Run() returns.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tools/intake_client.h"

namespace orauditd::testing {

struct SoakRecord {
  std::string id;
  // Builds the line at the first send (a timestamp may depend on when);
  // every resend repeats that same line.
  std::function<std::string()> make_line;
  std::string line;
};

struct ClientTotals {
  uint64_t lines_sent = 0;
  uint64_t resends = 0;
  uint64_t duplicate_replies = 0;  // acknowledged earlier, or stored before a reply was lost
  uint64_t error_replies = 0;
  uint64_t broken_connections = 0;
};

class ResendingClient {
 public:
  ResendingClient(std::string socket_path, std::vector<SoakRecord> records, uint64_t seed)
      : socket_path_(std::move(socket_path)), records_(std::move(records)), rng_(seed) {}

  void Run(std::chrono::steady_clock::time_point deadline, std::chrono::milliseconds pace) {
    size_t next_new = 0;
    std::deque<size_t> retry;
    std::uniform_int_distribution<int> batch_size(1, 8);
    std::uniform_int_distribution<int64_t> pause(0, 2 * pace.count());

    while (acked_.size() < records_.size() && std::chrono::steady_clock::now() < deadline) {
      std::vector<size_t> batch;
      int want = batch_size(rng_);
      while (!retry.empty() && static_cast<int>(batch.size()) < want) {
        batch.push_back(retry.front());
        retry.pop_front();
        ++totals_.resends;
      }
      while (next_new < records_.size() && static_cast<int>(batch.size()) < want) {
        batch.push_back(next_new++);
      }
      if (batch.empty()) break;
      Send(batch, &retry);
      std::this_thread::sleep_for(std::chrono::milliseconds(pause(rng_)));
    }
  }

  const std::set<std::string>& acked() const { return acked_; }
  const std::set<std::string>& sent() const { return sent_; }
  const ClientTotals& totals() const { return totals_; }

 private:
  void Send(const std::vector<size_t>& batch, std::deque<size_t>* retry) {
    std::string text;
    for (size_t i : batch) {
      SoakRecord& record = records_[i];
      if (record.line.empty()) record.line = record.make_line();
      text += record.line + "\n";
      sent_.insert(record.id);
    }
    totals_.lines_sent += batch.size();
    std::istringstream in(text);
    size_t answered = 0;
    auto replies =
        tools::SubmitLines(socket_path_, in, [&](const std::string&, const std::string& reply) {
          size_t index = batch[answered++];
          if (reply.find("\"ok\":true") == std::string::npos) {
            ++totals_.error_replies;
            retry->push_back(index);
            return true;
          }
          if (reply.find("\"duplicate\":true") != std::string::npos) ++totals_.duplicate_replies;
          acked_.insert(records_[index].id);
          return true;
        });
    if (replies.ok()) return;
    // No daemon, or it died mid-batch: whatever has no reply goes again.
    ++totals_.broken_connections;
    for (size_t i = answered; i < batch.size(); ++i) retry->push_back(batch[i]);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }

  std::string socket_path_;
  std::vector<SoakRecord> records_;
  std::mt19937_64 rng_;
  std::set<std::string> acked_;
  std::set<std::string> sent_;
  ClientTotals totals_;
};

}  // namespace orauditd::testing
