#include "lifecycle/messages.h"

#include "store/store.h"

namespace studio {

namespace {

struct Wording {
  Status::Code code;
  const char* kind;
  const char* words;
};

constexpr Wording kWordings[] = {
    {Status::Code::kNotFound, store_kind::kPrompt, "Prompt not found"},
    {Status::Code::kNotFound, store_kind::kAdapter, "Adapter not found"},
    {Status::Code::kNotFound, store_kind::kJob, "Job not found"},
    {Status::Code::kNotFound, store_kind::kAudioSample, "Audio sample not found"},
    {Status::Code::kNotFound, store_kind::kFeedback, "Feedback not found"},
    {Status::Code::kNotFound, store_kind::kTrashedJob, "Job not found in the trash"},
    {Status::Code::kNotFound, store_kind::kTrashedAdapter, "Adapter not found in the trash"},
    {Status::Code::kNotFound, store_kind::kExperiment, "Experiment not found"},
    {Status::Code::kNotFound, store_kind::kTrashedExperiment, "Experiment not found in the trash"},
    {Status::Code::kNotFound, store_kind::kRun, "Training run not found"},
    {Status::Code::kNotFound, store_kind::kAdapterVersion, "Adapter version not found"},
    {Status::Code::kConflict, store_kind::kAdapterName, "An adapter with this name already exists"},
    {Status::Code::kConflict, store_kind::kVersionName, "The adapter already has a version with this name"},
};

}  // namespace

Status UserFacing(Status status) {
  for (const Wording& w : kWordings) {
    if (status.code() != w.code || status.message() != w.kind) continue;
    return w.code == Status::Code::kNotFound ? Status::NotFound(w.words) : Status::Conflict(w.words);
  }
  return status;
}

}  // namespace studio
