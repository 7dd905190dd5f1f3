// SPEC section 9, instrumentation, measured from outside: naming only some
// instruments gives only those (spectral checks for solo piano, flute,
// cello and a drum kit), every instrument and drum kit of SPEC section 2
// renders differently from every other, and registers are respected
// (a piccolo sounds above a flute).
#include <string>
#include <vector>

#include "domain/vocabulary.h"
#include "engine/music_measure.h"

namespace studio::music_test {
namespace {

class MusicInstrumentsTest : public MusicTest {
 public:
  static RenderRequest Solo(const std::string& style, const std::string& instrument, int seconds) {
    RenderRequest r = Request(style, 100, seconds, 9);
    r.prompt_text = "solo " + instrument;
    r.attributes.primary_instruments = {instrument};
    return r;
  }
  // Fractions of the energy in each band between `edges` (Hz).
  static std::vector<double> Bands(const std::string& path, const std::vector<std::string>& edges) {
    std::vector<std::string> args = {path};
    args.insert(args.end(), edges.begin(), edges.end());
    return Measure("bands", args).value("fractions", std::vector<double>{});
  }
};

TEST_F(MusicInstrumentsTest, SoloPromptsHaveEnergyOnlyWhereTheInstrumentPlays) {
  // The full band of the style (no instruments named) for comparison.
  const std::string band = RenderToFile(Request("rock", 100, 8, 9), "band");
  // Flute (C4 up): next to nothing below 200 Hz, where bass and kick live.
  const std::string flute = RenderToFile(Solo("rock", "flute", 8), "solo_flute");
  const auto f = Bands(flute, {"20", "200", "22050"});
  const auto b = Bands(band, {"20", "200", "22050"});
  ASSERT_EQ(f.size(), 2u);
  ASSERT_EQ(b.size(), 2u);
  EXPECT_LT(f[0], 0.01) << "solo flute: " << f[0] << " of the energy below 200 Hz";
  EXPECT_GT(b[0], 10 * f[0]);
  // Cello: nothing of cymbals and hats above 6 kHz.
  const std::string cello = RenderToFile(Solo("rock", "cello", 8), "solo_cello");
  const auto c = Bands(cello, {"20", "6000", "22050"});
  const auto bh = Bands(band, {"20", "6000", "22050"});
  ASSERT_EQ(c.size(), 2u);
  EXPECT_LT(c[1], 0.01) << "solo cello: " << c[1] << " above 6 kHz";
  EXPECT_GT(bh[1], 5 * c[1]);
  // Piano: no bass or kick below 50 Hz (its lowest note here is C2, 65 Hz)
  // and no cymbals above 8 kHz.
  const std::string piano = RenderToFile(Solo("rock", "acoustic-piano", 8), "solo_piano");
  const auto p = Bands(piano, {"20", "50", "8000", "22050"});
  const auto bp = Bands(band, {"20", "50", "8000", "22050"});
  ASSERT_EQ(p.size(), 3u);
  EXPECT_LT(p[0], 0.01) << "solo piano below 50 Hz: " << p[0];
  EXPECT_LT(p[2], 0.01) << "solo piano above 8 kHz: " << p[2];
  EXPECT_GT(bp[2], 3 * p[2]);
  // A drum kit alone: no sustained pitched band between the hits, so most
  // of its 20 ms frames are far below the loudest near them.
  const std::string drums = RenderToFile(Solo("rock", "acoustic-drum-kit", 8), "solo_drums");
  const double drum_fill = Measure("fill", {drums}).value("fill_db", 0.0);
  const double band_fill = Measure("fill", {band}).value("fill_db", 0.0);
  EXPECT_LT(drum_fill, band_fill - 3) << "drums alone fill " << drum_fill << " dB, band "
                                      << band_fill << " dB";
  std::printf("solo: flute <200 Hz %.4f (band %.4f); cello >6 kHz %.4f (band %.4f); piano <50 Hz "
              "%.4f, >8 kHz %.4f (band %.4f); drums fill %.1f dB (band %.1f dB)\n",
              f[0], b[0], c[1], bh[1], p[0], p[2], bp[2], drum_fill, band_fill);
}

TEST_F(MusicInstrumentsTest, EveryInstrumentAndKitSoundsDistinct) {
  std::vector<std::string> paths, names;
  for (const InstrumentInfo& info : AllInstruments()) {
    const std::string name(info.name);
    // Texture effects colour a band; alone they bring the style's band with them.
    paths.push_back(RenderToFile(Solo("pop", name, 4), "inst_" + name));
    ASSERT_FALSE(paths.back().empty()) << name;
    names.push_back(name);
  }
  const auto m = Measure("features", paths);
  ASSERT_TRUE(m.contains("closest_pair"));
  const int i = m["closest_pair"][0], j = m["closest_pair"][1];
  const double d = m.value("min_distance_db", 0.0);
  // The closest two of them still differ by 1 dB per band on average.
  EXPECT_GT(d, 1.0) << names[i] << " and " << names[j] << " differ by " << d << " dB";
  std::printf("%zu instruments: closest pair %s / %s, %.2f dB apart\n", names.size(),
              names[i].c_str(), names[j].c_str(), d);
}

TEST_F(MusicInstrumentsTest, PiccoloSoundsAboveFlute) {
  for (const char* style : {"ambient", "classical"}) {
    const auto pitch = [&](const char* instrument) {
      const std::string path =
          RenderToFile(Solo(style, instrument, 8), std::string(style) + "_" + instrument);
      return Measure("pitch", {path}).value("median_midi", -1.0);
    };
    const double flute = pitch("flute"), piccolo = pitch("piccolo");
    EXPECT_GT(flute, 55) << style << ": no pitch found for the flute";
    EXPECT_GT(piccolo, flute + 5) << style << ": piccolo " << piccolo << ", flute " << flute;
    std::printf("%s: flute median MIDI %.1f, piccolo %.1f\n", style, flute, piccolo);
  }
}

}  // namespace
}  // namespace studio::music_test
