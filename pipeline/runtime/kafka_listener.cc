#include "pipeline/runtime/kafka_listener.h"

#include "absl/strings/str_cat.h"

namespace wirestream::runtime {

std::string DescribeKafkaListener(
    const std::vector<std::pair<std::string, std::string>>& properties) {
  auto last = [&properties](const char* key) {
    std::string value;
    for (const auto& [k, v] : properties) {
      if (k == key) value = v;
    }
    return value;
  };
  std::string servers = last("bootstrap.servers");
  if (servers.empty()) servers = last("metadata.broker.list");
  std::string details;
  for (const char* shown : {"security.protocol", "sasl.mechanisms",
                            "sasl.mechanism", "sasl.username"}) {
    const std::string value = last(shown);
    if (!value.empty()) {
      absl::StrAppend(&details, details.empty() ? "" : ", ", shown, "=", value);
    }
  }
  return details.empty() ? servers : absl::StrCat(servers, " (", details, ")");
}

}  // namespace wirestream::runtime
