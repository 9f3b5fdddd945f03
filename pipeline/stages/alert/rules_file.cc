#include "pipeline/stages/alert/rules_file.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace wirestream::alert {
namespace {

constexpr int kMaxIdLength = 100;

// The 1-based line of `node`, or of `fallback` when `node` has no mark
// (an empty value).
int LineOf(const YAML::Node& node, const YAML::Node& fallback) {
  if (node.IsDefined() && node.Mark().line >= 0 && !node.IsNull()) {
    return node.Mark().line + 1;
  }
  if (fallback.IsDefined() && fallback.Mark().line >= 0) {
    return fallback.Mark().line + 1;
  }
  return node.IsDefined() && node.Mark().line >= 0 ? node.Mark().line + 1 : 0;
}

bool IsIdChar(char c) {
  return absl::ascii_isalnum(c) || c == '.' || c == '_' || c == '-';
}

bool IsHeaderNameChar(char c) {
  return absl::ascii_isalnum(c) || absl::StrContains("!#$%&'*+-.^_`|~", c);
}

class Reader {
 public:
  Reader(absl::string_view origin, const EnvLookup& env)
      : origin_(origin), env_(env) {}

  absl::StatusOr<RulesConfig> Read(absl::string_view yaml) {
    YAML::Node root;
    try {
      root = YAML::Load(std::string(yaml));
    } catch (const YAML::Exception& e) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s:%d: not valid YAML: %s", origin_, e.mark.line + 1, e.msg));
    }
    try {
      return ReadRoot(root);
    } catch (const YAML::Exception& e) {
      // Conversions are checked before they are made; this is a backstop.
      return absl::InvalidArgumentError(
          absl::StrFormat("%s:%d: %s", origin_, e.mark.line + 1, e.msg));
    }
  }

 private:
  absl::Status ErrorAt(int line, absl::string_view what) const {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s:%d: %s", origin_, line, what));
  }

  // Errors inside the rule being read name it.
  absl::Status RuleError(int line, absl::string_view what) const {
    if (rule_label_.empty()) return ErrorAt(line, what);
    return ErrorAt(line, absl::StrCat(rule_label_, ": ", what));
  }

  absl::StatusOr<std::string> Scalar(const YAML::Node& value,
                                     const YAML::Node& key,
                                     absl::string_view what) const {
    const int line = LineOf(value, key);
    if (!value.IsDefined() || value.IsNull()) {
      return RuleError(line, absl::StrCat("'", what, "' is empty"));
    }
    if (!value.IsScalar()) {
      return RuleError(line,
                       absl::StrCat("'", what, "' must be a single value"));
    }
    return value.Scalar();
  }

  absl::StatusOr<std::vector<std::string>> ScalarList(
      const YAML::Node& value, const YAML::Node& key,
      absl::string_view what) const {
    std::vector<std::string> out;
    if (value.IsScalar()) {
      out.push_back(value.Scalar());
    } else if (value.IsSequence()) {
      for (const YAML::Node& item : value) {
        if (!item.IsScalar()) {
          return RuleError(
              LineOf(item, value),
              absl::StrCat("'", what, "' must be a list of single values"));
        }
        out.push_back(item.Scalar());
      }
    } else if (!value.IsNull()) {
      return RuleError(LineOf(value, key),
                       absl::StrCat("'", what, "' must be a value or a list"));
    }
    for (std::string& s : out) {
      s = std::string(absl::StripAsciiWhitespace(s));
      if (s.empty()) {
        return RuleError(LineOf(value, key),
                         absl::StrCat("'", what, "' has an empty entry"));
      }
    }
    return out;
  }

  absl::StatusOr<bool> Bool(const YAML::Node& value, const YAML::Node& key,
                            absl::string_view what) const {
    absl::StatusOr<std::string> s = Scalar(value, key, what);
    if (!s.ok()) return s.status();
    const std::string v = absl::AsciiStrToLower(*s);
    if (v == "true" || v == "yes") return true;
    if (v == "false" || v == "no") return false;
    return RuleError(
        LineOf(value, key),
        absl::StrFormat("'%s' must be true or false, not '%s'", what, *s));
  }

