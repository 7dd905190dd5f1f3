// SPEC section 9, mood and the score: a key finder (Krumhansl-Schmuckler
// over a numpy chroma) reads minor in at least 80 % of sad renders and
// major in 80 % of happy ones; each render's MIDI file parses with an
// independent reader (python3-mido) and has the instruments' programs, the
// tempo and the length that were rendered; a WAV written with tags carries
// them (read back with libsndfile).
#include <sndfile.h>

#include <string>

#include "engine/music_measure.h"

namespace studio::music_test {
namespace {

class MusicMoodTest : public MusicTest {};

TEST_F(MusicMoodTest, SadReadsMinorAndHappyReadsMajor) {
  const char* styles[] = {"pop", "rock", "ballad", "folk", "edm"};
  for (const char* mood : {"sad", "happy"}) {
    int agree = 0, total = 0;
    for (int i = 0; i < 10; ++i) {
      RenderRequest r = Request(styles[i % 5], 0, 10, 100 + i);
      r.attributes.mood = mood;
      r.prompt_text = std::string("a ") + mood + " song";
      const std::string path = RenderToFile(r, std::string(mood) + std::to_string(i));
      const auto m = Measure("key", {path});
      const std::string heard = m.value("mode", "");
      agree += heard == (std::string(mood) == "sad" ? "minor" : "major");
      ++total;
    }
    EXPECT_GE(agree, 8) << mood << ": " << agree << " of " << total << " read as intended";
    std::printf("mood %s: %d of %d renders read %s\n", mood, agree, total,
                std::string(mood) == "sad" ? "minor" : "major");
  }
}

class MusicMidiTest : public MusicTest {};

TEST_F(MusicMidiTest, MidiHasTheProgramsTempoAndLengthRendered) {
  RenderRequest r = Request("jazz", 132, 6, 4);
  r.attributes.primary_instruments = {"saxophone", "acoustic-piano", "double-bass",
                                      "808-drums"};
  const std::string wav = RenderToFile(r, "midi_jazz");
  ASSERT_FALSE(wav.empty());
  const auto m = Measure("midi", {Path("midi_jazz.mid")});
  EXPECT_EQ(m.value("type", -1), 1);
  EXPECT_NEAR(m.value("bpm", 0.0), 132, 0.01);
  EXPECT_NEAR(m.value("length_s", 0.0), 6.0, 0.02);
  EXPECT_GT(m.value("notes", 0), 20);
  // GM programs (0-based): saxophone 65, piano 0, upright bass 32; the
  // 808 kit is program 25 on the drum channel (index 9).
  const auto programs = m.value("programs", nlohmann::json::object());
  auto has = [&](int channel_program) {
    for (const auto& [channel, list] : programs.items()) {
      for (const auto& p : list) {
        if (p.get<int>() == channel_program) return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(has(65)) << programs.dump();
  EXPECT_TRUE(has(0)) << programs.dump();
  EXPECT_TRUE(has(32)) << programs.dump();
  ASSERT_TRUE(programs.contains("9")) << programs.dump();
  EXPECT_EQ(programs["9"][0].get<int>(), 25) << programs.dump();
}

TEST_F(MusicMidiTest, WavCarriesPromptSeedAndAdapter) {
  PcmAudio pcm;
  ASSERT_TRUE(engine_->Render(Request("pop", 100, 2, 17), nullptr, &pcm).ok());
  WavTags tags;
  tags.title = "a pop piece with words";
  tags.comment = "seed=17 sample=0 adapter=abc adapter_version=v3";
  tags.software = "Song Studio";
  const std::string path = Path("tagged.wav");
  ASSERT_TRUE(WriteWavFile(Env::Default(), path, pcm, tags).ok());
  SF_INFO info{};
  SNDFILE* f = sf_open(path.c_str(), SFM_READ, &info);
  ASSERT_NE(f, nullptr);
  const char* title = sf_get_string(f, SF_STR_TITLE);
  const char* comment = sf_get_string(f, SF_STR_COMMENT);
  EXPECT_STREQ(title ? title : "", tags.title.c_str());
  EXPECT_STREQ(comment ? comment : "", tags.comment.c_str());
  EXPECT_EQ(info.frames, pcm.frames());
  sf_close(f);
}

}  // namespace
}  // namespace studio::music_test
