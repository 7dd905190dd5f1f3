#include "engine/midi_file.h"

#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

#include "engine/performance.h"

namespace studio {
namespace {

// One track's bytes: events with delta times in variable-length quantities.
class TrackWriter {
 public:
  void Event(int64_t tick, std::initializer_list<uint8_t> bytes) {
    Delta(tick);
    for (uint8_t b : bytes) data_.push_back(static_cast<char>(b));
  }
  void Meta(int64_t tick, uint8_t type, const std::string& payload) {
    Delta(tick);
    data_.push_back(static_cast<char>(0xFF));
    data_.push_back(static_cast<char>(type));
    VarLen(payload.size());
    data_ += payload;
  }
  void End(int64_t tick) { Meta(tick, 0x2F, ""); }
  const std::string& bytes() const { return data_; }

 private:
  void Delta(int64_t tick) {
    // Events never go back in time; a caller's rounding cannot make them.
    if (tick < last_) tick = last_;
    VarLen(static_cast<uint64_t>(tick - last_));
    last_ = tick;
  }
  void VarLen(uint64_t v) {
    char buf[10];
    int n = 0;
    buf[n++] = static_cast<char>(v & 0x7F);
    while ((v >>= 7) != 0) buf[n++] = static_cast<char>(0x80 | (v & 0x7F));
    while (n > 0) data_.push_back(buf[--n]);
  }
  std::string data_;
  int64_t last_ = 0;
};

void Be32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>((v >> shift) & 0xFF));
}
void Be16(std::string* out, uint16_t v) {
  out->push_back(static_cast<char>(v >> 8));
  out->push_back(static_cast<char>(v & 0xFF));
}

void AppendChunk(std::string* out, const char* id, const std::string& body) {
  out->append(id, 4);
  Be32(out, static_cast<uint32_t>(body.size()));
  *out += body;
}

// Key signature meta event: sharps (+) or flats (-) of the tonic's major or
// minor key, from the pitch class of the tonic.
std::string KeySignature(int tonic_pc, bool minor) {
  // Major keys by pitch class, in the spelling with fewer accidentals.
  static const int kMajorSharps[12] = {0, -5, 2, -3, 4, -1, 6, 1, -4, 3, -2, 5};
  const int major_pc = minor ? (tonic_pc + 3) % 12 : tonic_pc;
  std::string payload;
  payload.push_back(static_cast<char>(static_cast<int8_t>(kMajorSharps[major_pc])));
  payload.push_back(static_cast<char>(minor ? 1 : 0));
  return payload;
}

}  // namespace

std::string WriteMidiFile(const Composition& piece) {
  const double ticks_per_frame =
      kMidiTicksPerQuarter * piece.tempo_bpm / (60.0 * piece.sample_rate);
  auto tick_of = [&](int64_t frame) {
    return static_cast<int64_t>(std::llround(static_cast<double>(frame) * ticks_per_frame));
  };
  const int64_t end_tick = tick_of(piece.total_frames);

  std::vector<std::string> tracks;
  {
    TrackWriter t;
    t.Meta(0, 0x03, "Song Studio: " + piece.style);
    t.Meta(0, 0x58, std::string("\x04\x02\x18\x08", 4));  // 4/4, 24 clocks, 8 32nds
    const bool minor = piece.mode == Mode::kMinor || piece.mode == Mode::kDorian ||
                       piece.mode == Mode::kPhrygian;
    t.Meta(0, 0x59, KeySignature(piece.key_root, minor));
    const uint32_t usec = static_cast<uint32_t>(std::llround(60'000'000.0 / piece.tempo_bpm));
    t.Meta(0, 0x51, std::string{static_cast<char>((usec >> 16) & 0xFF),
                                static_cast<char>((usec >> 8) & 0xFF),
                                static_cast<char>(usec & 0xFF)});
    t.End(end_tick);
    tracks.push_back(t.bytes());
  }

  const std::vector<MidiEvent> events = ToMidiEvents(piece.notes);
  std::map<int, std::string> names;
  for (const Part& p : piece.parts) names.emplace(p.channel, p.instrument);
  for (const ChannelSetup& setup : ChannelSetups(piece)) {
    const uint8_t ch = static_cast<uint8_t>(setup.channel & 0x0F);
    TrackWriter t;
    t.Meta(0, 0x03, names[setup.channel]);
    // Bank select (the drum channel's kits are GS kit programs on bank 0
    // of MIDI channel 10, which is how GM players read them).
    t.Event(0, {static_cast<uint8_t>(0xB0 | ch), 0, 0});
    t.Event(0, {static_cast<uint8_t>(0xC0 | ch), static_cast<uint8_t>(setup.program & 0x7F)});
    t.Event(0, {static_cast<uint8_t>(0xB0 | ch), 7, static_cast<uint8_t>(setup.volume & 0x7F)});
    t.Event(0, {static_cast<uint8_t>(0xB0 | ch), 10, static_cast<uint8_t>(setup.pan & 0x7F)});
    t.Event(0, {static_cast<uint8_t>(0xB0 | ch), 91,
                static_cast<uint8_t>(setup.reverb_send & 0x7F)});
    t.Event(0, {static_cast<uint8_t>(0xB0 | ch), 93,
                static_cast<uint8_t>(setup.chorus_send & 0x7F)});
    t.Event(0, {static_cast<uint8_t>(0xB0 | ch), 74,
                static_cast<uint8_t>(setup.brightness & 0x7F)});
    int program = setup.program;
    for (const MidiEvent& e : events) {
      if (e.channel != setup.channel) continue;
      const int64_t tick = tick_of(e.frame);
      if (e.on && e.program != program) {
        program = e.program;
        t.Event(tick, {static_cast<uint8_t>(0xC0 | ch), static_cast<uint8_t>(program & 0x7F)});
      }
      if (e.on) {
        t.Event(tick, {static_cast<uint8_t>(0x90 | ch), static_cast<uint8_t>(e.note & 0x7F),
                       static_cast<uint8_t>(e.velocity & 0x7F)});
      } else {
        t.Event(tick, {static_cast<uint8_t>(0x80 | ch), static_cast<uint8_t>(e.note & 0x7F), 0});
      }
    }
    t.End(end_tick);
    tracks.push_back(t.bytes());
  }

  std::string out;
  std::string header;
  Be16(&header, 1);
  Be16(&header, static_cast<uint16_t>(tracks.size()));
  Be16(&header, kMidiTicksPerQuarter);
  AppendChunk(&out, "MThd", header);
  for (const std::string& track : tracks) AppendChunk(&out, "MTrk", track);
  return out;
}

}  // namespace studio
