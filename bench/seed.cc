// seed: fills a fresh data dir with a realistic studio history, for the
// benchmarks (bench/run.sh, docs/BENCHMARKS.md).
//
//   seed --data-dir DIR --jobs N [--deleted-fraction 0.1] [--samples-per-job 2]
//        [--feedback N] [--adapters 20] [--prompts 1000] [--seed 42]
//        [--db postgresql://user@host:port/db]
//
// Everything goes through the Store interface (OpenSqliteStore, or with --db
// OpenPostgresStore, applies the migrations, so the live-count triggers and
// partial indexes are the real ones), in Store::InTransaction batches. With
// --db the rows go into that PostgreSQL database (it must hold no prompts:
// create a fresh one) and DIR only receives the id files. The data:
//   - `--prompts` distinct prompts, created before any job;
//   - `--adapters` adapters, 10% of them soft-deleted (jobs created before
//     the deletion keep using them, so listings show "Deleted Adapter"),
//     some inactive;
//   - N jobs over the last 90 days, created_at strictly increasing; mostly
//     completed, some failed/cancelled, the newest few queued/processing;
//     ~30% with an adapter;
//   - `--samples-per-job` samples per completed job (a cancelled job may
//     keep one finished sample); storage_path audio/<job>/<id>.wav, no files;
//   - `--feedback` rows (default: N) on samples of live jobs only: ratings
//     on several criteria, A/B preferences between a job's samples, tags;
//   - round(N * deleted-fraction) jobs soft-deleted with MarkJobsDeleted
//     (no feedback cascade needed: no feedback points at their samples).
// Also writes DIR/bench-ids.txt (live job ids, shuffled, for GET
// /api/jobs/{id}) and DIR/bench-delete-ids.txt (live completed job ids, not
// in bench-ids.txt, for the DELETE latency run).
//
// Ids are time-ordered UUIDs (version 7: creation time in the first 48 bits)
// unless --random-ids: the server makes random v4 ids, but inserting millions
// of random keys makes every batch dirty pages all over five UUID indexes, and
// with the store's 64 MB page cache a 1M-job seed had written 13 GB and was
// only half done after 6 minutes. Lookups by id cost the same either way (same
// B-tree depth; the benchmarks look ids up in random order).
//
// Deterministic for a given --seed (apart from "now", the end of the 90 days).
#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "domain/types.h"
#include "store/postgres_store.h"
#include "store/sqlite_store.h"
#include "store/store.h"

namespace {

using namespace studio;
namespace fs = std::filesystem;

constexpr Micros kSecond = 1'000'000;
constexpr Micros kDay = 86'400 * kSecond;

// A small fast PRNG (splitmix64): the seeding makes millions of draws.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n).
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  template <typename T>
  const T& Pick(const std::vector<T>& v) { return v[Below(v.size())]; }

  // A UUID written into *out (reusing its buffer): version 7 (RFC 9562: the
  // first 48 bits are the Unix time in ms of `t`, the rest random) when
  // time_ordered, else version 4 (all random, like the server's NewUuid).
  void Uuid(Micros t, std::string* out) {
    static const char* kHex = "0123456789abcdef";
    uint64_t hi = Next(), lo = Next();
    if (time_ordered) {
      const uint64_t ms = static_cast<uint64_t>(t / 1000) & 0xFFFFFFFFFFFFull;
      hi = (ms << 16) | (hi & 0x0FFFull) | 0x7000ull;
    } else {
      hi = (hi & 0xFFFFFFFFFFFF0FFFull) | 0x0000000000004000ull;
    }
    lo = (lo & 0x3FFFFFFFFFFFFFFFull) | 0x8000000000000000ull;
    out->resize(36);
    char* p = out->data();
    for (int i = 0, o = 0; i < 32; ++i) {
      if (i == 8 || i == 12 || i == 16 || i == 20) p[o++] = '-';
      uint64_t word = i < 16 ? hi : lo;
      p[o++] = kHex[(word >> ((15 - (i % 16)) * 4)) & 0xF];
    }
  }

  bool time_ordered = true;

 private:
  uint64_t s_;
};

// ---- vocabulary for prompts, adapters and feedback ----

