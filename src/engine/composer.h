// Composer: the algorithmic half of the built-in engine. It turns a render
// request (prompt text, attributes, generation parameters, sample index) and
// an adapter's style into a Composition: which General MIDI sounds play on
// which channels, and every note as a timed event in sample frames. It is
// pure data in, pure data out — no FluidSynth, no I/O — so what the music
// *is* can be tested without listening to it; engine/fluidsynth_engine.h
// renders a Composition to PCM.
//
// How the request steers the music:
//   style      attributes.style, else keywords of the prompt text ("lofi",
//              "drum and bass", "ambient", ...): default tempo, instruments,
//              drum pattern, comping, swing, reverb.
//   tempo      attributes.tempo exactly when given, else the style's tempo
//              nudged by energy words of the mood/text; then times the
//              adapter's tempo_scale, clamped to limits::kTempo.
//   mode       the adapter's mode, else mood words (sad, dark, melancholic...
//              -> minor; happy, bright, uplifting... -> major; the mood
//              attribute counts double the prompt text), else the style's.
//   key        "in A minor"/"key of D" in the text, else chosen by the seed.
//   instruments  primary instruments carry melody/chords/bass, secondary ones
//              add colour (counter-lines, arpeggios, pads); with none named,
//              instrument words of the text, else the style's band. Naming
//              instruments gives exactly those (texture effects aside, which
//              colour the style's band): a solo piano is solo piano, a kit
//              alone is drums alone. The style's band marks the beat with its
//              kit, taiko, or a plucked pulse on every beat (ambient,
//              classical-like styles). Each kit has its own notes and
//              flavour (drums.cc): the 909 is a four-on-the-floor Power kit.
//   form       an intro of one or two bars (the groove counts in on every
//              beat, in one of four ways; the melody waits), phrases of four
//              chords lettered by a form drawn per seed (A verse, B chorus:
//              busier drums, denser comping, the tune higher; C break: no
//              kick, held chords), fills into phrases, and an ending: the
//              dominant, then the tonic held in the last bar.
//   tempo feel the beat is the requested tempo at every tempo: no half-time
//              above 160 bpm, no eighth-note count-in below 75; slow tempos
//              thin the subdivisions (composer/density.h).
//   mood       minor keys use the harmonic minor's dominant (the leading
//              tone) at cadences, lean on i, iv and V, double the chords'
//              thirds, and the melody favours tonic, third and fifth on
//              strong beats.
//   seed       a hash of (params.seed, sample_index) mixed with a hash of the
//              prompt text: the samples of one job differ, sample k is never
//              the sample 0 of seed + k, and a request always composes the
//              same piece. The seed draws the grooves (kick and snare
//              figures, hat and comping figures, bass figures, the verse's
//              backbeat sound, a touch of swing), the intro and the form.
//   temperature  divides the log-weights of every melodic choice (pitch,
//              progression, rhythm variation): low values give stepwise,
//              repetitive, diatonic lines; high values give leaps, chromatic
//              passing notes, more rhythmic variation and looser humanising.
//   top_k      only the k most likely candidate notes (or progressions) are
//              considered at each choice; the candidate set is about 20
//              notes, so values above that change nothing, 1 is greedy.
//   top_p      when > 0, only the most likely candidates whose probabilities
//              add up to top_p are considered (nucleus sampling); 0 turns it
//              off, as in MusicGen.
//
// Thread-safety: every function here is pure and may be called from any
// thread concurrently.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/vocabulary.h"
#include "engine/adapter_style.h"
#include "engine/engine.h"

namespace studio {

constexpr int kDrumChannel = 9;   // MIDI channel 10
constexpr int kDrumKitBank = 128;  // SoundFont bank of the drum kits

// Mode, ModeName, PcmEffect and InstrumentSound (what each instrument of the
// list maps to) are vocabulary: domain/vocabulary.h.

// The sound of an instrument of the list (its mapping in domain/vocabulary.h);
// nullopt when `name` is not on the instrument list.
std::optional<InstrumentSound> SoundForInstrument(std::string_view name);

enum class PartRole { kLead, kChords, kBass, kPad, kDrums, kPercussion, kPulse, kColor };
const char* PartRoleName(PartRole role);

// One voice of the arrangement, on one MIDI channel.
struct Part {
  std::string instrument;  // name from the list, or a GM sound a style adds ("timpani")
  PartRole role = PartRole::kLead;
  int channel = 0;
  int bank = 0;      // 0, or kDrumKitBank on the drum channel
  int program = 0;   // the part's first program (notes carry their own)
  int volume = 100;  // CC 7
  int pan = 64;      // CC 10
  // Added to every note's release time, in timecents (-1200 halves it).
  // GM pads and plucks ring for seconds after note-off; shortening the
  // tails keeps the voice count, and so the render time, bounded, while
  // the reverb still gives the notes room.
  int release_offset = -1200;
  bool requested = false;  // named by the prompt or the adapter
};

struct NoteEvent {
  int channel = 0;
  int program = 0;  // GM program; on kDrumChannel the kit preset (bank 128)
  int note = 60;
  int velocity = 100;
  int64_t start_frame = 0;
  int64_t end_frame = 0;  // exclusive; start_frame < end_frame <= total_frames
};

struct Composition {
  int sample_rate = 44100;
  int64_t total_frames = 0;  // exactly params.duration seconds
  double tempo_bpm = 120;
  int key_root = 0;  // pitch class of the tonic before the adapter's transpose, 0 = C
  Mode mode = Mode::kMajor;
  std::string style;  // canonical style name, e.g. "lofi", "house", "pop"
  uint64_t seed = 0;  // mixed seed; the renderer's effects draw from it too
  double reverb = 0;  // 0..1
  double chorus = 0;  // 0..1
  std::vector<Part> parts;
  std::vector<NoteEvent> notes;  // ordered by start_frame, then channel, then note
  std::vector<PcmEffect> effects;
  double swing = 0;  // as in AdapterStyle::swing
  // Added to every voice's filter cutoff, in cents (0 = the SoundFont's own
  // timbre). Energy below 1 darkens the sound: velocity alone changes only
  // the level in most presets, and the loudness normalisation takes that
  // away, so energy is heard as brightness.
  int filter_offset_cents = 0;
};

// Composes exactly request.params.duration seconds (out-of-range values are
// clamped to limits::kDuration) at sample_rate frames per second.
Composition Compose(const RenderRequest& request, const AdapterStyle& style,
                    int sample_rate = 44100);

// ---- Building blocks, exposed so tests can pin their behaviour ----

// splitmix64: a tiny PRNG whose output is the same on every platform and
// standard library (unlike std::uniform_*_distribution).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t NextU64();
  double NextDouble();          // [0, 1)
  int NextBelow(int n);         // [0, n); REQUIRES: n > 0
  bool Chance(double p) { return NextDouble() < p; }

 private:
  uint64_t state_;
};

// Picks an index of `logits` with probability softmax(logits / temperature),
// restricted to the top_k most likely entries and, when top_p > 0, to the
// smallest set of most likely entries whose probabilities reach top_p.
// REQUIRES: !logits.empty().
int SampleCandidate(const std::vector<double>& logits, double temperature, int top_k,
                    double top_p, Rng& rng);

}  // namespace studio
