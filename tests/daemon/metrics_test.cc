#include "daemon/metrics.h"

#include <gtest/gtest.h>

namespace orauditd {
namespace {

TEST(MetricsTest, CounterRendersWithHelpTypeAndLabelsInOrder) {
  MetricsRegistry registry;
  registry.AddCounter("orauditd_records_received_total", "Records that reached intake.");
  registry.Set("orauditd_records_received_total", {{"source", "socket"}, {"outcome", "accepted"}},
               12);
  registry.Set("orauditd_records_received_total", {{"source", "socket"}, {"outcome", "refused"}},
               1);

  std::string text = registry.Render();
  EXPECT_NE(text.find("# HELP orauditd_records_received_total Records that reached intake.\n"
                      "# TYPE orauditd_records_received_total counter\n"
                      "orauditd_records_received_total{source=\"socket\",outcome=\"accepted\"} 12\n"
                      "orauditd_records_received_total{source=\"socket\",outcome=\"refused\"} 1\n"),
            std::string::npos)
      << text;
}

TEST(MetricsTest, GaugeWithoutLabelsAndSetAgainKeepsOneSeries) {
  MetricsRegistry registry;
  registry.AddGauge("orauditd_queue_depth", "Records waiting.");
  registry.Set("orauditd_queue_depth", 5);
  registry.Set("orauditd_queue_depth", 3);
  std::string text = registry.Render();
  EXPECT_NE(text.find("# TYPE orauditd_queue_depth gauge\norauditd_queue_depth 3\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("orauditd_queue_depth 5"), std::string::npos);
}

TEST(MetricsTest, HistogramBucketsAreCumulativeWithInfSumAndCount) {
  MetricsRegistry registry;
  Histogram* h =
      registry.AddHistogram("orauditd_fetch_duration_seconds", "Lookup time.", {0.1, 0.5, 1});
  h->Observe(0.05);
  h->Observe(0.1);  // a value on a bound belongs to that bucket (le)
  h->Observe(0.3);
  h->Observe(7);
  std::string text = registry.Render();
  EXPECT_NE(text.find("# TYPE orauditd_fetch_duration_seconds histogram\n"
                      "orauditd_fetch_duration_seconds_bucket{le=\"0.1\"} 2\n"
                      "orauditd_fetch_duration_seconds_bucket{le=\"0.5\"} 3\n"
                      "orauditd_fetch_duration_seconds_bucket{le=\"1\"} 3\n"
                      "orauditd_fetch_duration_seconds_bucket{le=\"+Inf\"} 4\n"
                      "orauditd_fetch_duration_seconds_sum 7.45\n"
                      "orauditd_fetch_duration_seconds_count 4\n"),
            std::string::npos)
      << text;
}

TEST(MetricsTest, CollectorsRunBeforeEachRender) {
  MetricsRegistry registry;
  registry.AddGauge("orauditd_in_flight_lookups", "Lookups in flight.");
  int in_flight = 2;
  registry.AddCollector(
      [&](MetricsRegistry* r) { r->Set("orauditd_in_flight_lookups", in_flight); });
  EXPECT_NE(registry.Render().find("orauditd_in_flight_lookups 2\n"), std::string::npos);
  in_flight = 7;
  EXPECT_NE(registry.Render().find("orauditd_in_flight_lookups 7\n"), std::string::npos);
}

TEST(MetricsTest, LabelValuesAndHelpAreEscaped) {
  MetricsRegistry registry;
  registry.AddGauge("orauditd_x", "line one\nback\\slash");
  registry.Set("orauditd_x", {{"key", "a\"b\\c\nd"}}, 1);
  std::string text = registry.Render();
  EXPECT_NE(text.find("# HELP orauditd_x line one\\nback\\\\slash\n"), std::string::npos) << text;
  EXPECT_NE(text.find("orauditd_x{key=\"a\\\"b\\\\c\\nd\"} 1\n"), std::string::npos) << text;
}

TEST(MetricsTest, AFamilyRefusesLabelSetsBeyondItsLimitAndCountsThem) {
  MetricsRegistry registry;
  registry.AddCounter("orauditd_y_total", "y");
  for (size_t i = 0; i < MetricsRegistry::kMaxSeriesPerFamily + 5; ++i) {
    registry.Set("orauditd_y_total", {{"n", std::to_string(i)}}, 1);
  }
  std::string text = registry.Render();
  EXPECT_NE(text.find("orauditd_metrics_series_dropped_total 5\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("n=\"" + std::to_string(MetricsRegistry::kMaxSeriesPerFamily) + "\""),
            std::string::npos);
}

TEST(MetricsTest, EveryFamilyHasHelpThenTypeBeforeItsSamples) {
  MetricsRegistry registry;
  registry.AddCounter("orauditd_a_total", "a");
  registry.AddGauge("orauditd_b", "b");
  registry.AddHistogram("orauditd_c_seconds", "c", {1});
  registry.Set("orauditd_a_total", 1);
  registry.Set("orauditd_b", 2);
  std::string text = registry.Render();
  std::string last_help;
  std::string last_type;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    ASSERT_NE(end, std::string::npos) << "the page ends with a newline";
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.rfind("# HELP ", 0) == 0) {
      last_help = line.substr(7, line.find(' ', 7) - 7);
    } else if (line.rfind("# TYPE ", 0) == 0) {
      last_type = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_EQ(last_type, last_help);
    } else {
      EXPECT_EQ(line.rfind(last_type, 0), 0u) << line << " is not of family " << last_type;
    }
  }
}

TEST(MetricsTest, ValuesUseIntegersWhenWholeAndShortestFormOtherwise) {
  EXPECT_EQ(FormatMetricValue(0), "0");
  EXPECT_EQ(FormatMetricValue(42), "42");
  EXPECT_EQ(FormatMetricValue(0.25), "0.25");
  EXPECT_EQ(FormatMetricValue(1e-7), "1e-07");
  EXPECT_EQ(FormatMetricValue(1.0 / 0.0), "+Inf");
}

}  // namespace
}  // namespace orauditd
