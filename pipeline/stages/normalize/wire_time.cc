#include "pipeline/stages/normalize/wire_time.h"

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"
#include "re2/re2.h"

namespace wirestream::normalize {
namespace {

re2::StringPiece Piece(absl::string_view s) {
  return re2::StringPiece(s.data(), s.size());
}

int ToInt(const std::string& digits) {
  int value = 0;
  if (!absl::SimpleAtoi(digits, &value)) return -1;
  return value;
}

// Returns the time of the civil date and time in UTC, or nullopt when a
// field is out of range (absl would otherwise normalise Feb 30 to Mar 2).
std::optional<absl::Time> FromCivil(int year, int month, int day, int hour,
                                    int minute, int second) {
  absl::CivilSecond civil(year, month, day, hour, minute, second);
  if (civil.year() != year || civil.month() != month || civil.day() != day ||
      civil.hour() != hour || civil.minute() != minute ||
      civil.second() != second) {
    return std::nullopt;
  }
  return absl::FromCivil(civil, absl::UTCTimeZone());
}

int FourDigitYear(int year) {
  if (year >= 100) return year;
  return year < 70 ? 2000 + year : 1900 + year;
}

// Returns the UTC offset of a zone abbreviation in hours, or nullopt.
std::optional<int> ZoneOffsetHours(absl::string_view zone) {
  struct Zone {
    absl::string_view name;
    int hours;
  };
  static constexpr Zone kZones[] = {
      {"GMT", 0},  {"UTC", 0},  {"UT", 0},   {"Z", 0},    {"EST", -5},
      {"EDT", -4}, {"ET", -5},  {"CST", -6}, {"CDT", -5}, {"CT", -6},
      {"MST", -7}, {"MDT", -6}, {"MT", -7},  {"PST", -8}, {"PDT", -7},
      {"PT", -8},  {"BST", 1},  {"CET", 1},  {"CEST", 2}, {"MEZ", 1},
      {"MESZ", 2}, {"JST", 9},
  };
  for (const Zone& z : kZones) {
    if (absl::EqualsIgnoreCase(zone, z.name)) return z.hours;
  }
  return std::nullopt;
}

}  // namespace

std::optional<absl::Time> ParseIsoTime(absl::string_view text) {
  static const re2::RE2* const kIso = new re2::RE2(
      R"((\d{4})-?(\d{2})-?(\d{2}))"
      R"((?:[Tt ](\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d{1,9}))?)?)?)"
      R"(\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?)");
  std::string year, month, day, hour, minute, second, fraction, offset;
  if (!re2::RE2::FullMatch(Piece(absl::StripAsciiWhitespace(text)), *kIso,
                           &year, &month, &day, &hour, &minute, &second,
                           &fraction, &offset)) {
    return std::nullopt;
  }
  std::optional<absl::Time> time = FromCivil(
      ToInt(year), ToInt(month), ToInt(day), hour.empty() ? 0 : ToInt(hour),
      minute.empty() ? 0 : ToInt(minute), second.empty() ? 0 : ToInt(second));
  if (!time) return std::nullopt;
  if (!fraction.empty()) {
    std::string nanos = fraction;
    nanos.resize(9, '0');
    *time += absl::Nanoseconds(ToInt(nanos));
  }
  if (!offset.empty() && offset != "Z" && offset != "z") {
    int sign = offset[0] == '-' ? -1 : 1;
    std::string digits;
    for (char c : offset) {
      if (absl::ascii_isdigit(static_cast<unsigned char>(c))) digits += c;
    }
    int hours = ToInt(digits.substr(0, 2));
    int minutes = digits.size() >= 4 ? ToInt(digits.substr(2, 2)) : 0;
    if (hours > 23 || minutes > 59) return std::nullopt;
    *time -= sign * (absl::Hours(hours) + absl::Minutes(minutes));
  }
  return time;
}

std::optional<absl::Time> ParseAnpaTime(absl::string_view text) {
  // AP: "11-28-23 0930GMT", possibly after "AP-NY-".
  static const re2::RE2* const kMonthFirst = new re2::RE2(
      R"((\d{2})-(\d{2})-(\d{2}|\d{4}) (\d{2}):?(\d{2}) ?([A-Za-z]{1,4}))");
  // CP: "16:35ET 28-11-23".
  static const re2::RE2* const kTimeFirst = new re2::RE2(
      R"((\d{2}):(\d{2}) ?([A-Za-z]{1,4}) (\d{2})-(\d{2})-(\d{2}|\d{4}))");
  std::string a, b, c, hour, minute, zone;
  int year = 0, month = 0, day = 0;
  if (re2::RE2::PartialMatch(Piece(text), *kMonthFirst, &a, &b, &c, &hour,
                             &minute, &zone)) {
    month = ToInt(a);
    day = ToInt(b);
    year = FourDigitYear(ToInt(c));
  } else if (re2::RE2::PartialMatch(Piece(text), *kTimeFirst, &hour, &minute,
                                    &zone, &a, &b, &c)) {
    day = ToInt(a);
    month = ToInt(b);
    year = FourDigitYear(ToInt(c));
  } else {
    return std::nullopt;
  }
  std::optional<int> offset = ZoneOffsetHours(zone);
  if (!offset) return std::nullopt;
  std::optional<absl::Time> time =
      FromCivil(year, month, day, ToInt(hour), ToInt(minute), 0);
  if (!time) return std::nullopt;
  return *time - absl::Hours(*offset);
}

std::optional<absl::Time> ParseIptc7901Time(absl::string_view text) {
  static const re2::RE2* const kEndLine =
      new re2::RE2(R"((\d{2})(\d{2})(\d{2}) ([A-Za-z]{3,9})\.? (\d{2}|\d{4}))");
  std::string day, hour, minute, month_name, year;
  if (!re2::RE2::PartialMatch(Piece(text), *kEndLine, &day, &hour, &minute,
                              &month_name, &year)) {
    return std::nullopt;
  }
  int month = MonthFromName(month_name);
  if (month == 0) return std::nullopt;
  return FromCivil(FourDigitYear(ToInt(year)), month, ToInt(day), ToInt(hour),
                   ToInt(minute), 0);
}

int MonthFromName(absl::string_view name) {
  std::string key = absl::AsciiStrToLower(absl::StripSuffix(name, "."));
  struct Month {
    absl::string_view prefix;
    int month;
  };
  // Prefixes, longest first where two share a start (e.g. "ma": mar, may).
  static constexpr Month kMonths[] = {
      {"jan", 1},  {"ene", 1},  {"gen", 1},  {"janv", 1}, {"feb", 2},
      {"fév", 2},  {"fev", 2},  {"mär", 3},  {"mar", 3},  {"mrz", 3},
      {"apr", 4},  {"avr", 4},  {"abr", 4},  {"may", 5},  {"mai", 5},
      {"mag", 5},  {"jun", 6},  {"juin", 6}, {"giu", 6},  {"jul", 7},
      {"juil", 7}, {"lug", 7},  {"aug", 8},  {"août", 8}, {"ago", 8},
      {"sep", 9},  {"set", 9},  {"oct", 10}, {"okt", 10}, {"ott", 10},
      {"nov", 11}, {"dec", 12}, {"dez", 12}, {"déc", 12}, {"dic", 12},
  };
  if (key.size() < 3) return 0;
  // "juin" and "juil" must not both read as "jui".
  if (absl::StartsWith(key, "juin")) return 6;
  if (absl::StartsWith(key, "juil")) return 7;
  for (const Month& m : kMonths) {
    if (absl::StartsWith(key, m.prefix)) return m.month;
  }
  return 0;
}

void ToTimestamp(absl::Time time, google::protobuf::Timestamp* timestamp) {
  int64_t seconds = absl::ToUnixSeconds(time);
  timestamp->set_seconds(seconds);
  timestamp->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(time - absl::FromUnixSeconds(seconds))));
}

absl::Time FromTimestamp(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

}  // namespace wirestream::normalize
