#include "pipeline/ingest/archive_members.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace wirestream::ingest {
namespace {

struct ArchiveCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};

bool IsSafeMemberName(absl::string_view name) {
  if (name.empty() || name[0] == '/' || absl::StrContains(name, '\\')) {
    return false;
  }
  for (absl::string_view part : absl::StrSplit(name, '/')) {
    if (part == "..") return false;
  }
  return true;
}

bool IsHiddenMember(absl::string_view name) {
  if (absl::StartsWith(name, "__MACOSX/")) return true;
  for (absl::string_view part : absl::StrSplit(name, '/')) {
    if (absl::StartsWith(part, ".") && part != ".") return true;
  }
  return false;
}

}  // namespace

bool LooksLikeArchive(absl::string_view bytes) {
  if (absl::StartsWith(bytes, absl::string_view("PK\x03\x04", 4)) ||
      absl::StartsWith(bytes, absl::string_view("PK\x05\x06", 4))) {
    return true;  // zip (an empty one too)
  }
  if (absl::StartsWith(bytes, "\x1f\x8b") ||  // gzip
      absl::StartsWith(bytes, "BZh") ||       // bzip2
      absl::StartsWith(bytes,
                       "\xfd"
                       "7zXZ")) {  // xz
    return true;
  }
  // POSIX and GNU tar: "ustar" at offset 257.
  return bytes.size() >= 512 && bytes.substr(257, 5) == "ustar";
}

absl::StatusOr<std::vector<ArchiveMember>> ReadArchiveMembers(
    absl::string_view bytes, const ArchiveLimits& limits) {
  std::unique_ptr<archive, ArchiveCloser> reader(archive_read_new());
  archive_read_support_format_zip(reader.get());
  archive_read_support_format_tar(reader.get());
  archive_read_support_filter_gzip(reader.get());
  archive_read_support_filter_bzip2(reader.get());
  archive_read_support_filter_xz(reader.get());
  if (archive_read_open_memory(reader.get(), bytes.data(), bytes.size()) !=
      ARCHIVE_OK) {
    return absl::InvalidArgumentError(absl::StrCat(
        "not a readable zip or tar batch: ",
        archive_error_string(reader.get()) ? archive_error_string(reader.get())
                                           : "unknown format"));
  }
  std::vector<ArchiveMember> members;
  archive_entry* entry = nullptr;
  while (true) {
    const int r = archive_read_next_header(reader.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
      return absl::InvalidArgumentError(
          absl::StrCat("damaged batch after ", members.size(),
                       " members: ", archive_error_string(reader.get())));
    }
    const char* raw_name = archive_entry_pathname(entry);
    const std::string name = raw_name ? raw_name : "";
    if (archive_entry_filetype(entry) != AE_IFREG) continue;
    if (!IsSafeMemberName(name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("unsafe member name \"", name, "\" in the batch"));
    }
    if (IsHiddenMember(name)) continue;
    if (archive_entry_is_encrypted(entry)) {
      return absl::InvalidArgumentError(
          absl::StrCat("member ", name, " is encrypted"));
    }
    if (static_cast<int>(members.size()) >= limits.max_members) {
      return absl::InvalidArgumentError(absl::StrCat(
          "more than ", limits.max_members, " members in the batch"));
    }
    ArchiveMember member;
    member.name = name;
    // On the heap: this runs on HTTP server threads with small stacks.
    std::vector<char> buffer(64 << 10);
    while (true) {
      const la_ssize_t n =
          archive_read_data(reader.get(), buffer.data(), buffer.size());
      if (n == 0) break;
      if (n < 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "member ", name,
            " cannot be read: ", archive_error_string(reader.get())));
      }
      member.bytes.append(buffer.data(), static_cast<size_t>(n));
      if (static_cast<int64_t>(member.bytes.size()) > limits.max_member_bytes) {
        return absl::InvalidArgumentError(
            absl::StrCat("member ", name, " is over the limit of ",
                         limits.max_member_bytes, " bytes"));
      }
    }
    members.push_back(std::move(member));
  }
  if (members.empty()) {
    return absl::InvalidArgumentError("the batch holds no story");
  }
  return members;
}

}  // namespace wirestream::ingest
