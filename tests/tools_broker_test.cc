// The operator tools end to end on a real broker: `produce` sends the
// normalize sample stories, the normalize worker turns them into Story
// records, and `inspect` reads them back as JSON, counts and filters them.
// Bad files, unknown topics and an unreachable broker give one line and a
// non-zero exit within seconds.
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/support/broker.h"
#include "tests/support/tool_process.h"
#include "tests/support/worker_process.h"

namespace wirestream {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;
using testsupport::RunTool;
using testsupport::ToolBinary;
using testsupport::ToolResult;

constexpr size_t kSamples = 24;

std::string Produce() { return ToolBinary("produce/produce"); }
std::string Inspect() { return ToolBinary("inspect/inspect"); }

std::string BootstrapFlag() {
  return absl::StrCat("--bootstrap=", *testsupport::BootstrapServers());
}

std::string Dir(const std::string& under_normalize) {
  return absl::StrCat(std::getenv("TEST_SRCDIR"),
                      "/wirestream/pipeline/stages/normalize/testdata/",
                      under_normalize);
}

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

TEST(ToolsBrokerTest, ProducedStoriesComeOutOfNormalizeAndInspectShowsThem) {
  auto raw = testsupport::CreateUniqueTopic("wire.raw", 3);
  auto stories = testsupport::CreateUniqueTopic("wire.stories", 3);
  auto dlq = testsupport::CreateUniqueTopic("wire.dlq", 1);
  ASSERT_TRUE(raw.ok() && stories.ok() && dlq.ok());

  ToolResult sent = RunTool(
      Produce(), {BootstrapFlag(), "--topic=" + *raw, "--source=ap",
                  "--received_at=2026-11-28T06:00:00Z", Dir("stories")});
  ASSERT_EQ(sent.exit_code, 0) << sent.stderr_text;
  EXPECT_EQ(sent.stdout_text,
            absl::StrCat("produce: sent 24 stories to ", *raw,
                         " (4 anpa-1312, 3 html, 3 iptc-7901, 5 newsml-g2, 4 "
                         "ninjs, 2 nitf, 3 text)\n"));

  // wire.raw as inspect shows it: RawStory with source and format set.
  ToolResult quake_raw =
      RunTool(Inspect(), {BootstrapFlag(), "--topic=" + *raw,
                          "--from-beginning", "--key=ninjs-1x-ap-quake.json"});
  ASSERT_EQ(quake_raw.exit_code, 0) << quake_raw.stderr_text;
  ASSERT_EQ(Lines(quake_raw.stdout_text).size(), 1u) << quake_raw.stdout_text;
  EXPECT_THAT(quake_raw.stdout_text,
              HasSubstr("\"key\":\"ninjs-1x-ap-quake.json\",\"value\":{"
                        "\"feedItemId\":\"ninjs-1x-ap-quake.json\","
                        "\"source\":\"ap\",\"format\":\"WIRE_FORMAT_NINJS\","));
  EXPECT_THAT(quake_raw.stdout_text,
              HasSubstr("\"receivedAt\":\"2026-11-28T06:00:00Z\""));

  testsupport::WorkerProcess normalize(
      testsupport::WorkerBinary("normalize"),
      {BootstrapFlag(), absl::StrCat("--input=", *raw),
       absl::StrCat("--output=", *stories), absl::StrCat("--dlq=", *dlq),
       absl::StrCat("--group=", *raw, ".group"), "--http="});
  ASSERT_TRUE(normalize.Start().ok());
  auto normalized = testsupport::ReadRecords(
      *stories, {.min_records = kSamples, .timeout = absl::Seconds(60)});
  EXPECT_EQ(normalize.Stop(absl::Seconds(30)), 0) << normalize.Log();
  ASSERT_TRUE(normalized.ok());
  ASSERT_EQ(normalized->size(), kSamples) << normalize.Log();

  // Every story as one JSON line, typed from the topic's name.
  ToolResult dump = RunTool(
      Inspect(), {BootstrapFlag(), "--topic=" + *stories, "--from-beginning"});
  ASSERT_EQ(dump.exit_code, 0) << dump.stderr_text;
  std::vector<std::string> lines = Lines(dump.stdout_text);
  ASSERT_EQ(lines.size(), kSamples);
  for (const std::string& line : lines) {
    EXPECT_THAT(line, StartsWith(absl::StrCat("{\"topic\":\"", *stories,
                                              "\",\"partition\":")));
    EXPECT_THAT(line, HasSubstr(",\"value\":{\"id\":"));
  }
  auto quake = std::find_if(lines.begin(), lines.end(), [](const auto& line) {
    return line.find("\"feedItemId\":\"ninjs-1x-ap-quake.json\"") !=
           std::string::npos;
  });
  ASSERT_NE(quake, lines.end());
  EXPECT_THAT(*quake,
              HasSubstr("\"headline\":\"Strong earthquake shakes Tokyo, "
                        "halting trains; no tsunami warning issued\""));
  EXPECT_THAT(*quake, HasSubstr("\"language\":\"en\""));

  ToolResult count = RunTool(Inspect(), {BootstrapFlag(), "--topic=" + *stories,
                                         "--from-beginning", "--count"});
  EXPECT_EQ(count.exit_code, 0) << count.stderr_text;
  EXPECT_EQ(count.stdout_text, "24\n");

  ToolResult german = RunTool(
      Inspect(), {BootstrapFlag(), "--topic=" + *stories, "--from-beginning",
                  "--count", "--match=language=de"});
  EXPECT_EQ(german.stdout_text, "4\n") << german.stderr_text;
  ToolResult tokyo = RunTool(
      Inspect(), {BootstrapFlag(), "--topic=" + *stories, "--from-beginning",
                  "--match", "headline~TOKYO", "--match=language=en"});
  ASSERT_EQ(Lines(tokyo.stdout_text).size(), 1u) << tokyo.stdout_text;
  EXPECT_THAT(tokyo.stdout_text, HasSubstr("ninjs-1x-ap-quake.json"));
  ToolResult first_two =
      RunTool(Inspect(), {BootstrapFlag(), "--topic=" + *stories,
                          "--from-beginning", "--max_records=2"});
  EXPECT_EQ(Lines(first_two.stdout_text).size(), 2u);
  // Records were stamped when normalize produced them: none before 2000.
  ToolResult old =
      RunTool(Inspect(), {BootstrapFlag(), "--topic=" + *stories, "--count",
                          "--from_time=1990-01-01T00:00:00Z",
                          "--to_time=2000-01-01T00:00:00Z"});
  EXPECT_EQ(old.stdout_text, "0\n") << old.stderr_text;
  // Nothing reached the dead-letter topic.
  ToolResult dead = RunTool(Inspect(), {BootstrapFlag(), "--topic=" + *dlq,
                                        "--from-beginning", "--count"});
  EXPECT_EQ(dead.stdout_text, "0\n") << dead.stderr_text;
}

// A folder of story files, three of them broken.
std::string StoryFolder() {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(std::getenv("TEST_TMPDIR")) / "drop";
  fs::create_directories(dir / "late");
  std::ofstream(dir / "bulletin.txt") << "FLASH: Harbour ferry strike\n\n"
                                         "Ferries stopped at noon.\n";
  std::ofstream(dir / "late" / "quake.json")
      << "{\"headline\": \"Quake hits Tokyo\", \"body_text\": \"Trains "
         "halted.\"}";
  std::ofstream(dir / "broken.json") << "{\"headline\": ";
  std::ofstream(dir / "late" / "cut.xml") << "<nitf><head><title>Storm";
  std::ofstream(dir / "empty.txt") << "";
  return dir.string();
}

TEST(ToolsBrokerTest, BadFilesAreNamedAndNothingIsSent) {
  auto raw = testsupport::CreateUniqueTopic("wire.raw", 1);
  ASSERT_TRUE(raw.ok());
  const std::string dir = StoryFolder();
  ToolResult refused =
      RunTool(Produce(), {BootstrapFlag(), "--topic=" + *raw, dir});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_EQ(refused.stderr_text,
            absl::StrCat("produce: ", dir,
                         "/broken.json: ninjs but not valid JSON\n"
                         "produce: ",
                         dir,
                         "/empty.txt: empty\n"
                         "produce: ",
                         dir,
                         "/late/cut.xml: XML does not parse at byte 23: "
                         "Start-end tags mismatch\n"
                         "produce: nothing sent: 3 bad files (--skip_bad "
                         "sends the rest)\n"));
  ToolResult count = RunTool(Inspect(), {BootstrapFlag(), "--topic=" + *raw,
                                         "--from-beginning", "--count"});
  EXPECT_EQ(count.stdout_text, "0\n");

  ToolResult skipped = RunTool(
      Produce(), {BootstrapFlag(), "--topic=" + *raw, "--skip_bad", dir});
  EXPECT_EQ(skipped.exit_code, 0) << skipped.stderr_text;
  EXPECT_EQ(skipped.stdout_text,
            absl::StrCat("produce: sent 2 stories to ", *raw,
                         " (1 ninjs, 1 text); 3 bad files left out\n"));
  count = RunTool(Inspect(), {BootstrapFlag(), "--topic=" + *raw,
                              "--from-beginning", "--count"});
  EXPECT_EQ(count.stdout_text, "2\n");
  ToolResult quake =
      RunTool(Inspect(), {BootstrapFlag(), "--topic=" + *raw,
                          "--from-beginning", "--key=quake.json"});
  EXPECT_THAT(
      quake.stdout_text,
      HasSubstr("\"source\":\"files\",\"format\":\"WIRE_FORMAT_NINJS\""));

  ToolResult from_stdin =
      RunTool(Produce(),
              {BootstrapFlag(), "--topic=" + *raw, "--format=text",
               "--feed_item_id=flash-1", "-"},
              absl::Seconds(60), "FLASH: Quake hits Tokyo\n\nMore soon.\n");
  EXPECT_EQ(from_stdin.exit_code, 0) << from_stdin.stderr_text;
  ToolResult flash = RunTool(Inspect(), {BootstrapFlag(), "--topic=" + *raw,
                                         "--from-beginning", "--key=flash-1"});
  EXPECT_THAT(flash.stdout_text,
              HasSubstr("\"format\":\"WIRE_FORMAT_PLAIN_TEXT\""));

  ToolResult missing = RunTool(Produce(), {BootstrapFlag(), "--topic=" + *raw,
                                           Dir("stories/no-such-story.xml")});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.stderr_text,
            absl::StrCat("produce: ", Dir("stories/no-such-story.xml"),
                         ": no such file\n"));
}

