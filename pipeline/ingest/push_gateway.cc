#include "pipeline/ingest/push_gateway.h"

#include <xxhash.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "pipeline/ingest/archive_members.h"
#include "pipeline/ingest/multipart_body.h"
#include "pipeline/ingest/source_name.h"

namespace wirestream::ingest {
namespace {

std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += "\"";
  return out;
}

std::string Header(const PushRequest& request, absl::string_view name) {
  auto it = request.headers.find(name);
  return it == request.headers.end() ? "" : it->second;
}

bool IsArchiveType(absl::string_view content_type) {
  const std::string lower = absl::AsciiStrToLower(content_type);
  for (absl::string_view type :
       {"application/zip", "application/x-zip-compressed", "application/x-tar",
        "application/gzip", "application/x-gzip", "application/x-gtar"}) {
    if (absl::StartsWith(lower, type)) return true;
  }
  return false;
}

// An Idempotency-Key or feed item id a sender may choose: 1 to 200 visible
// ASCII characters.
bool IsValidKey(absl::string_view key) {
  if (key.empty() || key.size() > 200) return false;
  for (char c : key) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

}  // namespace

PushGateway::PushGateway(PushGatewayOptions options, AccessTokens* tokens,
                         RateLimiter* limiter, CommitQueue* queue,
                         IngestMetrics* metrics)
    : options_(std::move(options)),
      tokens_(tokens),
      limiter_(limiter),
      queue_(queue),
      metrics_(metrics) {}

PushResponse PushGateway::Refuse(int status, absl::string_view message,
                                 std::optional<RejectReason> reason) {
  if (reason && metrics_ != nullptr) metrics_->Rejected(*reason);
  PushResponse response;
  response.status = status;
  response.body = absl::StrCat("{\"error\":", JsonString(message), "}\n");
  return response;
}

std::optional<PushResponse> PushGateway::Screen(const PushRequest& request) {
  if (!absl::StartsWith(request.path, kPushPathPrefix)) {
    return Refuse(404, "not found: POST stories to /v1/stories/{source}",
                  std::nullopt);
  }
  const absl::string_view source =
      absl::string_view(request.path).substr(kPushPathPrefix.size());
  if (!IsValidSourceName(source)) {
    return Refuse(400,
                  "the source in /v1/stories/{source} must be 1 to 64 "
                  "letters, digits, '.', '_' or '-' (no '/', no '..')",
                  RejectReason::kBadPath);
  }
  if (request.method != "POST") {
    PushResponse r = Refuse(405, "use POST", std::nullopt);
    r.headers.emplace_back("Allow", "POST");
    return r;
  }
  const std::string authorization = Header(request, "authorization");
  std::string token;
  if (absl::StartsWithIgnoreCase(authorization, "Bearer ")) {
    token = std::string(
        absl::StripAsciiWhitespace(absl::string_view(authorization).substr(7)));
  }
  switch (tokens_->Check(source, token)) {
    case TokenCheck::kMissing: {
      PushResponse r = Refuse(401, "send Authorization: Bearer TOKEN",
                              RejectReason::kUnauthorized);
      r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"wirestream\"");
      r.close = true;
      return r;
    }
    case TokenCheck::kWrongSource: {
      PushResponse r = Refuse(
          403, absl::StrCat("this token may not send stories for ", source),
          RejectReason::kForbidden);
      r.close = true;
      return r;
    }
    case TokenCheck::kValid:
      break;
  }
  if (request.declared_length > options_.max_body_bytes) {
    PushResponse r = Refuse(
        413,
        absl::StrCat("body of ", request.declared_length,
                     " bytes is over the limit of ", options_.max_body_bytes),
        RejectReason::kTooLarge);
    r.close = true;
    return r;
  }
  if (!limiter_->Allow(source, 1, absl::Now())) {
    PushResponse r =
        Refuse(429, absl::StrCat("rate limit of source ", source, " reached"),
               RejectReason::kRateLimited);
    r.headers.emplace_back("Retry-After", "1");
    r.close = true;
    return r;
  }
  return std::nullopt;
}

