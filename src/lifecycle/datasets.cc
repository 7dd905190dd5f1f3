// Datasets (SPEC section 8, docs/FEEDBACK_LOOP.md): creation frozen at a
// filter's matches, soft delete and restore with their audit events, and
// the export files, built from the members at download time. The member
// cascade on feedback deletes is the schema's (store/migrations/*/0005);
// the dataset purge is Purge's (trash.cc). Declared in lifecycle.h.
#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "domain/json_values.h"
#include "lifecycle/lifecycle.h"
#include "store/storage_keys.h"
#include "util/time_format.h"
#include "util/uuid.h"

namespace studio {

using json = nlohmann::json;

namespace {

constexpr int kExportPage = 1000;  // members read per statement while exporting
constexpr Micros kStaleExportAge = 3600LL * 1'000'000;  // a download is served long before this

// The tar formats keep each member's WAV at this path beside the manifest.
std::string WavPath(const std::string& audio_id) { return "audio/" + audio_id + ".wav"; }

json AdapterValue(const DatasetMemberSample& s) {
  if (!s.adapter_id) return nullptr;  // the base engine
  return {{"id", *s.adapter_id}, {"name", OrNull(s.adapter_name)}};
}

json SampleValue(const DatasetMemberSample& s) {
  return {{"audio_id", s.audio_id}, {"adapter", AdapterValue(s)}, {"style", StoredObjectJson(s.style_json)}};
}

// One export row (docs/FEEDBACK_LOOP.md "Datasets"): the prompt, its
// attributes, the generation parameters, the feedback, and the sample's
// adapter and style features; preference rows name the samples `chosen`
// and `rejected`. With `with_files`, the WAV paths inside the archive.
json ExportRow(DatasetType type, const DatasetMember& m, bool with_files) {
  const Feedback& f = m.feedback;
  json row = {{"feedback_id", f.id},
              {"prompt", m.prompt_text},
              {"prompt_id", m.prompt_id},
              {"prompt_attributes", PromptAttributesJsonValue(m.attributes)},
              {"generation_params", GenerationParamsJsonValue(m.params)},
              {"rating", OrNull(f.rating)},
              {"rating_criterion", f.rating_criterion},
              {"tags", f.tags},
              {"notes", OrNull(f.notes)},
              {"created_at", FormatIsoMicros(f.created_at)}};
  if (type == DatasetType::kSupervised) {
    row["audio_id"] = m.sample.audio_id;
    row["adapter"] = AdapterValue(m.sample);
    row["style"] = StoredObjectJson(m.sample.style_json);
  } else {
    row["chosen"] = SampleValue(m.sample);
    row["rejected"] = m.rejected ? SampleValue(*m.rejected) : json(nullptr);
  }
  if (with_files) {
    row["file_name"] = WavPath(m.sample.audio_id);  // the audiofolder layout's column
    if (m.rejected) row["rejected_file_name"] = WavPath(m.rejected->audio_id);
  }
  return row;
}

// CSV columns: a header name and where its value is in an export row.
struct CsvColumn {
  const char* name;
  const char* pointer;
};

const std::vector<CsvColumn>& CsvColumns(DatasetType type) {
  static const std::vector<CsvColumn> kSupervised = {
      {"feedback_id", "/feedback_id"}, {"audio_id", "/audio_id"}, {"prompt", "/prompt"},
      {"prompt_id", "/prompt_id"}, {"prompt_attributes", "/prompt_attributes"},
      {"generation_params", "/generation_params"}, {"adapter_id", "/adapter/id"},
      {"adapter_name", "/adapter/name"}, {"style", "/style"}, {"rating", "/rating"},
      {"rating_criterion", "/rating_criterion"}, {"tags", "/tags"}, {"notes", "/notes"},
      {"created_at", "/created_at"}};
  static const std::vector<CsvColumn> kPreference = {
      {"feedback_id", "/feedback_id"}, {"prompt", "/prompt"}, {"prompt_id", "/prompt_id"},
      {"prompt_attributes", "/prompt_attributes"}, {"generation_params", "/generation_params"},
      {"chosen", "/chosen/audio_id"}, {"chosen_adapter_id", "/chosen/adapter/id"},
      {"chosen_adapter_name", "/chosen/adapter/name"}, {"chosen_style", "/chosen/style"},
      {"rejected", "/rejected/audio_id"}, {"rejected_adapter_id", "/rejected/adapter/id"},
      {"rejected_adapter_name", "/rejected/adapter/name"}, {"rejected_style", "/rejected/style"},
      {"rating", "/rating"}, {"rating_criterion", "/rating_criterion"}, {"tags", "/tags"},
      {"notes", "/notes"}, {"created_at", "/created_at"}};
  return type == DatasetType::kSupervised ? kSupervised : kPreference;
}

// RFC 4180: quoted when it holds a comma, quote or line break.
std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string CsvLine(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) line += (i ? "," : "") + CsvField(cells[i]);
  return line + "\r\n";
}

std::string CsvRow(DatasetType type, const json& row) {
  std::vector<std::string> cells;
  for (const CsvColumn& c : CsvColumns(type)) {
    const json::json_pointer at(c.pointer);
    const json* v = row.contains(at) ? &row.at(at) : nullptr;
    cells.push_back(!v || v->is_null() ? "" : v->is_string() ? v->get<std::string>() : v->dump());
  }
  return CsvLine(cells);
}

// A local file written front to back.
class TextFile {
 public:
  explicit TextFile(const std::string& path) : path_(path), f_(std::fopen(path.c_str(), "wb")) {
    if (!f_) status_ = FileError("cannot create " + path, errno);
  }
  TextFile(const TextFile&) = delete;
  TextFile& operator=(const TextFile&) = delete;
  ~TextFile() {
    if (f_) std::fclose(f_);
  }
  void Write(const std::string& text) {
    if (status_.ok() && std::fwrite(text.data(), 1, text.size(), f_) != text.size()) {
      status_ = FileError("cannot write " + path_, errno);
    }
  }
  Status Close() {
    if (f_ && std::fclose(f_) != 0 && status_.ok()) status_ = FileError("cannot write " + path_, errno);
    f_ = nullptr;
    return status_;
  }

