// Shared by the music tests (SPEC section 9): render a request with the
// test SoundFont into a WAV (and its MIDI file) in a temporary folder, and
// measure it from outside with tests/engine/measure_audio.py (numpy,
// python3-aubio, python3-mido), which never sees the composer's data.
#pragma once

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/fluidsynth_engine.h"
#include "engine/wav_writer.h"
#include "util/uuid.h"

namespace studio::music_test {

namespace fs = std::filesystem;

// A shared engine and folder for one test suite.
class MusicTest : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    Status s;
    engine_ = NewFluidSynthEngine(STUDIO_TEST_SOUNDFONT, &s).release();
    ASSERT_TRUE(s.ok()) << s.ToString();
    dir_ = new fs::path(fs::temp_directory_path() / ("studio_music_test_" + NewUuid()));
    fs::create_directories(*dir_);
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
    // STUDIO_MUSIC_KEEP=1 keeps the renders for listening.
    if (std::getenv("STUDIO_MUSIC_KEEP") != nullptr) {
      std::printf("renders kept in %s\n", dir_->c_str());
    } else {
      fs::remove_all(*dir_);
    }
    delete dir_;
    dir_ = nullptr;
  }

  static RenderRequest Request(const std::string& style, int tempo, int seconds, int seed = 7) {
    RenderRequest r;
    r.prompt_text = "a " + style + " piece";
    r.attributes.style = style;
    if (tempo > 0) r.attributes.tempo = tempo;
    r.params.seed = seed;
    r.params.duration = seconds;
    return r;
  }

  // Renders `r` to <dir>/<name>.wav (and .mid); "" (with a failure) when
  // rendering or writing fails.
  static std::string RenderToFile(const RenderRequest& r, const std::string& name,
                                  PcmAudio* pcm_out = nullptr) {
    PcmAudio pcm;
    Status s = engine_->Render(r, nullptr, &pcm);
    EXPECT_TRUE(s.ok()) << s.ToString();
    if (!s.ok()) return "";
    const std::string path = (*dir_ / (name + ".wav")).string();
    s = WriteWavFile(Env::Default(), path, pcm);
    EXPECT_TRUE(s.ok()) << s.ToString();
    std::ofstream((*dir_ / (name + ".mid")).string(), std::ios::binary) << pcm.midi;
    if (pcm_out != nullptr) *pcm_out = std::move(pcm);
    return s.ok() ? path : "";
  }

  // Runs measure_audio.py `command` over `args`; its JSON answer, or null
  // (with a failure) when the script fails.
  static nlohmann::json Measure(const std::string& command, const std::vector<std::string>& args) {
    std::string cmd = "/usr/bin/python3 '" STUDIO_SOURCE_DIR "/tests/engine/measure_audio.py' " +
                      command;
    for (const std::string& a : args) cmd += " '" + a + "'";
    cmd += " 2>&1";
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(cmd.c_str(), "r"), pclose);
    std::string out;
    if (pipe) {
      std::array<char, 4096> buf{};
      size_t n;
      while ((n = std::fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
    }
    nlohmann::json j = nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << cmd << " answered: " << out;
    return j.is_discarded() ? nlohmann::json() : j;
  }

  static std::string Path(const std::string& name) { return (*dir_ / name).string(); }

  static Engine* engine_;
  static fs::path* dir_;
};

inline Engine* MusicTest::engine_ = nullptr;
inline fs::path* MusicTest::dir_ = nullptr;

}  // namespace studio::music_test
