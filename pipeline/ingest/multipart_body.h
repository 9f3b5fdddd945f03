// File: pipeline/ingest/multipart_body.h
//
// Splits a multipart/form-data (or multipart/mixed) request body into its
// parts (RFC 7578, RFC 2046): each part's file name, content type and bytes.
//
//   auto boundary = MultipartBoundary(content_type);
//   auto parts = SplitMultipart(body, *boundary);
#ifndef WIRESTREAM_PIPELINE_INGEST_MULTIPART_BODY_H_
#define WIRESTREAM_PIPELINE_INGEST_MULTIPART_BODY_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wirestream::ingest {

struct MultipartPart {
  // The filename (or, without one, the name) of Content-Disposition.
  std::string name;
  // The part's Content-Type, empty when not given.
  std::string content_type;
  std::string bytes;
};

// Returns the boundary of a "multipart/...; boundary=..." content type;
// NOT_FOUND when `content_type` is not multipart; INVALID_ARGUMENT when the
// boundary is missing or too long.
absl::StatusOr<std::string> MultipartBoundary(absl::string_view content_type);

// Returns the parts of `body`, in order. INVALID_ARGUMENT when the body
// does not open with the boundary, a part has no blank line after its
// headers, or the closing boundary is missing (a cut-off upload).
absl::StatusOr<std::vector<MultipartPart>> SplitMultipart(
    absl::string_view body, absl::string_view boundary);

}  // namespace wirestream::ingest

#endif  // WIRESTREAM_PIPELINE_INGEST_MULTIPART_BODY_H_
