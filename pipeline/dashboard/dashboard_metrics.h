// File: pipeline/dashboard/dashboard_metrics.h
//
// DashboardMetrics: every metric the dashboard keeps, created once in a
// prometheus::Registry at start-up and never looked up afterwards.
//
//   auto registry = std::make_shared<prometheus::Registry>();
//   DashboardMetrics metrics(*registry);
//   metrics.stories_received->Increment();
//
// Thread-safe (prometheus-cpp metrics are).
#ifndef WIRESTREAM_PIPELINE_DASHBOARD_DASHBOARD_METRICS_H_
#define WIRESTREAM_PIPELINE_DASHBOARD_DASHBOARD_METRICS_H_

#include "prometheus/counter.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace wirestream::dashboard {

struct DashboardMetrics {
  explicit DashboardMetrics(prometheus::Registry& registry);

  // Records read from wire.enriched and wire.alerts.
  prometheus::Counter* stories_received;
  prometheus::Counter* alerts_received;
  // Records that did not parse as their topic's message.
  prometheus::Counter* records_unreadable;
  // Records already older than the window when read.
  prometheus::Counter* records_too_old;
  // What the window holds now.
  prometheus::Gauge* stories_in_window;
  prometheus::Gauge* alerts_in_window;
  // Open live-update (server-sent events) connections, and ones refused
  // because --max_clients were already open.
  prometheus::Gauge* live_clients;
  prometheus::Counter* live_clients_refused;
  // Live events written to pages.
  prometheus::Counter* live_events_sent;
  // Seconds from a record's timestamp on its topic to its live event being
  // written to a page's connection.
  prometheus::Histogram* delivery_seconds;
  // API and page requests refused for a missing or wrong token.
  prometheus::Counter* requests_unauthorized;
  // 1 once the window's history is loaded.
  prometheus::Gauge* ready;
};

}  // namespace wirestream::dashboard

#endif  // WIRESTREAM_PIPELINE_DASHBOARD_DASHBOARD_METRICS_H_
