// Runs a libFuzzer target over files, without libFuzzer: the seed corpus
// as a regression test under the default toolchain.
//   fuzz_driver DIR_OR_FILE...
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

int RunFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()),
                         bytes.size());
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  int inputs = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path path(argv[i]);
    if (std::filesystem::is_directory(path)) {
      for (const auto& entry : std::filesystem::directory_iterator(path)) {
        if (entry.is_regular_file()) inputs += RunFile(entry.path());
      }
    } else {
      inputs += RunFile(path);
    }
  }
  // Edge cases every target must survive.
  const std::string edges[] = {
      "",         std::string(1, '\0'),    "\x01", "\x01\x02\x03", "<", "{",
      "\xff\xfe", std::string(100000, '<')};
  for (const std::string& edge : edges) {
    LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(edge.data()),
                           edge.size());
    ++inputs;
  }
  std::cout << "ran " << inputs << " inputs\n";
  return inputs > 0 ? 0 : 1;
}
