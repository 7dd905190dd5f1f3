// Render speed of the built-in engine: seconds of audio rendered per second
// of CPU time on one thread (the worker runs one engine per thread, so this
// is the per-worker throughput). Renders --samples samples of --seconds
// each, cycling through prompts of different styles, with the SoundFont
// given, or with FluidR3_GM and TimGM6mb when none is.
//
//   render_bench [--soundfont PATH] [--samples 8] [--seconds 10]
#include <CLI/CLI.hpp>

#include <time.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/fluidsynth_engine.h"

namespace {

using studio::RenderRequest;

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

std::vector<RenderRequest> Prompts(int seconds) {
  struct P {
    const char* text;
    const char* style;
    const char* mood;
    std::vector<std::string> primary, secondary;
  };
  const std::vector<P> prompts = {
      {"lofi beat to study to", "lofi", "calm", {}, {}},
      {"driving rock anthem", "rock", "energetic", {"electric-guitar-distorted"}, {}},
      {"floating ambient soundscape", "ambient", "peaceful", {}, {}},
      {"deep house groove", "house", "", {"electric-piano", "synth-bass", "909-drums"}, {}},
      {"late night jazz trio", "jazz", "mellow", {"acoustic-piano", "double-bass"}, {"saxophone"}},
      {"epic cinematic score", "cinematic", "dark", {}, {"taiko-drums"}},
      {"catchy pop song", "pop", "happy", {}, {}},
      {"festival edm drop", "edm", "euphoric", {}, {"arpeggiator-synth"}},
  };
  std::vector<RenderRequest> out;
  int seed = 1;
  for (const P& p : prompts) {
    RenderRequest r;
    r.prompt_text = p.text;
    r.attributes.style = p.style;
    if (*p.mood) r.attributes.mood = p.mood;
    r.attributes.primary_instruments = p.primary;
    r.attributes.secondary_instruments = p.secondary;
    r.params.seed = seed++;
    r.params.duration = seconds;
    out.push_back(r);
  }
  return out;
}

int Bench(const std::string& soundfont, int samples, int seconds) {
  const auto load_start = std::chrono::steady_clock::now();
  studio::Status status;
  std::unique_ptr<studio::Engine> engine = studio::NewFluidSynthEngine(soundfont, &status);
  if (!status.ok()) {
    std::fprintf(stderr, "%s: %s\n", soundfont.c_str(), status.ToString().c_str());
    return 1;
  }
  const double load_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
  std::printf("%s (loaded in %.2f s)\n", soundfont.c_str(), load_s);

  const std::vector<RenderRequest> prompts = Prompts(seconds);
  double audio_total = 0, cpu_total = 0, slowest = 1e9;
  const auto wall_start = std::chrono::steady_clock::now();
  for (int i = 0; i < samples; ++i) {
    RenderRequest r = prompts[i % prompts.size()];
    r.sample_index = i / static_cast<int>(prompts.size());
    studio::PcmAudio pcm;
    const double cpu_start = ThreadCpuSeconds();
    status = engine->Render(r, nullptr, &pcm);
    const double cpu = ThreadCpuSeconds() - cpu_start;
    if (!status.ok()) {
      std::fprintf(stderr, "render failed: %s\n", status.ToString().c_str());
      return 1;
    }
    const double speed = pcm.seconds() / cpu;
    slowest = std::min(slowest, speed);
    std::printf("  %-30s %5.1f s audio  %6.3f s cpu  %6.1fx\n", r.prompt_text.c_str(),
                pcm.seconds(), cpu, speed);
    audio_total += pcm.seconds();
    cpu_total += cpu;
  }
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();
  std::printf("  total: %.0f s of audio in %.2f s cpu (%.2f s wall): %.1fx real time per "
              "thread (slowest sample %.1fx)\n\n",
              audio_total, cpu_total, wall, audio_total / cpu_total, slowest);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Render speed of the FluidSynth engine, in audio seconds per CPU second"};
  std::string soundfont;
  int samples = 8;
  int seconds = 10;
  app.add_option("--soundfont", soundfont, "SoundFont to use (default: FluidR3_GM and TimGM6mb)");
  app.add_option("--samples", samples, "Samples to render")->check(CLI::Range(1, 1000))
      ->capture_default_str();
  app.add_option("--seconds", seconds, "Length of each sample")->check(CLI::Range(1, 30))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::vector<std::string> soundfonts;
  if (!soundfont.empty()) {
    soundfonts.push_back(soundfont);
  } else {
    for (const char* path : {"/usr/share/sounds/sf2/FluidR3_GM.sf2",
                             "/usr/share/sounds/sf2/TimGM6mb.sf2"}) {
      if (std::filesystem::exists(path)) soundfonts.push_back(path);
    }
  }
  if (soundfonts.empty()) {
    std::fprintf(stderr, "no SoundFont found; pass --soundfont\n");
    return 1;
  }
  int rc = 0;
  for (const std::string& sf : soundfonts) rc |= Bench(sf, samples, seconds);
  return rc;
}