const std::vector<std::string> kStyles = {
    "lo-fi hip hop", "jazz", "ambient", "synthwave", "cinematic", "folk", "funk", "house",
    "techno", "classical", "rock", "bossa nova", "chiptune", "trip hop", "drum and bass",
    "orchestral", "blues", "reggae", "afrobeat", "soul"};
const std::vector<std::string> kMoods = {"calm",      "energetic", "melancholic", "happy",
                                         "dark",      "dreamy",    "epic",        "relaxed",
                                         "nostalgic", "tense",     "playful",     "romantic"};
const std::vector<std::string> kInstruments = {
    "acoustic-piano", "electric-piano", "organ", "acoustic-guitar", "electric-guitar-clean",
    "electric-guitar-distorted", "bass-guitar", "synth-bass", "violin", "cello", "harp",
    "acoustic-drum-kit", "electronic-drum-kit", "lofi-drum-kit", "808-drums", "saxophone",
    "trumpet", "flute", "clarinet", "analog-synth-lead", "analog-synth-pad", "fm-synth",
    "arpeggiator-synth", "acoustic-strings-ensemble", "kalimba", "sitar", "vocal-pad", "choir",
    "vinyl-noise", "tape-saturation"};
const std::vector<std::string> kOpenings = {
    "A", "An upbeat", "A slow", "A warm", "A gritty", "A lush", "A minimal", "A driving",
    "A gentle", "A bouncy", "A haunting", "A bright"};
const std::vector<std::string> kScenes = {
    "for a rainy evening in the city", "for studying late at night",
    "for the opening credits of an indie film", "for a road trip along the coast",
    "to play in a small coffee shop", "for a sunrise over the mountains",
    "for a retro video game level", "for a dance floor at 2am",
    "for a documentary about the ocean", "for a quiet Sunday morning",
    "for a chase scene through neon streets", "for meditation and slow breathing"};
const std::vector<std::string> kCriteria = {"overall", "overall", "overall", "melody", "rhythm",
                                            "audio_quality", "prompt_adherence"};
const std::vector<std::string> kTags = {"catchy",   "too-repetitive", "great-groove", "muddy-mix",
                                        "off-tempo", "love-the-bass", "wrong-instruments",
                                        "use-in-project", "too-loud", "beautiful", "boring"};
const std::vector<std::string> kNotes = {
    "The drums come in too late.", "Perfect for the intro.", "Bass line is great, melody less so.",
    "Would like it a bit faster.", "Use this one for the demo.", "Sounds thin on laptop speakers."};
const std::vector<std::string> kAdapterNames = {
    "lofi-chill", "jazz-noir", "synthwave-80s", "cinematic-strings", "ambient-drift",
    "funk-groove", "folk-acoustic", "house-club", "techno-warehouse", "bossa-sunset",
    "chiptune-8bit", "trip-hop-dusk", "orchestral-epic", "blues-smoke", "reggae-dub",
    "afrobeat-lagos", "soul-vintage", "rock-garage", "classical-chamber", "dnb-rollers"};
const std::vector<std::string> kAdapterConfigs = {
    "{}", R"({"tempo_scale":0.85,"swing":0.2})", R"({"reverb":0.6,"chorus":0.3})",
    R"({"transpose":-3,"mode":"minor"})", R"({"note_density":1.4,"energy":1.2})",
    R"({"instrument_overrides":{"lead":"saxophone"}})"};

// ---- the plan: one byte per job, decided before anything is written ----

enum : uint8_t {
  kStatusMask = 0x07,   // JobStatus
  kDeleted = 0x08,      // soft-deleted
  kBenchGet = 0x10,     // written to bench-ids.txt
  kBenchDelete = 0x20,  // written to bench-delete-ids.txt
  kPartial = 0x40,      // cancelled with one finished sample
};

JobStatus StatusOf(uint8_t f) { return static_cast<JobStatus>(f & kStatusMask); }

int SamplesOf(uint8_t f, int samples_per_job) {
  switch (StatusOf(f)) {
    case JobStatus::kCompleted: return samples_per_job;
    case JobStatus::kCancelled: return (f & kPartial) ? 1 : 0;
    default: return 0;
  }
}

