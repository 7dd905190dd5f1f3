// Performance: what a synthesizer is told to play a Composition — the
// note-ons and note-offs in play order, and each channel's setup (program,
// controllers). The FluidSynth renderer and the Standard MIDI File writer
// both read it, so the MIDI file a user downloads is the performance that
// was rendered, event for event.
//
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "engine/composer.h"

namespace studio {

struct MidiEvent {
  int64_t frame;
  bool on;  // note-offs sort before note-ons of the same frame
  int channel;
  int note;
  int velocity;
  int program;
};

// Note-offs and note-ons in play order. A note re-struck before its previous
// instance ended is cut at the new start, so an old note-off never silences
// the new note.
std::vector<MidiEvent> ToMidiEvents(const std::vector<NoteEvent>& notes);

// One channel's setup before its first note.
struct ChannelSetup {
  int channel = 0;
  int bank = 0;
  int program = 0;
  int release_offset = 0;  // timecents added to the volume envelope's release
  int filter_offset = 0;   // cents added to the filter cutoff (Composition::filter_offset_cents)
  int brightness = 64;     // CC 74, the filter offset as GM players read it
  int volume = 100;        // CC 7
  int pan = 64;            // CC 10
  int reverb_send = 0;     // CC 91
  int chorus_send = 0;     // CC 93
};

// One setup per channel the piece uses, in channel order; a channel shared
// by several parts takes the first part's mix. The parts that mark the beat
// (drums, pulse, percussion) stay nearly dry: a long reverb tail smears
// their onsets, for a listener and for beat trackers alike.
std::vector<ChannelSetup> ChannelSetups(const Composition& piece);

}  // namespace studio
