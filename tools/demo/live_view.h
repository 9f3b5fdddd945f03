// File: tools/demo/live_view.h
//
// The lines the demo prints as records come off the pipeline's last
// topics: one block per enriched story (verdict, cluster, topics,
// countries, focus, rule hits), one line per alert and per dead letter.
//
//   std::printf("%s", StoryLines(enriched).c_str());
//   std::printf("%s", AlertLine(alert).c_str());
//
// Pure functions; thread-safe.
#ifndef WIRESTREAM_TOOLS_DEMO_LIVE_VIEW_H_
#define WIRESTREAM_TOOLS_DEMO_LIVE_VIEW_H_

#include <string>

#include "wirestream/v1/alert.pb.h"
#include "wirestream/v1/dead_letter.pb.h"
#include "wirestream/v1/enriched_story.pb.h"

namespace wirestream::demo {

// Returns the verdict without its prefix: "NEW", "NEAR_DUPLICATE", ...
std::string VerdictName(const v1::EnrichedStory& story);

// Returns the lines for one enriched story, each ending in '\n':
//   story  NEAR_DUPLICATE  cluster 3acd2903  U.S. military follows ...
//          topics: *politics 1.00, defence 0.79 | countries: US CN | focus US
//          rule spy-balloon suppressed: already alerted for cluster ...
std::string StoryLines(const v1::EnrichedStory& story);

// Returns the line for one alert, ending in '\n':
//   ALERT  critical  spy-balloon  Pentagon tracks ... (al-039da822038062c7)
std::string AlertLine(const v1::Alert& alert);

// Returns the line for one dead letter, ending in '\n'.
std::string DeadLetterLine(const v1::DeadLetter& letter);

}  // namespace wirestream::demo

#endif  // WIRESTREAM_TOOLS_DEMO_LIVE_VIEW_H_