  absl::StatusOr<int> Int(const YAML::Node& value, const YAML::Node& key,
                          absl::string_view what, int min, int max) const {
    absl::StatusOr<std::string> s = Scalar(value, key, what);
    if (!s.ok()) return s.status();
    int v = 0;
    if (!absl::SimpleAtoi(*s, &v) || v < min || v > max) {
      return RuleError(
          LineOf(value, key),
          absl::StrFormat("'%s' must be a whole number from %d to %d, not "
                          "'%s'",
                          what, min, max, *s));
    }
    return v;
  }

  absl::Status CheckMap(const YAML::Node& node, const YAML::Node& key,
                        absl::string_view what) const {
    if (!node.IsMap()) {
      return RuleError(LineOf(node, key),
                       absl::StrCat(what,
                                    " must be a mapping of keys to "
                                    "values"));
    }
    return absl::OkStatus();
  }

  absl::Status UnknownKey(const YAML::Node& key, absl::string_view where,
                          absl::string_view known) const {
    return RuleError(LineOf(key, key),
                     absl::StrFormat("unknown key '%s' in %s (known: %s)",
                                     key.Scalar(), where, known));
  }

  absl::StatusOr<RulesConfig> ReadRoot(const YAML::Node& root) {
    if (!root.IsDefined() || root.IsNull()) {
      return ErrorAt(1, "the file is empty: it needs a 'rules' list");
    }
    if (!root.IsMap()) {
      return ErrorAt(LineOf(root, root),
                     "the file must be a mapping with a 'rules' list");
    }
    YAML::Node rules_key, rules_value;
    bool has_rules = false;
    for (auto it = root.begin(); it != root.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (key == "webhooks") {
        if (absl::Status s = ReadWebhooks(it->second, it->first); !s.ok()) {
          return s;
        }
      } else if (key == "rules") {
        rules_key = it->first;
        rules_value = it->second;
        has_rules = true;
      } else {
        return UnknownKey(it->first, "the file", "rules, webhooks");
      }
    }
    if (!has_rules) {
      return ErrorAt(1, "the file has no 'rules' list");
    }
    RulesConfig config;
    config.origin = origin_;
    if (rules_value.IsNull()) return config;
    if (!rules_value.IsSequence()) {
      return ErrorAt(LineOf(rules_value, rules_key),
                     "'rules' must be a list of rules");
    }
    absl::flat_hash_map<std::string, int> first_line;
    int index = 0;
    for (const YAML::Node& node : rules_value) {
      ++index;
      rule_label_ = absl::StrCat("rule #", index);
      absl::StatusOr<std::optional<AlertRule>> rule = ReadRule(node);
      if (!rule.ok()) return rule.status();
      if (!rule->has_value()) continue;
      auto [it, inserted] = first_line.emplace((*rule)->id, (*rule)->line);
      if (!inserted) {
        return RuleError((*rule)->line,
                         absl::StrFormat("the id is already used by the rule "
                                         "at line %d",
                                         it->second));
      }
      config.rules.push_back(**std::move(rule));
    }
    return config;
  }

