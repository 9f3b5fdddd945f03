#include "pipeline/stages/classify/classifier_data.h"

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
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

}  // namespace

absl::StatusOr<ClassifierData> LoadClassifierData(const std::string& dir) {
  ClassifierData data;
  for (auto& [name, target] : Files(data)) {
    const std::string path = absl::StrCat(dir, "/", name);
    std::ifstream in(path, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("cannot read ", path));
    std::stringstream ss;
    ss << in.rdbuf();
    *target = ss.str();
  }
  return data;
}

ClassifierData EmbeddedClassifierData() {
  ClassifierData data;
  for (auto& [name, target] : Files(data)) {
    *target = std::string(EmbeddedFileContents(name));
  }
  return data;
}

}  // namespace wirestream::classify
