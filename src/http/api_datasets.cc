// The /api routes of SPEC section 8's datasets (docs/FEEDBACK_LOOP.md):
// preview, create, list, get, delete and its preview, restore, stats,
// export and download; and the feedback delete preview. Thin like api.cc:
// parse, call the Lifecycle (writes, exports) or the Store (reads), format.
#include <nlohmann/json.hpp>

#include "domain/json_values.h"
#include "domain/validation.h"
#include "http/api.h"
#include "http/api_responses.h"
#include "http/json_io.h"

namespace studio {

using json = nlohmann::json;
using namespace api_internal;

namespace {

// The download's media type and file extension.
struct DownloadType {
  const char* content_type;
  const char* extension;
};
DownloadType DownloadTypeOf(ExportFormat format) {
  switch (format) {
    case ExportFormat::kJsonl: return {"application/x-ndjson", "jsonl"};
    case ExportFormat::kJson: return {"application/json", "json"};
    case ExportFormat::kCsv: return {"text/csv; charset=utf-8", "csv"};
    case ExportFormat::kHuggingface:
    case ExportFormat::kTar: return {"application/x-tar", "tar"};
  }
  return {"application/octet-stream", "bin"};
}

// A dataset name as a file name: letters, digits, '.', '-' and '_' kept,
// anything else (quotes, slashes, spaces, non-ASCII) made '_'; at most 100
// characters; "dataset" when nothing is left.
std::string SafeFileName(const std::string& name) {
  std::string out;
  for (char c : name) {
    const bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '-' || c == '_';
    out += keep ? c : '_';
    if (out.size() == 100) break;
  }
  while (!out.empty() && out.front() == '.') out.erase(0, 1);  // no hidden or relative names
  return out.empty() ? "dataset" : out;
}

}  // namespace

HttpResponse Api::PreviewDataset(const HttpRequest& req, const Params&) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body));
  DatasetType type;
  DatasetFilter filter;
  RETURN_ERROR_RESPONSE(ParseDatasetPreview(body, &type, &filter));
  int64_t count = 0;
  RETURN_ERROR_RESPONSE(lifecycle_->PreviewDataset(type, filter, &count));
  return JsonResponse(200, {{"count", count}});
}

HttpResponse Api::CreateDataset(const HttpRequest& req, const Params&) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body));
  DatasetCreate request;
  RETURN_ERROR_RESPONSE(ParseDatasetCreate(body, &request));
  Dataset d;
  RETURN_ERROR_RESPONSE(lifecycle_->CreateDataset(request, &d));
  return JsonResponse(201, DatasetJson(d, false));
}

HttpResponse Api::ListDatasets(const HttpRequest&, const Params& args) const {
  const int64_t page = args.Int("page"), limit = args.Int("limit");
  std::vector<Dataset> datasets;
  int64_t total = 0;
  RETURN_ERROR_RESPONSE(store_->ListDatasets((page - 1) * limit, static_cast<int>(limit), &datasets, &total));
  json items = json::array();
  for (const auto& d : datasets) items.push_back(DatasetJson(d, false));
  return JsonResponse(200, {{"items", items}, {"total", total}, {"page", page}, {"limit", limit}});
}

HttpResponse Api::GetDataset(const HttpRequest&, const Params& args) const {
  const Visibility v = VisibilityOf(args);
  Dataset d;
  RETURN_ERROR_RESPONSE(store_->GetDataset(args.ids[0], v, &d));
  return JsonResponse(200, DatasetJson(d, v == Visibility::kIncludeDeleted));
}

HttpResponse Api::DeleteDataset(const HttpRequest& req, const Params& args) const {
  RETURN_ERROR_RESPONSE(lifecycle_->DeleteDataset(args.ids[0], ActorOf(req, args)));
  return JsonResponse(200, {{"status", "deleted"}, {"dataset_id", args.ids[0]}});
}

