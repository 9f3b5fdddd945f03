#include "tools/loadgen/story_generator.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tools/loadgen/news_vocabulary.h"

namespace wirestream::tools::loadgen {
namespace {

constexpr const char* kSources[] = {"ap", "reuters", "afp", "dpa",
                                    "pa", "efe",     "ansa"};
constexpr const char* kAgencyNames[] = {"AP", "Reuters", "AFP", "dpa",
                                        "PA", "EFE",     "ANSA"};

constexpr const char* kMonths[] = {"January", "March",   "April",
                                   "June",    "August",  "September",
                                   "October", "December"};

template <typename T, size_t N>
const T& PickFrom(std::mt19937_64& random, const T (&items)[N]) {
  return items[std::uniform_int_distribution<size_t>(0, N - 1)(random)];
}

std::string XmlEscape(absl::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string JsonEscape(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

std::string AgencyName(absl::string_view source) {
  for (size_t i = 0; i < std::size(kSources); ++i) {
    if (source == kSources[i]) return kAgencyNames[i];
  }
  return std::string(source);
}

}  // namespace

absl::string_view StoryKindName(StoryKind kind) {
  switch (kind) {
    case StoryKind::kNew:
      return "new";
    case StoryKind::kResend:
      return "resend";
    case StoryKind::kCorrection:
      return "correction";
    case StoryKind::kRewrite:
      return "rewrite";
  }
  return "new";
}

absl::Status ValidateOptions(const StoryGeneratorOptions& options) {
  for (double rate :
       {options.resend_rate, options.correction_rate, options.rewrite_rate}) {
    if (!(rate >= 0 && rate <= 1)) {
      return absl::InvalidArgumentError("rates must be between 0 and 1");
    }
  }
  if (options.resend_rate + options.correction_rate + options.rewrite_rate >
      1) {
    return absl::InvalidArgumentError(
        "--resend_rate, --correction_rate and --rewrite_rate add up to more "
        "than 1");
  }
  double total = 0;
  for (const auto& [format, weight] : options.formats) {
    if (weight < 0) {
      return absl::InvalidArgumentError("format weights must be 0 or more");
    }
    switch (format) {
      case v1::WIRE_FORMAT_NINJS:
      case v1::WIRE_FORMAT_NEWSML_G2:
      case v1::WIRE_FORMAT_NITF:
      case v1::WIRE_FORMAT_PLAIN_TEXT:
      case v1::WIRE_FORMAT_HTML:
        break;
      default:
        return absl::InvalidArgumentError(
            "loadgen writes ninjs, newsml-g2, nitf, text and html");
    }
    total += weight;
  }
  if (total <= 0) return absl::InvalidArgumentError("no formats to write");
  if (options.memory < 1) {
    return absl::InvalidArgumentError("memory must be at least 1");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::pair<v1::WireFormat, double>>> ParseFormatMix(
    absl::string_view text) {
  std::vector<std::pair<v1::WireFormat, double>> formats;
  for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> parts =
        absl::StrSplit(item, absl::MaxSplits(':', 1));
    const std::string name =
        absl::AsciiStrToLower(absl::StripAsciiWhitespace(parts.first));
    double weight = 1;
    if (!parts.second.empty() && !absl::SimpleAtod(parts.second, &weight)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--formats: bad weight in \"", item, "\""));
    }
    v1::WireFormat format;
    if (name == "ninjs") {
      format = v1::WIRE_FORMAT_NINJS;
    } else if (name == "newsml-g2") {
      format = v1::WIRE_FORMAT_NEWSML_G2;
    } else if (name == "nitf") {
      format = v1::WIRE_FORMAT_NITF;
    } else if (name == "text") {
      format = v1::WIRE_FORMAT_PLAIN_TEXT;
    } else if (name == "html") {
      format = v1::WIRE_FORMAT_HTML;
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "--formats: unknown format \"", name,
          "\"; loadgen writes ninjs, newsml-g2, nitf, text and html"));
    }
    formats.emplace_back(format, weight);
  }
  if (formats.empty()) return absl::InvalidArgumentError("--formats is empty");
  return formats;
}

