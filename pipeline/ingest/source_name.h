// File: pipeline/ingest/source_name.h
//
// The one rule for a feed's name (RawStory.source) wherever a gateway takes
// one from outside: a URL path segment, a --folder flag, a tokens file.
//
//   if (!IsValidSourceName(segment)) { ... 400 ... }
#ifndef WIRESTREAM_PIPELINE_INGEST_SOURCE_NAME_H_
#define WIRESTREAM_PIPELINE_INGEST_SOURCE_NAME_H_

#include "absl/strings/string_view.h"

namespace wirestream::ingest {

// True when `source` can name a feed: 1 to 64 of [A-Za-z0-9._-], not "."
// or ".." (so it is safe in a path and a metric label).
bool IsValidSourceName(absl::string_view source);

}  // namespace wirestream::ingest

#endif  // WIRESTREAM_PIPELINE_INGEST_SOURCE_NAME_H_