  absl::Status ReadWebhooks(const YAML::Node& list, const YAML::Node& key) {
    rule_label_ = "webhooks";
    if (list.IsNull()) {
      rule_label_.clear();
      return absl::OkStatus();
    }
    if (!list.IsSequence()) {
      return RuleError(LineOf(list, key), "must be a list");
    }
    for (const YAML::Node& node : list) {
      if (absl::Status s = CheckMap(node, list, "a webhook"); !s.ok()) {
        return s;
      }
      WebhookTarget target;
      std::string name;
      for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string k = it->first.Scalar();
        const YAML::Node& v = it->second;
        if (k == "name") {
          absl::StatusOr<std::string> s = Scalar(v, it->first, "name");
          if (!s.ok()) return s.status();
          name = *s;
          rule_label_ = absl::StrFormat("webhook \"%s\"", name);
        } else if (k == "url") {
          absl::StatusOr<std::string> s = Scalar(v, it->first, "url");
          if (!s.ok()) return s.status();
          target.url = *s;
          if (!absl::StartsWith(target.url, "http://") &&
              !absl::StartsWith(target.url, "https://")) {
            return RuleError(LineOf(v, it->first),
                             absl::StrFormat("'url' must start with http:// or "
                                             "https://, not '%s'",
                                             target.url));
          }
        } else if (k == "timeout_ms") {
          absl::StatusOr<int> ms = Int(v, it->first, "timeout_ms", 1, 120000);
          if (!ms.ok()) return ms.status();
          target.timeout = absl::Milliseconds(*ms);
        } else if (k == "max_attempts") {
          absl::StatusOr<int> n = Int(v, it->first, "max_attempts", 1, 20);
          if (!n.ok()) return n.status();
          target.max_attempts = *n;
        } else if (k == "headers") {
          absl::Status s = ReadHeaders(v, it->first, &target);
          if (!s.ok()) return s;
        } else {
          return UnknownKey(it->first, "a webhook",
                            "name, url, timeout_ms, max_attempts, headers");
        }
      }
      if (name.empty()) {
        return RuleError(LineOf(node, list), "'name' is missing");
      }
      if (target.url.empty()) {
        return RuleError(LineOf(node, list), "'url' is missing");
      }
      target.channel = absl::StrCat("webhook:", name);
      if (!webhooks_.emplace(name, target).second) {
        return RuleError(LineOf(node, list), "the name is used twice");
      }
      webhook_names_.push_back(name);
      rule_label_ = "webhooks";
    }
    rule_label_.clear();
    return absl::OkStatus();
  }

  absl::Status ReadHeaders(const YAML::Node& map, const YAML::Node& key,
                           WebhookTarget* target) {
    if (map.IsNull()) return absl::OkStatus();
    if (absl::Status s = CheckMap(map, key, "'headers'"); !s.ok()) return s;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string name = it->first.Scalar();
      const int line = LineOf(it->second, it->first);
      if (name.empty() ||
          !std::all_of(name.begin(), name.end(), IsHeaderNameChar)) {
        return RuleError(
            line, absl::StrFormat("'%s' is not a valid header name", name));
      }
      absl::StatusOr<std::string> raw = Scalar(it->second, it->first, name);
      if (!raw.ok()) return raw.status();
      absl::StatusOr<std::string> value = ExpandEnv(*raw, name, line);
      if (!value.ok()) return value.status();
      if (absl::StrContains(*value, '\r') || absl::StrContains(*value, '\n')) {
        return RuleError(line,
                         absl::StrFormat("header '%s' has a line break", name));
      }
      target->headers.emplace_back(name, *value);
    }
    return absl::OkStatus();
  }

  // Replaces each "${NAME}" by the environment variable NAME.
  absl::StatusOr<std::string> ExpandEnv(absl::string_view raw,
                                        absl::string_view header, int line) {
    std::string out;
    size_t i = 0;
    while (i < raw.size()) {
      const size_t open = raw.find("${", i);
      if (open == absl::string_view::npos) {
        absl::StrAppend(&out, raw.substr(i));
        break;
      }
      absl::StrAppend(&out, raw.substr(i, open - i));
      const size_t close = raw.find('}', open);
      if (close == absl::string_view::npos) {
        return RuleError(line, absl::StrFormat("header '%s': '${' is not "
                                               "closed with '}'",
                                               header));
      }
      const std::string var(raw.substr(open + 2, close - open - 2));
      std::optional<std::string> value = env_ ? env_(var) : std::nullopt;
      if (!value.has_value()) {
        return RuleError(line,
                         absl::StrFormat("header '%s': environment variable "
                                         "%s is not set",
                                         header, var));
      }
      out.append(*value);
      i = close + 1;
    }
    return out;
  }

  absl::StatusOr<std::optional<AlertRule>> ReadRule(const YAML::Node& node) {
    if (!node.IsMap()) {
      return ErrorAt(LineOf(node, node),
                     absl::StrCat(rule_label_,
                                  ": a rule must be a mapping (id, query, "
                                  "...)"));
    }
    AlertRule rule;
    rule.line = LineOf(node, node);
    // The id first, so every later error names the rule.
    const YAML::Node id = node["id"];
    if (!id.IsDefined()) return RuleError(rule.line, "'id' is missing");
    absl::StatusOr<std::string> id_text = Scalar(id, id, "id");
    if (!id_text.ok()) return id_text.status();
    rule.id = *id_text;
    if (rule.id.size() > kMaxIdLength ||
        !std::all_of(rule.id.begin(), rule.id.end(), IsIdChar)) {
      return RuleError(
          LineOf(id, id),
          absl::StrFormat("id '%s' may only hold letters, digits, '.', '_' "
                          "and '-' (at most %d)",
                          rule.id, kMaxIdLength));
    }
    rule_label_ = absl::StrFormat("rule \"%s\"", rule.id);

    bool enabled = true;
    bool has_query = false;
    for (auto it = node.begin(); it != node.end(); ++it) {
      const std::string k = it->first.Scalar();
      const YAML::Node& v = it->second;
      absl::Status s = absl::OkStatus();
      if (k == "id") {
        continue;
      } else if (k == "name") {
        absl::StatusOr<std::string> name = Scalar(v, it->first, "name");
        if (!name.ok()) return name.status();
        rule.name = *name;
      } else if (k == "query") {
        absl::StatusOr<std::string> query = Scalar(v, it->first, "query");
        if (!query.ok()) return query.status();
        rule.query = *query;
        rule.query_line = LineOf(v, it->first);
        has_query = true;
      } else if (k == "exact_case") {
        absl::StatusOr<bool> b = Bool(v, it->first, "exact_case");
        if (!b.ok()) return b.status();
        rule.exact_case = *b;
      } else if (k == "enabled") {
        absl::StatusOr<bool> b = Bool(v, it->first, "enabled");
        if (!b.ok()) return b.status();
        enabled = *b;
      } else if (k == "fields") {
        s = ReadFields(v, it->first, &rule);
      } else if (k == "severity") {
        s = ReadSeverity(v, it->first, &rule);
      } else if (k == "filters") {
        s = ReadFilters(v, it->first, &rule.filters);
      } else if (k == "channels") {
        s = ReadChannels(v, it->first, &rule);
      } else {
        return UnknownKey(it->first, "a rule",
                          "id, name, query, fields, exact_case, severity, "
                          "filters, channels, enabled");
      }
      if (!s.ok()) return s;
    }
    if (!has_query) return RuleError(rule.line, "'query' is missing");
    if (rule.name.empty()) rule.name = rule.id;
    if (!enabled) return std::optional<AlertRule>();
    return std::optional<AlertRule>(std::move(rule));
  }

  absl::Status ReadFields(const YAML::Node& v, const YAML::Node& key,
                          AlertRule* rule) {
    absl::StatusOr<std::vector<std::string>> fields =
        ScalarList(v, key, "fields");
    if (!fields.ok()) return fields.status();
    if (fields->empty()) {
      return RuleError(LineOf(v, key), "'fields' is empty");
    }
    rule->in_headline = rule->in_body = false;
    for (const std::string& f : *fields) {
      const std::string lower = absl::AsciiStrToLower(f);
      if (lower == "headline") {
        rule->in_headline = true;
      } else if (lower == "body") {
        rule->in_body = true;
      } else if (lower == "all") {
        rule->in_headline = rule->in_body = true;
      } else {
        return RuleError(LineOf(v, key),
                         absl::StrFormat("'fields' may hold headline, body or "
                                         "all, not '%s'",
                                         f));
      }
    }
    return absl::OkStatus();
  }

  absl::Status ReadSeverity(const YAML::Node& v, const YAML::Node& key,
                            AlertRule* rule) {
    absl::StatusOr<std::string> s = Scalar(v, key, "severity");
    if (!s.ok()) return s.status();
    const std::string lower = absl::AsciiStrToLower(*s);
    if (lower == "info") {
      rule->severity = wirestream::v1::SEVERITY_INFO;
    } else if (lower == "warning") {
      rule->severity = wirestream::v1::SEVERITY_WARNING;
    } else if (lower == "critical") {
      rule->severity = wirestream::v1::SEVERITY_CRITICAL;
    } else {
      return RuleError(LineOf(v, key),
                       absl::StrFormat("'severity' must be info, warning or "
                                       "critical, not '%s'",
                                       *s));
    }
    return absl::OkStatus();
  }

  absl::Status ReadFilters(const YAML::Node& map, const YAML::Node& key,
                           RuleFilters* f) {
    if (map.IsNull()) return absl::OkStatus();
    if (absl::Status s = CheckMap(map, key, "'filters'"); !s.ok()) return s;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string k = it->first.Scalar();
      const YAML::Node& v = it->second;
      std::vector<std::string>* list = nullptr;
      if (k == "topics") {
        list = &f->topics;
      } else if (k == "countries") {
        list = &f->countries;
      } else if (k == "regions") {
        list = &f->regions;
      } else if (k == "sources") {
        list = &f->sources;
      } else if (k == "languages") {
        list = &f->languages;
      } else if (k == "max_urgency") {
        absl::StatusOr<int> n = Int(v, it->first, "max_urgency", 1, 9);
        if (!n.ok()) return n.status();
        f->max_urgency = *n;
        continue;
      } else {
        return UnknownKey(it->first, "'filters'",
                          "topics, countries, regions, sources, languages, "
                          "max_urgency");
      }
      absl::StatusOr<std::vector<std::string>> values =
          ScalarList(v, it->first, k);
      if (!values.ok()) return values.status();
      *list = *std::move(values);
      for (std::string& s : *list) {
        if (k == "countries") {
          absl::AsciiStrToUpper(&s);
          if (s.size() != 2 || !absl::ascii_isalpha(s[0]) ||
              !absl::ascii_isalpha(s[1])) {
            return RuleError(LineOf(v, it->first),
                             absl::StrFormat("'countries' holds ISO 3166-1 "
                                             "two-letter codes, not '%s'",
                                             s));
          }
        } else if (k == "sources" || k == "languages") {
          absl::AsciiStrToLower(&s);
        }
      }
    }
    return absl::OkStatus();
  }

  absl::Status ReadChannels(const YAML::Node& v, const YAML::Node& key,
                            AlertRule* rule) {
    absl::StatusOr<std::vector<std::string>> channels =
        ScalarList(v, key, "channels");
    if (!channels.ok()) return channels.status();
    for (const std::string& c : *channels) {
      if (absl::StartsWith(c, "webhook:")) {
        const std::string name = c.substr(8);
        auto it = webhooks_.find(name);
        if (it == webhooks_.end()) {
          return RuleError(
              LineOf(v, key),
              absl::StrFormat(
                  "channel '%s': no webhook named '%s' in "
                  "'webhooks' (%s)",
                  c, name,
                  webhook_names_.empty()
                      ? std::string("none defined")
                      : absl::StrCat("defined: ",
                                     absl::StrJoin(webhook_names_, ", "))));
        }
        rule->webhooks.push_back(it->second);
      } else if (absl::StartsWith(c, "http://") ||
                 absl::StartsWith(c, "https://")) {
        WebhookTarget target;
        target.channel = c;
        target.url = c;
        rule->webhooks.push_back(std::move(target));
      }
      rule->channels.push_back(c);
    }
    return absl::OkStatus();
  }

  const std::string origin_;
  const EnvLookup& env_;
  // What is being read, for messages: empty at the top of the file.
  std::string rule_label_;
  absl::flat_hash_map<std::string, WebhookTarget> webhooks_;
  std::vector<std::string> webhook_names_;
};

}  // namespace

EnvLookup ProcessEnv() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

absl::StatusOr<RulesConfig> ParseRulesYaml(absl::string_view yaml,
                                           absl::string_view origin,
                                           const EnvLookup& env) {
  return Reader(origin, env).Read(yaml);
}

absl::StatusOr<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    if (err == ENOENT) {
      return absl::NotFoundError(absl::StrCat(path, ": no such file"));
    }
    return absl::UnavailableError(
        absl::StrCat(path, ": cannot open: ", std::strerror(err)));
  }
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) {
    return absl::UnavailableError(absl::StrCat(path, ": read error"));
  }
  return content.str();
}

absl::StatusOr<RulesConfig> ReadRulesFile(const std::string& path,
                                          const EnvLookup& env) {
  absl::StatusOr<std::string> content = ReadWholeFile(path);
  if (!content.ok()) return content.status();
  return ParseRulesYaml(*content, path, env);
}

}  // namespace wirestream::alert