 private:
  std::string path_;
  std::FILE* f_;
  Status status_;
};

// A tar archive (POSIX pax) written front to back.
class TarFile {
 public:
  explicit TarFile(const std::string& path) : a_(archive_write_new()) {
    if (archive_write_set_format_pax_restricted(a_) != ARCHIVE_OK ||
        archive_write_open_filename(a_, path.c_str()) != ARCHIVE_OK) {
      Fail("cannot create " + path);
    }
  }
  TarFile(const TarFile&) = delete;
  TarFile& operator=(const TarFile&) = delete;
  ~TarFile() { archive_write_free(a_); }

  void Add(const std::string& name, const std::string& bytes, Micros mtime) {
    if (!status_.ok()) return;
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> e(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(bytes.size()));
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_mtime(e.get(), static_cast<time_t>(mtime / 1'000'000), 0);
    if (archive_write_header(a_, e.get()) != ARCHIVE_OK ||
        archive_write_data(a_, bytes.data(), bytes.size()) != static_cast<la_ssize_t>(bytes.size())) {
      Fail("cannot write " + name);
    }
  }
  Status Close() {
    if (archive_write_close(a_) != ARCHIVE_OK && status_.ok()) Fail("cannot finish the archive");
    return status_;
  }

 private:
  void Fail(const std::string& what) {
    const int err = archive_errno(a_);
    const char* msg = archive_error_string(a_);
    status_ = FileError(what + ": " + (msg ? msg : "libarchive"), err);
  }
  archive* a_;
  Status status_;
};

// Removes what a crashed or abandoned download left under exports/.
void RemoveStaleExports(FileStorage* storage, Micros before) {
  std::vector<std::string> names;
  if (!storage->List(kExportsRoot, &names).ok()) return;
  for (const auto& name : names) {
    const std::string key = std::string(kExportsRoot) + "/" + name;
    FileInfo info;
    if (storage->Stat(key, &info).ok() && !info.is_directory && info.modified_at < before) storage->Remove(key);
  }
}

const char* ExtensionOf(ExportFormat format) {
  switch (format) {
    case ExportFormat::kJsonl: return "jsonl";
    case ExportFormat::kJson: return "json";
    case ExportFormat::kCsv: return "csv";
    case ExportFormat::kHuggingface:
    case ExportFormat::kTar: return "tar";
  }
  return "bin";
}

}  // namespace

void MergeDatasetImpacts(std::vector<DatasetImpact>* into, const std::vector<DatasetImpact>& more) {
  for (const auto& m : more) {
    auto it = std::find_if(into->begin(), into->end(), [&](const DatasetImpact& d) { return d.id == m.id; });
    if (it == into->end()) into->push_back(m);
    else it->members_removed += m.members_removed;
  }
  std::stable_sort(into->begin(), into->end(),
                   [](const DatasetImpact& a, const DatasetImpact& b) { return a.name < b.name; });
}

Status Lifecycle::PreviewDataset(DatasetType type, const DatasetFilter& filter, int64_t* count) {
  return store_->CountDatasetCandidates(type, filter, count);
}

Status Lifecycle::CreateDataset(const DatasetCreate& request, Dataset* out) {
  Dataset d;
  d.id = NewUuid();
  d.name = request.name;
  d.description = request.description;
  d.type = request.type;
  d.filter_query_json = DatasetFilterJson(request.filter);
  d.created_at = env_->NowMicros();
  // One transaction: the members are exactly the matches at this moment,
  // and an empty match leaves nothing behind.
  STUDIO_RETURN_IF_ERROR(store_->InTransaction([&]() -> Status {
    STUDIO_RETURN_IF_ERROR(store_->InsertDataset(d, request.filter, &d.sample_count));
    if (d.sample_count == 0) return Status::RuleViolation("The filter matches no feedback");
    return Status::Ok();
  }));
  *out = std::move(d);
  return Status::Ok();
}