// experiments and runs (which would keep a deleted dataset's reference)
// are added to this answer by the change that brings them.
HttpResponse Api::PreviewDatasetDelete(const HttpRequest&, const Params& args) const {
  Dataset d;
  RETURN_ERROR_RESPONSE(store_->GetDataset(args.ids[0], Visibility::kLive, &d));
  int64_t experiments = 0, runs = 0;  // they keep the reference and will show "Deleted Dataset"
  RETURN_ERROR_RESPONSE(store_->CountExperimentsUsingDataset(d.id, &experiments, &runs));
  return JsonResponse(200, {{"dataset_id", d.id}, {"sample_count", d.sample_count},
                            {"experiments", experiments}, {"runs", runs}});
}

HttpResponse Api::RestoreDataset(const HttpRequest& req, const Params& args) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body, /*allow_empty=*/true));
  if (!body.is_null() && !body.is_object()) return Detail(422, "Request body must be a JSON object");
  Dataset d;
  RETURN_ERROR_RESPONSE(lifecycle_->RestoreDataset(args.ids[0], &d, ActorOf(req, args)));
  return JsonResponse(200, DatasetJson(d, false));
}

HttpResponse Api::GetDatasetStats(const HttpRequest&, const Params& args) const {
  Dataset d;
  RETURN_ERROR_RESPONSE(store_->GetDataset(args.ids[0], Visibility::kLive, &d));
  DatasetStats s;
  RETURN_ERROR_RESPONSE(store_->GetDatasetStats(d.id, &s));
  json distribution = json::object(), tags = json::object();
  for (int i = 0; i < 5; ++i) distribution[std::to_string(i + 1)] = s.rating_distribution[i];
  for (const auto& [tag, n] : s.tag_frequency) tags[tag] = n;
  return JsonResponse(200, {{"dataset_id", d.id},
                            {"sample_count", s.sample_count},
                            {"rating_distribution", distribution},
                            {"unique_prompts", s.unique_prompts},
                            {"unique_adapters", s.unique_adapters},
                            {"tag_frequency", tags},
                            {"inter_rater_agreement", OrNull(s.inter_rater_agreement)},
                            {"preference_consistency", OrNull(s.preference_consistency)}});
}

HttpResponse Api::ExportDataset(const HttpRequest& req, const Params& args) const {
  json body;
  RETURN_ERROR_RESPONSE(ParseBody(req, &body));
  ExportFormat format;
  RETURN_ERROR_RESPONSE(ParseDatasetExport(body, &format));
  Dataset d;
  RETURN_ERROR_RESPONSE(lifecycle_->ExportDataset(args.ids[0], format, &d));
  return JsonResponse(200, {{"dataset_id", d.id},
                            {"export_path", DatasetDownloadUrl(d.id, ExportFormatName(format))},
                            {"sample_count", d.sample_count},
                            {"format", ExportFormatName(format)}});
}

HttpResponse Api::DownloadDataset(const HttpRequest&, const Params& args) const {
  const QueryValue& f = args.Query("format");
  if (!f.present) return Detail(422, "format is required (jsonl, json, csv, huggingface or tar)");
  const ExportFormat format = ParseExportFormat(f.text).value_or(ExportFormat::kJsonl);
  DatasetDownload download;
  RETURN_ERROR_RESPONSE(lifecycle_->BuildDatasetDownload(args.ids[0], format, &download));
  const Dataset& d = download.dataset;
  const DownloadType type = DownloadTypeOf(format);
  HttpResponse r;
  r.content_type = type.content_type;
  r.file_path = download.local_path;
  r.remove_file_after_open = true;
  r.headers.emplace_back("Content-Disposition",
                         "attachment; filename=\"" + SafeFileName(d.name) + "." + type.extension + "\"");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

HttpResponse Api::PreviewFeedbackDelete(const HttpRequest&, const Params& args) const {
  std::vector<DatasetImpact> datasets;
  RETURN_ERROR_RESPONSE(lifecycle_->PreviewFeedbackDelete(args.ids[0], &datasets));
  return JsonResponse(200, {{"feedback_id", args.ids[0]}, {"datasets_affected", DatasetsAffectedJson(datasets)}});
}

}  // namespace studio