StoryGenerator::StoryGenerator(StoryGeneratorOptions options, uint64_t seed)
    : options_(std::move(options)), random_(seed), clock_(options_.start) {}

size_t StoryGenerator::Pick(size_t n) {
  return std::uniform_int_distribution<size_t>(0, n - 1)(random_);
}

v1::WireFormat StoryGenerator::PickFormat() {
  double total = 0;
  for (const auto& [format, weight] : options_.formats) total += weight;
  double u = std::uniform_real_distribution<double>(0, total)(random_);
  for (const auto& [format, weight] : options_.formats) {
    if (u < weight) return format;
    u -= weight;
  }
  return options_.formats.back().first;
}

// Picks one of `items`.
template <typename T>
const T& PickOne(std::mt19937_64& random, const std::vector<T>& items) {
  return items[std::uniform_int_distribution<size_t>(0,
                                                     items.size() - 1)(random)];
}

std::string StoryGenerator::Sentence(const Facts& facts) {
  const Desk& desk = Desks()[facts.desk];
  std::uniform_int_distribution<int> shape(0, 5);
  std::uniform_int_distribution<int> figure(2, 98);
  auto term = [&] { return PickOne(random_, facts.terms); };
  auto person = [&] { return PickOne(random_, facts.people); };
  switch (shape(random_)) {
    case 0:
      return absl::StrCat(facts.subject, " ", PickOne(random_, desk.actions),
                          " ", PickOne(random_, desk.objects), " ",
                          TimePhrase(random_), ", ", person(), ", ",
                          Role(random_), " ", facts.subject, ", said.");
    case 1:
      return absl::StrCat("\"", Quote(random_), ",\" said ", person(), ", ",
                          Role(random_), " ", PickOne(random_, desk.actors),
                          ".");
    case 2:
      return absl::StrCat(
          "About ", figure(random_) * 100, " ", PickOne(random_, desk.units),
          " in ", facts.city, " were affected by ", term(), ", and ",
          PickOne(random_, desk.actors), " said ", figure(random_),
          " percent of ", term(), " would recover by ",
          PickFrom(random_, kMonths), ".");
    case 3:
      return absl::StrCat(
          "The move on ", term(), " comes as ", PickOne(random_, desk.actors),
          " in ", facts.country, " ", PickOne(random_, desk.actions), " ",
          PickOne(random_, desk.objects), " ", TimePhrase(random_), ".");
    case 4:
      return absl::StrCat(
          person(), " of ", facts.other_organisation, " said ", term(), " and ",
          term(), " had ", figure(random_) % 2 ? "risen" : "fallen", " ",
          figure(random_), " percent since ", PickFrom(random_, kMonths), ".");
    default:
      return absl::StrCat(facts.subject, ", based in ", facts.city, ", has ",
                          figure(random_), " ", BackgroundWord(random_),
                          " across the ", BackgroundWord(random_), " and ",
                          term(), " in its ", BackgroundWord(random_), ".");
  }
}

StoryGenerator::Facts StoryGenerator::NewFacts() {
  Facts facts;
  const Place& place = Places()[Pick(Places().size())];
  facts.city = place.city;
  facts.country = place.country;
  facts.desk = Pick(Desks().size());
  const Desk& desk = Desks()[facts.desk];
  // The story's own subject and people, and a share of its desk's words.
  facts.subject = OrganisationName(random_);
  facts.other_organisation = OrganisationName(random_);
  for (int i = 0; i < 3; ++i) facts.people.push_back(PersonName(random_));
  std::vector<const char*> terms = desk.terms;
  std::shuffle(terms.begin(), terms.end(), random_);
  facts.terms.assign(terms.begin(), terms.begin() + 6);
  facts.source = PickFrom(random_, kSources);
  facts.story_id = absl::StrCat(facts.source, "-", serial_);
  facts.created = clock_;
  facts.format = PickFormat();
  facts.headline = absl::StrCat(facts.city, ": ", facts.subject, " ",
                                PickOne(random_, desk.actions), " ",
                                PickOne(random_, desk.objects));
  const int paragraphs = std::uniform_int_distribution<int>(5, 11)(random_);
  for (int p = 0; p < paragraphs; ++p) {
    const int sentences = std::uniform_int_distribution<int>(2, 4)(random_);
    std::vector<std::string> text;
    for (int s = 0; s < sentences; ++s) text.push_back(Sentence(facts));
    std::string paragraph = absl::StrJoin(text, " ");
    if (p == 0) {
      paragraph = absl::StrCat(absl::AsciiStrToUpper(facts.city), " (",
                               AgencyName(facts.source), ") - ", paragraph);
    }
    facts.paragraphs.push_back(std::move(paragraph));
  }
  return facts;
}

