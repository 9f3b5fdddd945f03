#include "pipeline/stages/classify/classifier_data.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "pipeline/stages/classify/embedded_data.h"

namespace wirestream::classify {
namespace {

// The data files and where each goes.
std::vector<std::pair<const char*, std::string*>> Files(ClassifierData& d) {
  return {{"countries.tsv", &d.gazetteer.countries_tsv},
          {"regions.tsv", &d.gazetteer.regions_tsv},
          {"gazetteer.tsv", &d.gazetteer.gazetteer_tsv},
          {"places.tsv", &d.gazetteer.places_tsv},
          {"ambiguous.tsv", &d.gazetteer.ambiguous_tsv},
          {"blockers.txt", &d.gazetteer.blockers_txt},
          {"taxonomy.tsv", &d.taxonomy_tsv},
          {"lexicon.tsv", &d.lexicon_tsv},
          {"model.tsv", &d.model_tsv}};
}

// Returns the language of a file named model_<lang>.tsv, or "".
std::string ModelLanguage(absl::string_view name) {
  if (!absl::ConsumePrefix(&name, "model_") ||
      !absl::ConsumeSuffix(&name, ".tsv")) {
    return "";
  }
  return std::string(name);
}

// Reads `path` into `out`; false when it cannot be read.
bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::stringstream ss;
  ss << in.rdbuf();
  *out = ss.str();
  return true;
}

}  // namespace

absl::StatusOr<ClassifierData> LoadClassifierData(const std::string& dir) {
  ClassifierData data;
  for (auto& [name, target] : Files(data)) {
    const std::string path = absl::StrCat(dir, "/", name);
    if (!ReadFile(path, target)) {
      return absl::NotFoundError(absl::StrCat("cannot read ", path));
    }
  }
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    const std::string language =
        ModelLanguage(entry.path().filename().string());
    if (language.empty()) continue;
    LanguageTopicData& topics = data.language_topics[language];
    if (!ReadFile(entry.path().string(), &topics.model_tsv)) {
      return absl::NotFoundError(
          absl::StrCat("cannot read ", entry.path().string()));
    }
    // A language's lexicon is optional: the model alone is usable.
    ReadFile(absl::StrCat(dir, "/lexicon_", language, ".tsv"),
             &topics.lexicon_tsv);
  }
  return data;
}

ClassifierData EmbeddedClassifierData() {
  ClassifierData data;
  for (auto& [name, target] : Files(data)) {
    *target = std::string(EmbeddedFileContents(name));
  }
  for (int i = 0; i < kEmbeddedFileCount; ++i) {
    const std::string language = ModelLanguage(kEmbeddedFiles[i].name);
    if (language.empty()) continue;
    LanguageTopicData& topics = data.language_topics[language];
    topics.model_tsv =
        std::string(kEmbeddedFiles[i].data, kEmbeddedFiles[i].size);
    topics.lexicon_tsv = std::string(
        EmbeddedFileContents(absl::StrCat("lexicon_", language, ".tsv")));
  }
  return data;
}

}  // namespace wirestream::classify