struct Options {
  std::string data_dir;
  std::string db;  // empty: SQLite DIR/studio.db; else a postgresql:// URL
  int64_t jobs = 100000;
  double deleted_fraction = 0.1;
  int samples_per_job = 2;
  int64_t feedback = -1;  // -1: same as jobs
  int adapters = 20;
  int prompts = 1000;
  uint64_t seed = 42;
  int batch_jobs = 0;  // 0: 10,000 on SQLite, 500 on PostgreSQL (see --batch)
  int bench_ids = 5000;
  int delete_ids = 300;
  bool force = false;
  bool random_ids = false;
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

int Fail(const std::string& what, const Status& s) {
  std::fprintf(stderr, "seed: %s: %s\n", what.c_str(), s.ToString().c_str());
  return 1;
}

int Run(Options o) {
  const auto t0 = std::chrono::steady_clock::now();
  // On PostgreSQL every job insert updates the one job_counters row (a
  // statement trigger); within one transaction those versions cannot be
  // pruned, so each update walks a longer chain. 500-job transactions took
  // ~25 % less database CPU than 10,000-job ones (20k jobs: 11.9 vs 16.6 s).
  // On SQLite the batch size made no measurable difference.
  if (o.batch_jobs <= 0) o.batch_jobs = o.db.empty() ? 10000 : 500;
  const fs::path dir(o.data_dir);
  const fs::path db = dir / "studio.db";
  std::error_code ec;
  const bool postgres = !o.db.empty();
  if (!postgres && fs::exists(db)) {
    if (!o.force) {
      std::fprintf(stderr, "seed: %s already exists; seed a fresh data dir or pass --force\n",
                   db.c_str());
      return 1;
    }
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix, ec);
  }
  fs::create_directories(dir / "audio", ec);
  if (ec) {
    std::fprintf(stderr, "seed: cannot create %s: %s\n", dir.c_str(), ec.message().c_str());
    return 1;
  }
  Status s;
  std::unique_ptr<Store> store;
  if (postgres) {
    store = OpenPostgresStore({.url = o.db, .pool_size = 2}, &s);
    if (!store) return Fail("open " + o.db, s);
    int64_t existing = 0;
    if (s = store->CountPrompts(&existing); !s.ok()) return Fail("count prompts", s);
    if (existing > 0) {
      std::fprintf(stderr, "seed: %s already holds %lld prompts; seed a fresh database\n",
                   o.db.c_str(), static_cast<long long>(existing));
      return 1;
    }
  } else {
    store = OpenSqliteStore({.path = db.string()}, &s);
    if (!store) return Fail("open " + db.string(), s);
  }
  const std::string where = postgres ? o.db : db.string();

