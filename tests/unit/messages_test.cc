// lifecycle/messages.h: each kind of Store error gets the exact words the
// API has always answered with; everything else passes through unchanged.
#include "lifecycle/messages.h"

#include <gtest/gtest.h>

#include "store/store.h"

namespace studio {
namespace {

TEST(UserFacingTest, WordsEachStoreKind) {
  struct Case {
    Status in;
    const char* words;
  } cases[] = {
      {Status::NotFound(store_kind::kPrompt), "Prompt not found"},
      {Status::NotFound(store_kind::kAdapter), "Adapter not found"},
      {Status::NotFound(store_kind::kJob), "Job not found"},
      {Status::NotFound(store_kind::kAudioSample), "Audio sample not found"},
      {Status::NotFound(store_kind::kFeedback), "Feedback not found"},
      {Status::Conflict(store_kind::kAdapterName), "An adapter with this name already exists"},
  };
  for (const Case& c : cases) {
    Status out = UserFacing(c.in);
    EXPECT_EQ(out.code(), c.in.code()) << c.words;
    EXPECT_EQ(out.message(), c.words);
    EXPECT_EQ(UserFacing(out).message(), c.words) << "wording twice changes nothing";
  }
}

TEST(UserFacingTest, LeavesEverythingElseAlone) {
  const Status others[] = {
      Status::Ok(),
      Status::NotFound("Preferred audio sample not found"),
      Status::NotFound("no queued job"),
      Status::Conflict(store_kind::kJob),          // a kind under another code
      Status::Unavailable(store_kind::kJob),
      Status::RuleViolation("Cannot use deleted adapter for generation"),
      Status::IOError("disk full"),
  };
  for (const Status& s : others) {
    Status out = UserFacing(s);
    EXPECT_EQ(out.code(), s.code()) << s.ToString();
    EXPECT_EQ(out.message(), s.message()) << s.ToString();
  }
}

}  // namespace
}  // namespace studio