GeneratedStory StoryGenerator::Render(const Facts& facts, StoryKind kind) {
  GeneratedStory story;
  story.kind = kind;
  story.story_id = facts.story_id;
  story.version = facts.version;
  story.headline = facts.headline;
  const std::string created = Rfc3339(facts.created);
  const std::string updated = Rfc3339(clock_);
  std::string payload;
  switch (facts.format) {
    case v1::WIRE_FORMAT_NINJS: {
      std::string body;
      for (const std::string& p : facts.paragraphs) {
        absl::StrAppend(&body, "<p>", XmlEscape(p), "</p>");
      }
      payload = absl::StrCat(
          "{\"uri\": \"urn:", facts.source, ":", facts.story_id,
          "\", \"type\": \"text\", \"version\": \"", facts.version,
          "\", \"firstcreated\": \"", created, "\", \"versioncreated\": \"",
          updated, "\", \"pubstatus\": \"usable\", \"language\": \"en\", ",
          "\"located\": \"", facts.city, ", ", facts.country,
          "\", \"headline\": \"", JsonEscape(facts.headline),
          "\", \"body_html\": \"", JsonEscape(body), "\"}");
      break;
    }
    case v1::WIRE_FORMAT_NEWSML_G2: {
      std::string body;
      for (const std::string& p : facts.paragraphs) {
        absl::StrAppend(&body, "<p>", XmlEscape(p), "</p>\n");
      }
      payload = absl::StrCat(
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<newsItem xmlns=\"http://iptc.org/std/nar/2006-10-01/\" "
          "guid=\"urn:",
          facts.source, ":", facts.story_id, "\" version=\"", facts.version,
          "\" standard=\"NewsML-G2\" standardversion=\"2.29\" "
          "xml:lang=\"en\">\n<itemMeta><itemClass qcode=\"ninat:text\"/>"
          "<provider literal=\"",
          AgencyName(facts.source), "\"/><versionCreated>", updated,
          "</versionCreated><firstCreated>", created,
          "</firstCreated><pubStatus qcode=\"stat:usable\"/></itemMeta>\n"
          "<contentMeta><located><name>",
          facts.city, "</name></located><language tag=\"en\"/><headline>",
          XmlEscape(facts.headline),
          "</headline></contentMeta>\n<contentSet><inlineXML "
          "contenttype=\"application/xhtml+xml\"><html "
          "xmlns=\"http://www.w3.org/1999/xhtml\"><body>\n",
          body, "</body></html></inlineXML></contentSet>\n</newsItem>\n");
      break;
    }
    case v1::WIRE_FORMAT_NITF: {
      std::string body;
      for (const std::string& p : facts.paragraphs) {
        absl::StrAppend(&body, "<p>", XmlEscape(p), "</p>\n");
      }
      payload = absl::StrCat(
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<nitf "
          "xmlns=\"http://iptc.org/std/NITF/2006-10-18/\" xml:lang=\"en\">\n"
          "<head><title>",
          XmlEscape(facts.headline), "</title><docdata><doc-id id-string=\"",
          facts.story_id, "\"/><du-key version=\"", facts.version,
          "\"/></docdata></head>\n<body><body.head><hedline><hl1>",
          XmlEscape(facts.headline),
          "</hl1></hedline><dateline><location><city>", facts.city,
          "</city></location></dateline></body.head>\n<body.content>\n", body,
          "</body.content></body>\n</nitf>\n");
      break;
    }
    case v1::WIRE_FORMAT_HTML: {
      std::string body;
      for (const std::string& p : facts.paragraphs) {
        absl::StrAppend(&body, "<p>", XmlEscape(p), "</p>\n");
      }
      payload = absl::StrCat(
          "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"UTF-8\">"
          "<title>",
          XmlEscape(facts.headline),
          "</title><meta property=\"article:published_time\" content=\"",
          updated,
          "\"></head>\n<body><nav><a href=\"/\">Home</a> <a "
          "href=\"/world\">World</a></nav>\n<article><h1>",
          XmlEscape(facts.headline), "</h1>\n", body,
          "</article>\n<aside><h3>Read more</h3><ul><li><a "
          "href=\"/more\">Related stories</a></li></ul></aside>\n"
          "<footer>Share this story. Subscribe to our newsletter."
          "</footer></body></html>\n");
      break;
    }
    default:
      payload = absl::StrCat(facts.headline, "\n\n",
                             absl::StrJoin(facts.paragraphs, "\n\n"), "\n");
      break;
  }
  story.raw.set_feed_item_id(absl::StrCat(facts.story_id, "-v", facts.version));
  story.raw.set_source(facts.source);
  story.raw.set_format(facts.format);
  story.raw.set_payload(std::move(payload));
  story.raw.mutable_received_at()->set_seconds(absl::ToUnixSeconds(clock_));
  return story;
}