  Rng rng(o.seed);
  rng.time_ordered = !o.random_ids;
  const int64_t n = o.jobs;
  const int64_t feedback_target = o.feedback < 0 ? n : o.feedback;
  const Micros now =
      std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::system_clock::now().time_since_epoch()).count();
  const Micros jobs_start = now - 90 * kDay;
  // The newest jobs are still queued or processing; older ones have ended.
  const int64_t active_tail = std::min<int64_t>(n, 15);

  // ---- plan ----
  std::vector<uint8_t> plan(n);
  for (int64_t i = 0; i < n; ++i) {
    uint8_t f;
    if (i >= n - active_tail) {
      f = static_cast<uint8_t>(i >= n - 5 ? JobStatus::kQueued : JobStatus::kProcessing);
    } else {
      double r = rng.Unit();
      JobStatus st = r < 0.88 ? JobStatus::kCompleted
                     : r < 0.94 ? JobStatus::kFailed
                                : JobStatus::kCancelled;
      f = static_cast<uint8_t>(st);
      if (st == JobStatus::kCancelled && rng.Chance(0.5)) f |= kPartial;
    }
    plan[i] = f;
  }
  // Exactly round(n * fraction) deletions among the ended jobs (selection sampling).
  const int64_t eligible = n - active_tail;
  int64_t to_delete = std::min<int64_t>(eligible, std::llround(n * o.deleted_fraction));
  for (int64_t i = 0, left = eligible; i < eligible; ++i, --left) {
    if (static_cast<int64_t>(rng.Below(left)) < to_delete) {
      plan[i] |= kDeleted;
      --to_delete;
    }
  }
  // Bench id sets: random live jobs for GET; random live completed jobs, not in that set, for DELETE.
  std::vector<uint32_t> live;
  live.reserve(n);
  for (int64_t i = 0; i < n; ++i)
    if (!(plan[i] & kDeleted)) live.push_back(static_cast<uint32_t>(i));
  // At most half of the live jobs, so small seeds still leave some to delete.
  const size_t get_count = std::min<size_t>(o.bench_ids, live.size() / 2);
  for (size_t k = 0; k < get_count; ++k) {
    std::swap(live[k], live[k + rng.Below(live.size() - k)]);
    plan[live[k]] |= kBenchGet;
  }
  std::vector<uint32_t> deletable;
  for (size_t k = get_count; k < live.size(); ++k)
    if (StatusOf(plan[live[k]]) == JobStatus::kCompleted) deletable.push_back(live[k]);
  const size_t delete_count = std::min<size_t>(o.delete_ids, deletable.size());
  for (size_t k = 0; k < delete_count; ++k) {
    std::swap(deletable[k], deletable[k + rng.Below(deletable.size() - k)]);
    plan[deletable[k]] |= kBenchDelete;
  }
  std::vector<uint32_t>().swap(live);
  std::vector<uint32_t>().swap(deletable);
  int64_t live_samples = 0;
  for (int64_t i = 0; i < n; ++i)
    if (!(plan[i] & kDeleted)) live_samples += SamplesOf(plan[i], o.samples_per_job);
  if (feedback_target > 0 && live_samples == 0) {
    std::fprintf(stderr, "seed: no live samples to put %lld feedback rows on\n",
                 static_cast<long long>(feedback_target));
    return 1;
  }

  // ---- prompts and adapters ----
  std::vector<std::string> prompt_ids(o.prompts), prompt_previews(o.prompts);
  std::vector<int> prompt_duration(o.prompts);
  struct AdapterRef {
    std::string id;
    Micros deleted_at;  // 0: live
  };
  std::vector<AdapterRef> adapters;
  int64_t adapters_deleted = 0;
  s = store->InTransaction([&]() -> Status {
    Prompt p;
    for (int i = 0; i < o.prompts; ++i) {
      p.created_at = jobs_start - kDay + i * (kDay / 2 / std::max(1, o.prompts));
      rng.Uuid(p.created_at, &p.id);
      const std::string& style = rng.Pick(kStyles);
      const std::string& mood = rng.Pick(kMoods);
      p.attributes = PromptAttributes{};
      p.attributes.style = style;
      p.attributes.mood = mood;
      p.attributes.tempo = 60 + static_cast<int>(rng.Below(120));
      p.attributes.duration = 5 + static_cast<int>(rng.Below(26));
      int primaries = 1 + static_cast<int>(rng.Below(3));
      for (int k = 0; k < primaries; ++k) p.attributes.primary_instruments.push_back(rng.Pick(kInstruments));
      if (rng.Chance(0.6)) p.attributes.secondary_instruments.push_back(rng.Pick(kInstruments));
      p.text = rng.Pick(kOpenings) + " " + mood + " " + style + " piece with " +
               p.attributes.primary_instruments[0];
      if (primaries > 1) p.text += " and " + p.attributes.primary_instruments[1];
      p.text += " at " + std::to_string(*p.attributes.tempo) + " bpm";
      if (rng.Chance(0.7)) p.text += ", " + rng.Pick(kScenes);
      if (rng.Chance(0.3)) p.text += ". Keep the arrangement sparse in the first half and let it build.";
      p.text += " (#" + std::to_string(i + 1) + ")";  // distinct texts
      STUDIO_RETURN_IF_ERROR(store->InsertPrompt(p));
      prompt_ids[i] = p.id;
      prompt_duration[i] = *p.attributes.duration;
    }
    Adapter a;
    for (int i = 0; i < o.adapters; ++i) {
      a.created_at = a.updated_at = jobs_start - 2 * kDay + i * kSecond;
      rng.Uuid(a.created_at, &a.id);
      a.name = kAdapterNames[i % kAdapterNames.size()];
      if (i >= static_cast<int>(kAdapterNames.size())) a.name += "-" + std::to_string(i / kAdapterNames.size() + 1);
      a.description = "Style profile " + a.name + " trained on curated studio sessions";
      a.storage_path = "adapters/" + a.id + "/v1.json";
      a.config_json = rng.Pick(kAdapterConfigs);
      a.is_active = i % 7 != 6;  // a few inactive
      a.status = i % 9 == 8 ? AdapterStatus::kArchived : AdapterStatus::kActive;
      a.current_version = "v1";
      STUDIO_RETURN_IF_ERROR(store->InsertAdapter(a));
      Micros deleted_at = 0;
      if (i % 10 == 9) {  // 10% soft-deleted, at some point in the job history
        deleted_at = jobs_start + static_cast<Micros>(rng.Below(80)) * kDay;
        STUDIO_RETURN_IF_ERROR(store->MarkAdapterDeleted(a.id, deleted_at));
        ++adapters_deleted;
      }
      adapters.push_back({a.id, deleted_at});
    }
    return Status::Ok();
  });
  if (!s.ok()) return Fail("prompts/adapters", s);

  // ---- jobs, samples, feedback ----
  std::vector<std::string> get_ids, delete_ids;
  get_ids.reserve(get_count);
  delete_ids.reserve(delete_count);
  int64_t counts[5] = {0, 0, 0, 0, 0};
  int64_t samples_written = 0, feedback_written = 0, jobs_deleted = 0, with_adapter = 0;
  int64_t samples_left = live_samples, feedback_left = feedback_target;
  const Micros step = std::max<Micros>(1, (now - kSecond - jobs_start) / std::max<int64_t>(1, n));

  Job job;
  AudioSample sample;
  Feedback fb;
  std::vector<std::string> sample_ids;
  const auto t_jobs = std::chrono::steady_clock::now();
  for (int64_t begin = 0; begin < n; begin += o.batch_jobs) {
    const int64_t end = std::min<int64_t>(n, begin + o.batch_jobs);
    s = store->InTransaction([&]() -> Status {
      for (int64_t i = begin; i < end; ++i) {
        const uint8_t f = plan[i];
        const JobStatus st = StatusOf(f);
        const int pi = static_cast<int>(rng.Below(prompt_ids.size()));
        job.created_at = jobs_start + i * step + static_cast<Micros>(rng.Below(step / 2 + 1));
        rng.Uuid(job.created_at, &job.id);
        job.prompt_id = prompt_ids[pi];
        job.adapter_id.reset();
        if (!adapters.empty() && rng.Chance(0.3)) {
          const AdapterRef& ar = adapters[rng.Below(adapters.size())];
          if (ar.deleted_at == 0 || ar.deleted_at > job.created_at) job.adapter_id = ar.id;
          else job.adapter_id = adapters[0].id;  // adapter 0 is never deleted
          ++with_adapter;
        }
        job.status = st;
        job.num_samples = o.samples_per_job;
        job.params.seed = static_cast<int64_t>(rng.Next() >> 33);
        job.params.temperature = 0.7 + 0.05 * static_cast<double>(rng.Below(11));
        job.params.top_k = rng.Chance(0.8) ? 250 : 50;
        job.params.top_p = rng.Chance(0.8) ? 0.0 : 0.9;
        job.params.duration = prompt_duration[pi];
        job.error.reset();
        job.completed_at.reset();
        job.deleted_at.reset();
        const Micros render = static_cast<Micros>(
            (0.5 + job.params.duration * (0.05 + 0.25 * rng.Unit())) * kSecond);
        switch (st) {
          case JobStatus::kCompleted:
            job.progress = 1.0;
            job.completed_at = job.created_at + render;
            break;
          case JobStatus::kFailed:
            job.progress = 0.05 * static_cast<double>(rng.Below(19));
            job.error = "Synthesizer error: could not render sample";
            job.completed_at = job.created_at + render / 2;
            break;
          case JobStatus::kCancelled:
            job.progress = (f & kPartial) ? 0.75 : 0.25;
            job.completed_at = job.created_at + render / 2;
            break;
          case JobStatus::kProcessing:
            job.progress = 0.3;
            break;
          case JobStatus::kQueued:
            job.progress = 0.0;
            break;
        }
        STUDIO_RETURN_IF_ERROR(store->InsertJob(job));
        ++counts[static_cast<int>(st)];

        const int nsamples = SamplesOf(f, o.samples_per_job);
        sample_ids.resize(nsamples);
        for (int k = 0; k < nsamples; ++k) {
          sample.created_at = job.created_at + render * (k + 1) / nsamples;
          rng.Uuid(sample.created_at, &sample.id);
          sample.job_id = job.id;
          sample.prompt_id = job.prompt_id;
          sample.adapter_id = job.adapter_id;
          sample.sample_index = k;
          sample.storage_path.assign("audio/").append(job.id).append("/").append(sample.id).append(".wav");
          sample.duration_seconds = job.params.duration;
          sample.sample_rate = 44100;
          sample.params = job.params;
          STUDIO_RETURN_IF_ERROR(store->InsertAudioSample(sample));
          sample_ids[k] = sample.id;
          ++samples_written;
        }

        if (f & kDeleted) {
          const Micros deleted_at = job.created_at + static_cast<Micros>(rng.Unit() * (now - job.created_at));
          int64_t marked = 0;
          STUDIO_RETURN_IF_ERROR(store->MarkJobsDeleted({job.id}, deleted_at, &marked));
          ++jobs_deleted;
        } else {
          // Feedback spread exactly over the live samples: each gets
          // floor(left/samples_left) rows plus one more with the remainder's odds.
          for (int k = 0; k < nsamples; ++k) {
            int64_t rows = feedback_left / samples_left;
            if (static_cast<int64_t>(rng.Below(samples_left)) < feedback_left % samples_left) ++rows;
            --samples_left;
            for (int64_t r = 0; r < rows; ++r) {
              // Most feedback comes while listening to the fresh result; some days later.
              const Micros delay = rng.Chance(0.8) ? static_cast<Micros>(rng.Below(3600 * kSecond))
                                                   : static_cast<Micros>(rng.Below(7 * kDay));
              fb.created_at = std::min(now, job.created_at + render + delay);
              rng.Uuid(fb.created_at, &fb.id);
              fb.audio_id = sample_ids[k];
              fb.rating.reset();
              fb.preferred_over.reset();
              fb.tags.clear();
              fb.notes.reset();
              fb.rating_criterion = rng.Pick(kCriteria);
              const double kind = rng.Unit();
              if (kind < 0.15 && nsamples > 1) {
                fb.preferred_over = sample_ids[(k + 1 + rng.Below(nsamples - 1)) % nsamples];
                if (rng.Chance(0.5)) fb.rating = 3 + static_cast<int>(rng.Below(3));
              } else if (kind < 0.25) {
                fb.tags.push_back(rng.Pick(kTags));
                if (rng.Chance(0.4)) fb.tags.push_back(rng.Pick(kTags));
                if (fb.tags.size() == 2 && fb.tags[0] == fb.tags[1]) fb.tags.pop_back();
              } else {
                // Ratings lean positive, like real listeners.
                static const int kRatings[10] = {1, 2, 2, 3, 3, 4, 4, 4, 5, 5};
                fb.rating = kRatings[rng.Below(10)];
                if (rng.Chance(0.2)) fb.tags.push_back(rng.Pick(kTags));
              }
              if (rng.Chance(0.1)) fb.notes = rng.Pick(kNotes);
              STUDIO_RETURN_IF_ERROR(store->InsertFeedback(fb));
              ++feedback_written;
            }
            feedback_left -= rows;
          }
          if (f & kBenchGet) get_ids.push_back(job.id);
          if (f & kBenchDelete) delete_ids.push_back(job.id);
        }
      }
      return Status::Ok();
    });
    if (!s.ok()) return Fail("jobs " + std::to_string(begin) + ".." + std::to_string(end), s);
    if ((end / o.batch_jobs) % 10 == 0 || end == n) {
      std::fprintf(stderr, "seed: %lld/%lld jobs (%.1f s)\n", static_cast<long long>(end),
                   static_cast<long long>(n), Seconds(t_jobs));
    }
  }
  const double jobs_seconds = Seconds(t_jobs);
  store.reset();  // closes the connection(s); SQLite: checkpoints and removes the WAL

  // Random order, so a client cycling through the file touches random pages.
  for (size_t k = get_ids.size(); k > 1; --k) std::swap(get_ids[k - 1], get_ids[rng.Below(k)]);
  auto write_ids = [&](const fs::path& path, const std::vector<std::string>& ids) {
    std::ofstream out(path, std::ios::trunc);
    for (const auto& id : ids) out << id << '\n';
    return static_cast<bool>(out);
  };
  if (!write_ids(dir / "bench-ids.txt", get_ids) || !write_ids(dir / "bench-delete-ids.txt", delete_ids)) {
    std::fprintf(stderr, "seed: cannot write the id files in %s\n", dir.c_str());
    return 1;
  }

  const double total = Seconds(t0);
  const int64_t rows = o.prompts + o.adapters + n + samples_written + feedback_written;
  std::printf("seeded %s in %.1f s (jobs/samples/feedback phase %.1f s, %.0f rows/s)\n",
              where.c_str(), total, jobs_seconds, rows / std::max(1e-9, total));
  std::printf("  prompts   %d\n", o.prompts);
  std::printf("  adapters  %d (%lld soft-deleted)\n", o.adapters, static_cast<long long>(adapters_deleted));
  std::printf("  jobs      %lld (%lld soft-deleted, %lld with an adapter; completed %lld, failed %lld, "
              "cancelled %lld, processing %lld, queued %lld)\n",
              static_cast<long long>(n), static_cast<long long>(jobs_deleted),
              static_cast<long long>(with_adapter), static_cast<long long>(counts[2]),
              static_cast<long long>(counts[3]), static_cast<long long>(counts[4]),
              static_cast<long long>(counts[1]), static_cast<long long>(counts[0]));
  std::printf("  samples   %lld\n", static_cast<long long>(samples_written));
  std::printf("  feedback  %lld (on samples of live jobs only)\n", static_cast<long long>(feedback_written));
  std::printf("  bench ids %zu in bench-ids.txt, %zu in bench-delete-ids.txt\n", get_ids.size(),
              delete_ids.size());
  if (!postgres) std::printf("  db size   %.1f MB\n", static_cast<double>(fs::file_size(db, ec)) / 1e6);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"Seed a Song Studio data dir for the benchmarks"};
  app.add_option("--data-dir", o.data_dir, "Data dir to create (studio.db goes inside, unless --db)")->required();
  app.add_option("--db", o.db, "Seed this PostgreSQL database (postgresql://user@host:port/db, holding no "
                               "prompts yet) instead of DIR/studio.db");
  app.add_option("--jobs", o.jobs, "Generation jobs")->check(CLI::Range(int64_t{1}, int64_t{50'000'000}))
      ->capture_default_str();
  app.add_option("--deleted-fraction", o.deleted_fraction, "Fraction of jobs soft-deleted")
      ->check(CLI::Range(0.0, 0.9))->capture_default_str();
  app.add_option("--samples-per-job", o.samples_per_job, "Audio samples per completed job (num_samples)")
      ->check(CLI::Range(1, 4))->capture_default_str();
  app.add_option("--feedback", o.feedback, "Feedback rows (default: as many as jobs)");
  app.add_option("--adapters", o.adapters, "Adapters (10% soft-deleted)")->check(CLI::Range(0, 10000))
      ->capture_default_str();
  app.add_option("--prompts", o.prompts, "Distinct prompts")->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  app.add_option("--seed", o.seed, "Random seed")->capture_default_str();
  app.add_option("--batch", o.batch_jobs,
                 "Jobs per transaction (with their samples and feedback); default 10000, 500 with --db")
      ->check(CLI::Range(1, 10'000'000));
  app.add_option("--bench-ids", o.bench_ids, "Live job ids written to bench-ids.txt")
      ->check(CLI::Range(0, 10'000'000))->capture_default_str();
  app.add_option("--delete-ids", o.delete_ids, "Live completed job ids written to bench-delete-ids.txt")
      ->check(CLI::Range(0, 10'000'000))->capture_default_str();
  app.add_flag("--random-ids", o.random_ids,
               "Random (v4) ids like the server's, instead of time-ordered (v7) ones; "
               "much slower to seed at 1M jobs (random B-tree inserts outgrow SQLite's cache)");
  app.add_flag("--force", o.force, "Replace an existing studio.db in the data dir");
  CLI11_PARSE(app, argc, argv);
  return Run(o);
}
