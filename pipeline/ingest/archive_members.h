// File: pipeline/ingest/archive_members.h
//
// Reads the stories out of a zip or tar batch (tar may be gzip-, bzip2- or
// xz-compressed), with Debian's libarchive. Each regular member is one
// story; directories, links and hidden members (a leading '.', __MACOSX/)
// are skipped. Member names are checked: absolute paths and ".." are
// refused, so no name can point outside the batch.
//
//   if (LooksLikeArchive(bytes)) {
//     absl::StatusOr<std::vector<ArchiveMember>> members =
//         ReadArchiveMembers(bytes, {.max_member_bytes = 1 << 20});
//   }
#ifndef WIRESTREAM_PIPELINE_INGEST_ARCHIVE_MEMBERS_H_
#define WIRESTREAM_PIPELINE_INGEST_ARCHIVE_MEMBERS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace wirestream::ingest {

struct ArchiveMember {
  // The member's path inside the batch, e.g. "2026-12-08/ap-0001.xml".
  std::string name;
  std::string bytes;
};

struct ArchiveLimits {
  // A member larger than this fails the whole batch.
  int64_t max_member_bytes = 1000000;
  // More members than this fail the batch.
  int max_members = 10000;
};

// True when `bytes` open like a zip file or a tar archive (plain or
// compressed with gzip, bzip2 or xz).
bool LooksLikeArchive(absl::string_view bytes);

// Returns the regular members of the zip or tar archive `bytes`, in archive
// order. INVALID_ARGUMENT (saying which member and why) for a damaged
// archive, an unsafe member name, a member over the limit, an encrypted
// member, or no story in it at all.
absl::StatusOr<std::vector<ArchiveMember>> ReadArchiveMembers(
    absl::string_view bytes, const ArchiveLimits& limits);

}  // namespace wirestream::ingest

#endif  // WIRESTREAM_PIPELINE_INGEST_ARCHIVE_MEMBERS_H_