GeneratedStory StoryGenerator::Next() {
  ++serial_;
  clock_ += absl::Seconds(std::uniform_int_distribution<int>(1, 5)(random_));
  StoryKind kind = StoryKind::kNew;
  if (!recent_.empty()) {
    const double u = std::uniform_real_distribution<double>(0, 1)(random_);
    if (u < options_.resend_rate) {
      kind = StoryKind::kResend;
    } else if (u < options_.resend_rate + options_.correction_rate) {
      kind = StoryKind::kCorrection;
    } else if (u < options_.resend_rate + options_.correction_rate +
                       options_.rewrite_rate) {
      kind = StoryKind::kRewrite;
    }
  }
  GeneratedStory story;
  switch (kind) {
    case StoryKind::kResend: {
      // The same delivery again, byte for byte.
      story = recent_sent_[Pick(recent_sent_.size())];
      story.kind = StoryKind::kResend;
      story.raw.mutable_received_at()->set_seconds(absl::ToUnixSeconds(clock_));
      return story;
    }
    case StoryKind::kCorrection: {
      Facts& facts = recent_[Pick(recent_.size())];
      ++facts.version;
      facts.headline = absl::StrCat("CORRECTED: ", facts.headline);
      const size_t p = Pick(facts.paragraphs.size());
      facts.paragraphs[p] = absl::StrCat(
          facts.paragraphs[p], " (Corrects figure in paragraph ", p + 1, ".)");
      story = Render(facts, kind);
      break;
    }
    case StoryKind::kRewrite: {
      // Another agency on the same facts: its own id and headline, the
      // paragraphs lightly reordered, its own format.
      Facts facts = recent_[Pick(recent_.size())];
      std::string other = facts.source;
      while (other == facts.source) other = PickFrom(random_, kSources);
      facts.source = other;
      facts.story_id = absl::StrCat(other, "-", serial_);
      facts.version = 1;
      facts.created = clock_;
      facts.format = PickFormat();
      facts.headline = absl::StrCat(facts.headline, ", officials say");
      if (facts.paragraphs.size() > 3) {
        std::swap(facts.paragraphs[1], facts.paragraphs[2]);
      }
      story = Render(facts, kind);
      recent_.push_back(std::move(facts));
      break;
    }
    case StoryKind::kNew: {
      Facts facts = NewFacts();
      story = Render(facts, kind);
      recent_.push_back(std::move(facts));
      break;
    }
  }
  while (recent_.size() > static_cast<size_t>(options_.memory)) {
    recent_.pop_front();
  }
  recent_sent_.push_back(story);
  while (recent_sent_.size() > static_cast<size_t>(options_.memory)) {
    recent_sent_.pop_front();
  }
  return story;
}

}  // namespace wirestream::tools::loadgen
