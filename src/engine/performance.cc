#include "engine/performance.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>
#include <utility>

namespace studio {

std::vector<MidiEvent> ToMidiEvents(const std::vector<NoteEvent>& notes) {
  std::map<std::pair<int, int>, std::vector<const NoteEvent*>> by_key;
  for (const NoteEvent& n : notes) by_key[{n.channel, n.note}].push_back(&n);
  std::vector<MidiEvent> events;
  events.reserve(notes.size() * 2);
  for (auto& [key, list] : by_key) {
    for (size_t i = 0; i < list.size(); ++i) {
      const NoteEvent& n = *list[i];
      int64_t end = n.end_frame;
      if (i + 1 < list.size()) end = std::min(end, list[i + 1]->start_frame);
      events.push_back({n.start_frame, true, n.channel, n.note, n.velocity, n.program});
      if (end > n.start_frame) events.push_back({end, false, n.channel, n.note, 0, n.program});
    }
  }
  std::stable_sort(events.begin(), events.end(), [](const MidiEvent& a, const MidiEvent& b) {
    return std::tie(a.frame, a.on, a.channel, a.note) < std::tie(b.frame, b.on, b.channel, b.note);
  });
  return events;
}

std::vector<ChannelSetup> ChannelSetups(const Composition& piece) {
  const int reverb_send = static_cast<int>(std::lround(piece.reverb * 127));
  const int chorus_send = static_cast<int>(std::lround(piece.chorus * 127));
  std::map<int, ChannelSetup> by_channel;
  for (const Part& part : piece.parts) {
    if (by_channel.count(part.channel)) continue;
    const bool marks_beat = part.role == PartRole::kDrums || part.role == PartRole::kPulse ||
                            part.role == PartRole::kPercussion;
    ChannelSetup s;
    s.channel = part.channel;
    s.bank = part.bank;
    s.program = part.program;
    s.release_offset = part.release_offset;
    s.filter_offset = piece.filter_offset_cents;
    // CC 74 spans about -4800..+4800 cents around 64 in common players.
    s.brightness = std::clamp(64 + piece.filter_offset_cents * 64 / 4800, 0, 127);
    s.volume = part.volume;
    s.pan = part.pan;
    s.reverb_send = marks_beat ? reverb_send / 4 : reverb_send;
    s.chorus_send = marks_beat ? 0 : chorus_send;
    by_channel.emplace(part.channel, s);
  }
  std::vector<ChannelSetup> out;
  for (auto& [channel, s] : by_channel) out.push_back(s);
  return out;
}

}  // namespace studio
