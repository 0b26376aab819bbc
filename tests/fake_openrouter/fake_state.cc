#include "tests/fake_openrouter/fake_state.h"

#include "common/json_writer.h"

namespace orauditd::fake {

void FakeState::AddScripts(Script script) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, entry] : script) {
    scripts_[id] = Entry{std::make_shared<const IdScript>(std::move(entry)), 0};
  }
}

void FakeState::Reset() {
  std::lock_guard<std::mutex> lock(mu_);
  scripts_.clear();
  log_.clear();
  log_dropped_ = 0;
  requests_ = 0;
  by_status_.fill(0);
}

FakeState::Selection FakeState::Next(std::string_view id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = scripts_.find(id);
  if (it == scripts_.end()) return {};
  return {it->second.script, it->second.requests++};
}

void FakeState::Record(LogEntry entry) {
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_;
  if (entry.status >= 0 && entry.status < static_cast<int>(by_status_.size())) {
    ++by_status_[static_cast<size_t>(entry.status)];
  }
  if (log_capacity_ == 0) {
    ++log_dropped_;
    return;
  }
  if (log_.size() >= log_capacity_) {
    log_.pop_front();
    ++log_dropped_;
  }
  log_.push_back(std::move(entry));
}

std::string FakeState::RequestsJson(std::optional<std::string_view> id) const {
  JsonWriter w;
  w.BeginArray();
  std::lock_guard<std::mutex> lock(mu_);
  for (const LogEntry& e : log_) {
    if (id && e.id != *id) continue;
    w.BeginObject();
    w.Key("t_ms");
    w.Int(e.t_ms);
    w.Field("method", e.method);
    w.Field("path", e.path);
    w.Field("id", e.id);
    w.Field("authorization", e.authorization);
    w.Field("user_agent", e.user_agent);
    w.Key("status");
    w.Int(e.status);
    if (e.step >= 0) {
      w.Key("step");
      w.Int(e.step);
    }
    w.EndObject();
  }
  w.EndArray();
  return w.Take();
}

std::string FakeState::StatsJson() const {
  JsonWriter w;
  std::lock_guard<std::mutex> lock(mu_);
  w.BeginObject();
  w.Key("requests");
  w.Int(requests_);
  w.Key("by_status");
  w.BeginObject();
  for (size_t status = 1; status < by_status_.size(); ++status) {
    if (by_status_[status] == 0) continue;
    w.Key(std::to_string(status));
    w.Int(by_status_[status]);
  }
  w.EndObject();
  w.Key("reset");
  w.Int(by_status_[0]);
  w.Key("log_dropped");
  w.Int(log_dropped_);
  w.EndObject();
  return w.Take();
}

}  // namespace orauditd::fake
