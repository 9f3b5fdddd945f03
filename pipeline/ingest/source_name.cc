#include "pipeline/ingest/source_name.h"

#include "absl/strings/ascii.h"

namespace wirestream::ingest {

bool IsValidSourceName(absl::string_view source) {
  if (source.empty() || source.size() > 64 || source == "." || source == "..") {
    return false;
  }
  for (char c : source) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' &&
        c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace wirestream::ingest