TEST(ToolsBrokerTest, InspectFollowsNewRecordsUntilInterrupted) {
  auto raw = testsupport::CreateUniqueTopic("wire.raw", 2);
  ASSERT_TRUE(raw.ok());
  ASSERT_EQ(RunTool(ToolBinary("loadgen/loadgen"),
                    {BootstrapFlag(), "--topic=" + *raw, "--stories=50",
                     "--progress=false"})
                .exit_code,
            0);
  // Starts at the end: the 50 stories already there are not shown, only
  // what arrives while it runs. It may take a moment to reach the end, so
  // stories are sent until some show up.
  testsupport::ToolProcess follow(Inspect(),
                                  {BootstrapFlag(), "--topic=" + *raw});
  ASSERT_TRUE(follow.Start().ok());
  int rounds = 0;
  std::vector<std::string> lines;
  while (lines.empty() && rounds < 5) {
    absl::SleepFor(absl::Seconds(1));
    ToolResult sent = RunTool(
        Produce(), {BootstrapFlag(), "--topic=" + *raw, "--source=follow-check",
                    StoryFolder(), "--skip_bad"});
    ASSERT_EQ(sent.exit_code, 0) << sent.stderr_text;
    ++rounds;
    for (int i = 0; i < 30 && lines.empty(); ++i) {
      absl::SleepFor(absl::Milliseconds(100));
      lines = Lines(follow.Stdout());
    }
  }
  absl::SleepFor(absl::Milliseconds(500));
  follow.Signal(SIGINT);
  EXPECT_EQ(follow.Wait(absl::Seconds(10)), 130) << follow.Stderr();
  lines = Lines(follow.Stdout());
  ASSERT_GE(lines.size(), 2u) << follow.Stdout();
  EXPECT_EQ(lines.size() % 2, 0u) << follow.Stdout();
  for (const std::string& line : lines) {
    EXPECT_THAT(line, HasSubstr("\"source\":\"follow-check\""));
  }

  // loadgen's 50 plus produce's 2 a round.
  ToolResult count = RunTool(Inspect(), {BootstrapFlag(), "--topic=" + *raw,
                                         "--from-beginning", "--count"});
  EXPECT_EQ(count.stdout_text, absl::StrCat(50 + 2 * rounds, "\n"))
      << count.stderr_text;
  ToolResult bytes = RunTool(
      Inspect(), {BootstrapFlag(), "--topic=" + *raw, "--from-beginning",
                  "--type=bytes", "--match=source=afp"});
  EXPECT_EQ(bytes.exit_code, 2);
  EXPECT_EQ(bytes.stderr_text,
            "inspect: --match needs a record type, not bytes (see inspect "
            "--help)\n");
}