Status Lifecycle::DeleteDataset(const std::string& id, const Actor& actor) {
  return store_->InTransaction([&]() -> Status {
    STUDIO_RETURN_IF_ERROR(store_->MarkDatasetDeleted(id, env_->NowMicros()));
    return Audit(actor, "delete", "dataset", id, R"({"datasets":1})");
  });
}

Status Lifecycle::RestoreDataset(const std::string& id, Dataset* out, const Actor& actor) {
  STUDIO_RETURN_IF_ERROR(store_->InTransaction([&]() -> Status {
    STUDIO_RETURN_IF_ERROR(store_->RestoreDataset(id));
    return Audit(actor, "restore", "dataset", id, R"({"datasets":1})");
  }));
  return store_->GetDataset(id, Visibility::kLive, out);
}

Status Lifecycle::ExportDataset(const std::string& id, ExportFormat format, Dataset* out) {
  STUDIO_RETURN_IF_ERROR(store_->MarkDatasetExported(id, ExportFormatName(format), env_->NowMicros()));
  return store_->GetDataset(id, Visibility::kLive, out);
}

Status Lifecycle::BuildDatasetDownload(const std::string& id, ExportFormat format, DatasetDownload* out) {
  Dataset& dataset = out->dataset;
  STUDIO_RETURN_IF_ERROR(store_->GetDataset(id, Visibility::kLive, &dataset));
  RemoveStaleExports(storage_.get(), env_->NowMicros() - kStaleExportAge);
  const std::string key = DatasetExportKey(NewUuid(), ExtensionOf(format));
  STUDIO_RETURN_IF_ERROR(storage_->PrepareStaging(key, &out->local_path));
  Status s = WriteDatasetExport(dataset, format, out->local_path, &out->rows);
  if (!s.ok()) storage_->DiscardStaged(key);
  return s;
}

Status Lifecycle::WriteDatasetExport(const Dataset& dataset, ExportFormat format, const std::string& path,
                                     int64_t* rows) {
  *rows = 0;
  const bool archive = format == ExportFormat::kTar || format == ExportFormat::kHuggingface;
  std::unique_ptr<TextFile> text;
  std::unique_ptr<TarFile> tar;
  if (archive) tar = std::make_unique<TarFile>(path);
  else text = std::make_unique<TextFile>(path);
  if (format == ExportFormat::kJson) text->Write("[");
  if (format == ExportFormat::kCsv) {
    std::vector<std::string> header;
    for (const CsvColumn& c : CsvColumns(dataset.type)) header.push_back(c.name);
    text->Write(CsvLine(header));
  }
  std::string manifest;           // the archive's JSON Lines, written last
  std::set<std::string> wavs;     // each sample's WAV once, however many rows name it
  auto add_wav = [&](const DatasetMemberSample& s) -> Status {
    if (!wavs.insert(s.audio_id).second) return Status::Ok();
    std::string bytes;
    STUDIO_RETURN_IF_ERROR(storage_->Read(s.storage_path, &bytes).WithContext("sample " + s.audio_id));
    tar->Add(WavPath(s.audio_id), bytes, dataset.created_at);
    return Status::Ok();
  };
  std::string after;
  for (;;) {
    std::vector<DatasetMember> page;
    STUDIO_RETURN_IF_ERROR(store_->ListDatasetMembers(dataset.id, after, kExportPage, &page));
    for (const DatasetMember& m : page) {
      const json row = ExportRow(dataset.type, m, archive);
      switch (format) {
        case ExportFormat::kJsonl: text->Write(row.dump() + "\n"); break;
        case ExportFormat::kJson: text->Write((*rows ? "," : "") + row.dump()); break;
        case ExportFormat::kCsv: text->Write(CsvRow(dataset.type, row)); break;
        case ExportFormat::kHuggingface:
        case ExportFormat::kTar:
          manifest += row.dump() + "\n";
          STUDIO_RETURN_IF_ERROR(add_wav(m.sample));
          if (m.rejected) STUDIO_RETURN_IF_ERROR(add_wav(*m.rejected));
          break;
      }
      ++*rows;
    }
    if (page.size() < static_cast<size_t>(kExportPage)) break;
    after = page.back().feedback.id;
  }
  if (format == ExportFormat::kJson) text->Write("]\n");
  if (!archive) return text->Close();
  // huggingface: the "audiofolder" layout reads metadata.jsonl and its file_name column.
  tar->Add(format == ExportFormat::kHuggingface ? "metadata.jsonl" : "manifest.jsonl", manifest,
           dataset.created_at);
  return tar->Close();
}

}  // namespace studio