PushResponse PushGateway::Handle(const PushRequest& request) {
  const std::string source = std::string(
      absl::string_view(request.path).substr(kPushPathPrefix.size()));
  if (static_cast<int64_t>(request.body.size()) > options_.max_body_bytes) {
    PushResponse r = Refuse(413,
                            absl::StrCat("body is over the limit of ",
                                         options_.max_body_bytes, " bytes"),
                            RejectReason::kTooLarge);
    r.close = true;
    return r;
  }
  if (request.declared_length >= 0 &&
      static_cast<int64_t>(request.body.size()) != request.declared_length) {
    return Refuse(
        400,
        absl::StrCat("body of ", request.body.size(),
                     " bytes, Content-Length said ", request.declared_length),
        RejectReason::kMalformed);
  }
  if (request.body.empty()) {
    return Refuse(400, "empty body: send the story", RejectReason::kEmpty);
  }
  const std::string idempotency_key = Header(request, "idempotency-key");
  if (!idempotency_key.empty() && !IsValidKey(idempotency_key)) {
    return Refuse(400,
                  "Idempotency-Key must be 1 to 200 visible ASCII characters",
                  RejectReason::kMalformed);
  }
  std::string item_id = Header(request, "x-feed-item-id");
  if (!item_id.empty() && !IsValidKey(item_id)) {
    return Refuse(400,
                  "X-Feed-Item-Id must be 1 to 200 visible ASCII characters",
                  RejectReason::kMalformed);
  }
  const XXH128_hash_t h =
      XXH3_128bits(request.body.data(), request.body.size());
  const std::string hash = absl::StrFormat("%016x%016x", h.high64, h.low64);
  const std::string key_base = absl::StrCat(
      "push/", options_.instance, "/", source, "/",
      idempotency_key.empty() ? absl::StrCat("sha:", hash)
                              : absl::StrCat("key:", idempotency_key));
  if (item_id.empty()) {
    item_id = idempotency_key.empty()
                  ? absl::StrCat(source, "-", hash.substr(0, 20))
                  : idempotency_key;
  }

  // The stories of the request: (name, content type, bytes).
  struct Piece {
    std::string name;
    std::string content_type;
    std::string bytes;
  };
  std::vector<Piece> pieces;
  const std::string content_type = Header(request, "content-type");
  absl::StatusOr<std::string> boundary = MultipartBoundary(content_type);
  if (boundary.ok()) {
    auto parts = SplitMultipart(request.body, *boundary);
    if (!parts.ok()) {
      return Refuse(400, parts.status().message(), RejectReason::kMalformed);
    }
    int index = 0;
    for (MultipartPart& part : *parts) {
      ++index;
      if (part.bytes.empty()) continue;
      pieces.push_back(
          {part.name.empty() ? absl::StrCat("part-", index) : part.name,
           part.content_type, std::move(part.bytes)});
    }
  } else if (!absl::IsNotFound(boundary.status())) {
    return Refuse(400, boundary.status().message(), RejectReason::kMalformed);
  } else if (IsArchiveType(content_type) ||
             ((content_type.empty() ||
               absl::StartsWithIgnoreCase(content_type,
                                          "application/octet-stream")) &&
              LooksLikeArchive(request.body))) {
    ArchiveLimits limits;
    limits.max_member_bytes = options_.max_story_bytes;
    limits.max_members = options_.max_stories;
    auto members = ReadArchiveMembers(request.body, limits);
    if (!members.ok()) {
      return Refuse(400, members.status().message(), RejectReason::kMalformed);
    }
    for (ArchiveMember& m : *members) {
      pieces.push_back({m.name, "", std::move(m.bytes)});
    }
  } else {
    if (static_cast<int64_t>(request.body.size()) > options_.max_story_bytes) {
      return Refuse(413, "story over the size limit", RejectReason::kTooLarge);
    }
    pieces.push_back({"", content_type, request.body});
  }
  if (pieces.empty()) {
    return Refuse(400, "the upload holds no story", RejectReason::kEmpty);
  }
  if (static_cast<int>(pieces.size()) > options_.max_stories) {
    return Refuse(413, "too many stories in one upload",
                  RejectReason::kTooLarge);
  }
  for (const Piece& p : pieces) {
    if (static_cast<int64_t>(p.bytes.size()) > options_.max_story_bytes) {
      return Refuse(413, absl::StrCat("story ", p.name, " is over the limit"),
                    RejectReason::kTooLarge);
    }
  }

  const absl::Time now = absl::Now();
  std::vector<Submission> submissions;
  const bool several = !pieces.front().name.empty();
  for (size_t i = 0; i < pieces.size(); ++i) {
    Submission s;
    const std::string id =
        several ? absl::StrCat(item_id, "/", pieces[i].name) : item_id;
    s.ledger_key = several ? absl::StrCat(key_base, "#", i) : key_base;
    s.record_key = id;
    s.story.set_feed_item_id(id);
    s.story.set_source(source);
    s.story.set_content_type(pieces[i].content_type);
    s.story.set_payload(std::move(pieces[i].bytes));
    const int64_t nanos = absl::ToUnixNanos(now);
    s.story.mutable_received_at()->set_seconds(nanos / 1000000000);
    s.story.mutable_received_at()->set_nanos(
        static_cast<int32_t>(nanos % 1000000000));
    (*s.story.mutable_attributes())["ingest.gateway"] = "push";
    if (several)
      (*s.story.mutable_attributes())["ingest.file"] = pieces[i].name;
    submissions.push_back(std::move(s));
  }
  std::vector<std::pair<std::string, int64_t>> taken;
  for (const Submission& s : submissions) {
    taken.emplace_back(s.story.feed_item_id(),
                       static_cast<int64_t>(s.story.payload().size()));
  }
  absl::StatusOr<SubmitResult> result =
      queue_->Submit(std::move(submissions), options_.kafka_wait);
  if (!result.ok()) {
    PushResponse r =
        Refuse(503, absl::StrCat("not accepted: ", result.status().message()),
               RejectReason::kKafkaUnavailable);
    r.headers.emplace_back("Retry-After", "1");
    return r;
  }
  if (!result->replay && metrics_ != nullptr) {
    for (const auto& [id, bytes] : taken) metrics_->StoryTaken(source, bytes);
  }
  const Receipt& first = result->receipts.front();
  std::string body = absl::StrCat(
      "{\"topic\":", JsonString(first.topic),
      ",\"partition\":", first.partition, ",\"offset\":", first.offset,
      ",\"replay\":", result->replay ? "true" : "false", ",\"stories\":[");
  for (size_t i = 0; i < result->receipts.size(); ++i) {
    const Receipt& r = result->receipts[i];
    absl::StrAppend(
        &body, i ? "," : "", "{\"feed_item_id\":", JsonString(taken[i].first),
        ",\"topic\":", JsonString(r.topic), ",\"partition\":", r.partition,
        ",\"offset\":", r.offset, "}");
  }
  absl::StrAppend(&body, "]}\n");
  PushResponse response;
  response.status = 202;
  response.body = std::move(body);
  return response;
}

}  // namespace wirestream::ingest
