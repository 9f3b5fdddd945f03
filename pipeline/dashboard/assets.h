// File: pipeline/dashboard/assets.h
//
// The page's files (assets/), compiled into the binary by embed_assets.sh so
// the dashboard serves them with nothing loaded from disk or elsewhere.
//
//   const Asset* page = FindAsset("/index.html");
#ifndef WIRESTREAM_PIPELINE_DASHBOARD_ASSETS_H_
#define WIRESTREAM_PIPELINE_DASHBOARD_ASSETS_H_

#include "absl/strings/string_view.h"

namespace wirestream::dashboard {

struct Asset {
  // The URL path, e.g. "/app.js".
  absl::string_view path;
  absl::string_view content_type;
  absl::string_view body;
};

// Returns the asset served at `path`, or null.
const Asset* FindAsset(absl::string_view path);

}  // namespace wirestream::dashboard

#endif  // WIRESTREAM_PIPELINE_DASHBOARD_ASSETS_H_
