// Metrics: a registry of counters, gauges and histograms, rendered in the
// Prometheus text exposition format (version 0.0.4) with HELP and TYPE lines.
//
// Most figures already live in the stages as plain counters; a collector
// copies them in just before each render, so the stages need not know about
// this registry. Histograms are observed as events happen.
//
// Labels must come from a fixed vocabulary (a source, an outcome, a sink
// name, a configured key name), never from record data such as user ids.
// As a guard, a family keeps at most kMaxSeriesPerFamily label sets; further
// ones are dropped and counted in orauditd_metrics_series_dropped_total.
//
// Loop thread only.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orauditd {

using MetricLabels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { kCounter, kGauge, kHistogram };

// Cumulative buckets as Prometheus expects them; `bounds` ascending, the
// +Inf bucket is implied.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);

  void Observe(double value);

  const std::vector<double>& bounds() const { return bounds_; }
  // Observations <= bounds()[i]; one more entry at the end for +Inf.
  std::vector<uint64_t> CumulativeCounts() const;
  uint64_t count() const { return count_; }
  double sum() const { return sum_; }

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;  // per bucket, not cumulative; last is +Inf
  uint64_t count_ = 0;
  double sum_ = 0;
};

class MetricsRegistry {
 public:
  static constexpr size_t kMaxSeriesPerFamily = 64;

  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Declares a family. Families render in the order they were declared.
  void AddCounter(std::string name, std::string help);
  void AddGauge(std::string name, std::string help);
  // An unlabelled histogram; the pointer stays valid as long as the registry.
  Histogram* AddHistogram(std::string name, std::string help, std::vector<double> bounds);

  // Sets one series of a declared counter or gauge. Setting an undeclared
  // name is a programming error (asserted in debug builds, ignored otherwise).
  void Set(std::string_view name, const MetricLabels& labels, double value);
  void Set(std::string_view name, double value) { Set(name, {}, value); }
  // Forgets every series of a family, for label sets that can go away (the
  // configured keys after a reload).
  void ClearSeries(std::string_view name);

  // Runs before every Render(), in the order added.
  void AddCollector(std::function<void(MetricsRegistry*)> collector);

  // Runs the collectors, then renders every family.
  std::string Render();

 private:
  struct Family {
    std::string name;
    std::string help;
    MetricType type;
    std::map<MetricLabels, double> series;
    std::unique_ptr<Histogram> histogram;
  };

  Family* Find(std::string_view name);
  void RenderFamily(const Family& family, std::string* out) const;

  std::vector<std::unique_ptr<Family>> families_;
  std::vector<std::function<void(MetricsRegistry*)>> collectors_;
  uint64_t dropped_series_ = 0;
};

// A metric value as the text format writes it: integers without a point,
// others in shortest round-trip form, "+Inf", "-Inf" and "NaN".
std::string FormatMetricValue(double value);

// Escapes a label value (backslash, double quote, newline).
std::string EscapeLabelValue(std::string_view value);

}  // namespace orauditd
