#include "pipeline/dashboard/dashboard_metrics.h"

namespace wirestream::dashboard {
namespace {

prometheus::Counter* CounterIn(prometheus::Registry& registry,
                               const std::string& name,
                               const std::string& help) {
  return &prometheus::BuildCounter()
              .Name(name)
              .Help(help)
              .Register(registry)
              .Add({});
}

prometheus::Gauge* GaugeIn(prometheus::Registry& registry,
                           const std::string& name, const std::string& help) {
  return &prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add(
      {});
}

}  // namespace

DashboardMetrics::DashboardMetrics(prometheus::Registry& registry)
    : stories_received(CounterIn(registry,
                                 "wirestream_dashboard_stories_received_total",
                                 "Records read from the enriched topic.")),
      alerts_received(CounterIn(registry,
                                "wirestream_dashboard_alerts_received_total",
                                "Records read from the alerts topic.")),
      records_unreadable(
          CounterIn(registry, "wirestream_dashboard_records_unreadable_total",
                    "Records that did not parse as their topic's message.")),
      records_too_old(
          CounterIn(registry, "wirestream_dashboard_records_too_old_total",
                    "Records already older than the window when read.")),
      stories_in_window(GaugeIn(registry,
                                "wirestream_dashboard_stories_in_window",
                                "Stories the window holds.")),
      alerts_in_window(GaugeIn(registry,
                               "wirestream_dashboard_alerts_in_window",
                               "Alerts the window holds.")),
      live_clients(GaugeIn(registry, "wirestream_dashboard_live_clients",
                           "Open live-update connections.")),
      live_clients_refused(
          CounterIn(registry, "wirestream_dashboard_live_clients_refused_total",
                    "Live-update connections refused at --max_clients.")),
      live_events_sent(CounterIn(registry,
                                 "wirestream_dashboard_live_events_sent_total",
                                 "Live events written to pages.")),
      delivery_seconds(
          &prometheus::BuildHistogram()
               .Name("wirestream_dashboard_delivery_seconds")
               .Help("Seconds from a record's timestamp on its topic to its "
                     "live event written to a page.")
               .Register(registry)
               .Add({},
                    prometheus::Histogram::BucketBoundaries{
                        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
                        10})),
      requests_unauthorized(CounterIn(
          registry, "wirestream_dashboard_requests_unauthorized_total",
          "Requests refused for a missing or wrong access token.")),
      ready(GaugeIn(registry, "wirestream_ready",
                    "1 once the dashboard's history is loaded.")) {}

}  // namespace wirestream::dashboard
