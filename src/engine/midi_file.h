// The Standard MIDI File of a rendered piece: format 1, 480 ticks per
// quarter note, a tempo track (track name, 4/4 time signature, key
// signature, the tempo) and one track per channel (track name = the
// instrument, program change, volume/pan/reverb/chorus controllers, then
// the notes as engine/performance.h plays them; a kit or program change
// mid-piece is a program change). Every track ends at the rendered length.
//
// Written by hand rather than with libsmf: the format is small, libsmf
// only saves to a file name (the engine hands bytes to the worker, which
// stages them next to the WAV), drags GLib in, and keeps times as doubles;
// here ticks come from sample frames by integer-exact rounding, so the same
// piece always gives the same bytes.
//
// Thread-safety: a pure function.
#pragma once

#include <string>

#include "engine/composer.h"

namespace studio {

inline constexpr int kMidiTicksPerQuarter = 480;

// The SMF bytes of `piece`.
std::string WriteMidiFile(const Composition& piece);

}  // namespace studio