TEST(ToolsBrokerTest, UnknownTopicsAndUnreachableBrokersFailFast) {
  const std::string missing = testsupport::UniqueTopicName("wire.stories");
  ToolResult inspect = RunTool(
      Inspect(), {BootstrapFlag(), "--topic=" + missing, "--from-beginning"});
  EXPECT_EQ(inspect.exit_code, 1);
  EXPECT_EQ(inspect.stderr_text,
            absl::StrCat("inspect: no topic ", missing, " on the cluster\n"));
  ToolResult produce = RunTool(
      Produce(), {BootstrapFlag(), "--topic=" + missing, Dir("stories")});
  EXPECT_EQ(produce.exit_code, 1);
  EXPECT_EQ(produce.stderr_text,
            absl::StrCat("produce: no topic ", missing, " on the cluster\n"));

  ToolResult no_type = RunTool(Inspect(), {BootstrapFlag(), "--topic=metrics"});
  EXPECT_EQ(no_type.exit_code, 2);
  EXPECT_THAT(no_type.stderr_text,
              StartsWith("inspect: cannot tell what records metrics holds "
                         "from its name: give --type"));
  ToolResult bad_match =
      RunTool(Inspect(),
              {BootstrapFlag(), "--topic=wire.stories", "--match=hedline=x"});
  EXPECT_EQ(bad_match.exit_code, 2);
  EXPECT_THAT(bad_match.stderr_text,
              StartsWith("inspect: --match: wirestream.v1.Story has no field "
                         "\"hedline\" (see inspect --help)\n"));

  // Nothing listens on port 1.
  for (const auto& [tool, args] :
       std::vector<std::pair<std::string, std::vector<std::string>>>{
           {Inspect(), {"--topic=wire.stories", "--from-beginning"}},
           {Produce(), {Dir("stories")}}}) {
    std::vector<std::string> all = {"--bootstrap=127.0.0.1:1"};
    all.insert(all.end(), args.begin(), args.end());
    ToolResult unreachable = RunTool(tool, all);
    EXPECT_EQ(unreachable.exit_code, 1) << tool;
    EXPECT_THAT(unreachable.stderr_text,
                HasSubstr(": cannot reach Kafka at 127.0.0.1:1 within 5s"));
    EXPECT_EQ(std::count(unreachable.stderr_text.begin(),
                         unreachable.stderr_text.end(), '\n'),
              1)
        << unreachable.stderr_text;
    EXPECT_LT(unreachable.elapsed, absl::Seconds(20));
  }

  // --help prints the usage and exits 0.
  for (const auto& [tool, usage] :
       std::vector<std::pair<std::string, std::string>>{
           {Inspect(), "prints the records of a pipeline topic as JSON lines"},
           {Produce(), "sends story files to wire.raw as RawStory records"},
           {ToolBinary("replay/replay"),
            "copies a range of a topic to another topic, exactly once"},
           {ToolBinary("loadgen/loadgen"), "sends synthetic wire stories"}}) {
    ToolResult help = RunTool(tool, {"--help"});
    EXPECT_EQ(help.exit_code, 0) << tool;
    EXPECT_THAT(help.stdout_text, HasSubstr(usage)) << tool;
  }
  // Flags that make no sense stop before any Kafka client is made.
  ToolResult rates = RunTool(
      ToolBinary("loadgen/loadgen"),
      {"--bootstrap=127.0.0.1:1", "--resend_rate=0.7", "--rewrite_rate=0.5"});
  EXPECT_EQ(rates.exit_code, 2);
  EXPECT_EQ(rates.stderr_text,
            "loadgen: --resend_rate, --correction_rate and --rewrite_rate add "
            "up to more than 1 (see loadgen --help)\n");
}

}  // namespace
}  // namespace wirestream
