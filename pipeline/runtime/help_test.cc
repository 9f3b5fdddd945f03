#include "pipeline/runtime/help.h"

#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/usage.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

ABSL_FLAG(int, help_test_batch, 7, "A flag of this test's own file.");

namespace wirestream::runtime {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class AnswerHelpTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::SetProgramUsageMessage("help_test: checks --help.");
  }

  // Runs AnswerHelp on `args` (argv[0] added); returns whether it answered
  // and fills `printed`.
  bool Answer(std::vector<std::string> args, std::string* printed) {
    args.insert(args.begin(), "help_test");
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    std::ostringstream out;
    const bool answered = AnswerHelp(static_cast<int>(argv.size()), argv.data(),
                                     "pipeline/runtime/", out);
    *printed = out.str();
    return answered;
  }
};

TEST_F(AnswerHelpTest, HelpPrintsUsageAndTheProjectsFlags) {
  for (const char* spelling : {"--help", "-help", "-h"}) {
    std::string printed;
    EXPECT_TRUE(Answer({"--help_test_batch=3", spelling}, &printed))
        << spelling;
    EXPECT_THAT(printed, HasSubstr("help_test: checks --help."));
    EXPECT_THAT(printed, HasSubstr("--help_test_batch"));
    EXPECT_THAT(printed, HasSubstr("A flag of this test's own file."));
    // Abseil's own flags are left to --helpfull.
    EXPECT_THAT(printed, Not(HasSubstr("--flagfile")));
  }
}

TEST_F(AnswerHelpTest, HelpfullPrintsAbseilsFlagsToo) {
  std::string printed;
  EXPECT_TRUE(Answer({"--helpfull"}, &printed));
  EXPECT_THAT(printed, HasSubstr("--help_test_batch"));
  EXPECT_THAT(printed, HasSubstr("--flagfile"));
}

TEST_F(AnswerHelpTest, NoHelpFlagPrintsNothing) {
  std::string printed;
  EXPECT_FALSE(Answer({"--help_test_batch=3", "story.json"}, &printed));
  EXPECT_THAT(printed, IsEmpty());
}

TEST_F(AnswerHelpTest, HelpAfterDoubleDashIsAnArgument) {
  std::string printed;
  EXPECT_FALSE(Answer({"--", "--help"}, &printed));
  EXPECT_THAT(printed, IsEmpty());
}

TEST_F(AnswerHelpTest, FlagsThatOnlyStartLikeHelpAreNotHelp) {
  std::string printed;
  EXPECT_FALSE(Answer({"--helper=x"}, &printed));
  EXPECT_THAT(printed, IsEmpty());
}

}  // namespace
}  // namespace wirestream::runtime
