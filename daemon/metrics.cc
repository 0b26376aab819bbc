#include "daemon/metrics.h"

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>

namespace orauditd {
namespace {

constexpr char kDroppedSeries[] = "orauditd_metrics_series_dropped_total";

const char* TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// HELP text escapes only backslash and newline.
std::string EscapeHelp(std::string_view help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string LabelText(const MetricLabels& labels) {
  if (labels.empty()) return "";
  std::string out = "{";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += labels[i].first + "=\"" + EscapeLabelValue(labels[i].second) + "\"";
  }
  return out + "}";
}

}  // namespace

std::string FormatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == std::trunc(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc()) return "NaN";
  return std::string(buffer, end);
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {
  assert(std::is_sorted(bounds_.begin(), bounds_.end()));
}

void Histogram::Observe(double value) {
  size_t bucket = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  ++counts_[bucket];
  ++count_;
  sum_ += value;
}

std::vector<uint64_t> Histogram::CumulativeCounts() const {
  std::vector<uint64_t> cumulative(counts_.size());
  uint64_t running = 0;
  for (size_t i = 0; i < counts_.size(); ++i) {
    running += counts_[i];
    cumulative[i] = running;
  }
  return cumulative;
}

void MetricsRegistry::AddCounter(std::string name, std::string help) {
  families_.push_back(std::make_unique<Family>(
      Family{std::move(name), std::move(help), MetricType::kCounter, {}, nullptr}));
}

void MetricsRegistry::AddGauge(std::string name, std::string help) {
  families_.push_back(std::make_unique<Family>(
      Family{std::move(name), std::move(help), MetricType::kGauge, {}, nullptr}));
}

Histogram* MetricsRegistry::AddHistogram(std::string name, std::string help,
                                         std::vector<double> bounds) {
  auto family = std::make_unique<Family>(Family{std::move(name),
                                                std::move(help),
                                                MetricType::kHistogram,
                                                {},
                                                std::make_unique<Histogram>(std::move(bounds))});
  Histogram* histogram = family->histogram.get();
  families_.push_back(std::move(family));
  return histogram;
}

MetricsRegistry::Family* MetricsRegistry::Find(std::string_view name) {
  for (auto& family : families_) {
    if (family->name == name) return family.get();
  }
  return nullptr;
}

void MetricsRegistry::Set(std::string_view name, const MetricLabels& labels, double value) {
  Family* family = Find(name);
  assert(family != nullptr && family->type != MetricType::kHistogram);
  if (family == nullptr || family->type == MetricType::kHistogram) return;
  auto it = family->series.find(labels);
  if (it != family->series.end()) {
    it->second = value;
    return;
  }
  if (family->series.size() >= kMaxSeriesPerFamily) {
    ++dropped_series_;
    return;
  }
  family->series.emplace(labels, value);
}

void MetricsRegistry::ClearSeries(std::string_view name) {
  if (Family* family = Find(name)) family->series.clear();
}

void MetricsRegistry::AddCollector(std::function<void(MetricsRegistry*)> collector) {
  collectors_.push_back(std::move(collector));
}

void MetricsRegistry::RenderFamily(const Family& family, std::string* out) const {
  *out += "# HELP " + family.name + " " + EscapeHelp(family.help) + "\n";
  *out += "# TYPE " + family.name + " " + TypeName(family.type) + "\n";
  if (family.histogram) {
    const Histogram& h = *family.histogram;
    std::vector<uint64_t> cumulative = h.CumulativeCounts();
    for (size_t i = 0; i < h.bounds().size(); ++i) {
      *out += family.name + "_bucket{le=\"" + FormatMetricValue(h.bounds()[i]) + "\"} " +
              std::to_string(cumulative[i]) + "\n";
    }
    *out += family.name + "_bucket{le=\"+Inf\"} " + std::to_string(cumulative.back()) + "\n";
    *out += family.name + "_sum " + FormatMetricValue(h.sum()) + "\n";
    *out += family.name + "_count " + std::to_string(h.count()) + "\n";
    return;
  }
  for (const auto& [labels, value] : family.series) {
    *out += family.name + LabelText(labels) + " " + FormatMetricValue(value) + "\n";
  }
}

std::string MetricsRegistry::Render() {
  for (const auto& collector : collectors_) collector(this);
  std::string out;
  for (const auto& family : families_) RenderFamily(*family, &out);
  out += std::string("# HELP ") + kDroppedSeries +
         " Label sets refused because a family reached its series limit.\n";
  out += std::string("# TYPE ") + kDroppedSeries + " counter\n";
  out += std::string(kDroppedSeries) + " " + std::to_string(dropped_series_) + "\n";
  return out;
}

}  // namespace orauditd
