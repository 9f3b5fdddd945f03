// File: pipeline/ingest/testing/archive_builder.h
//
// Builds zip and tar batches in memory for tests, with libarchive.
//
//   std::string zip = BuildArchive(ArchiveKind::kZip, {{"a.txt", "story"}});
#ifndef WIRESTREAM_PIPELINE_INGEST_TESTING_ARCHIVE_BUILDER_H_
#define WIRESTREAM_PIPELINE_INGEST_TESTING_ARCHIVE_BUILDER_H_

#include <archive.h>
#include <archive_entry.h>

#include <string>
#include <utility>
#include <vector>

namespace wirestream::ingest {

enum class ArchiveKind { kZip, kTar, kTarGz };

// Returns an archive of `members` (name, bytes), in order.
inline std::string BuildArchive(
    ArchiveKind kind,
    const std::vector<std::pair<std::string, std::string>>& members) {
  std::string out(1 << 20, '\0');
  size_t used = 0;
  archive* a = archive_write_new();
  if (kind == ArchiveKind::kZip) {
    archive_write_set_format_zip(a);
  } else {
    archive_write_set_format_pax_restricted(a);
    if (kind == ArchiveKind::kTarGz) archive_write_add_filter_gzip(a);
  }
  archive_write_open_memory(a, out.data(), out.size(), &used);
  for (const auto& [name, bytes] : members) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, name.c_str());
    archive_entry_set_size(entry, static_cast<la_int64_t>(bytes.size()));
    archive_entry_set_filetype(entry, AE_IFREG);
    archive_entry_set_perm(entry, 0644);
    archive_write_header(a, entry);
    archive_write_data(a, bytes.data(), bytes.size());
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
  out.resize(used);
  return out;
}

}  // namespace wirestream::ingest

#endif  // WIRESTREAM_PIPELINE_INGEST_TESTING_ARCHIVE_BUILDER_H_
