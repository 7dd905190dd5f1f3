// Composer internals: the pitched part writers — melody (melody.cc),
// chords (chords.cc), bass (bass.cc), and pad, arpeggio, counter-line,
// low line, breath and pulse (colour.cc). Each draws from its own named
// stream of the Context (ctx.Stream(tag)) and adds its notes to the Score
// on part.channel.
//
// Thread-safety: pure functions of their arguments (plus the Score written).
#pragma once

#include <string_view>
#include <vector>

#include "engine/composer.h"
#include "engine/composer/plan.h"
#include "engine/composer/score.h"
#include "engine/composer/tables.h"

namespace studio::composer_internal {

// ---- Melody (melody.cc) ----

// The phrases of ctx's form (one tune per letter), drawn with ctx's
// temperature/top_k/top_p, entering after the intro and ending on a held
// tonic; `density_scale` multiplies ctx.density; `tag` names the streams.
void WriteMelody(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
                 int center_shift, double density_scale, int base_velocity,
                 std::string_view tag);

// ---- Chords (chords.cc) ----

// Four-note figures over a chord voicing (shape 0..3).
std::vector<int> ArpeggioFigure(const std::vector<int>& voicing, int shape);
// How `e` comps in `style`.
CompStyle CompFor(const StyleProfile& style, const InstrumentEntry& e);
void WriteChords(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
                 CompStyle comp, int base_velocity, int first_bar);

// ---- Bass (bass.cc) ----

void WriteBass(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
               BassStyle style, int base_velocity);

// ---- Pad, colour, pulse, breath (colour.cc) ----
// bar_to < 0 means the end of the piece.

void WritePad(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
              int base_velocity, int bar_from = 0, int bar_to = -1, std::string_view tag = "pad");
void WriteArpeggio(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
                   int base_velocity, int bar_from, int bar_to, std::string_view tag);
void WriteCounterLine(const Context& ctx, Score& score, const Part& part,
                      const InstrumentEntry& e, int base_velocity, int bar_from, int bar_to,
                      std::string_view tag);
void WriteLowLine(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e,
                  int base_velocity, int bar_from, int bar_to, std::string_view tag);
void WriteBreath(const Context& ctx, Score& score, const Part& part, int base_velocity,
                 int bar_from, int bar_to, std::string_view tag);
// A plucked note on every (felt) beat, for drumless styles.
void WritePulse(const Context& ctx, Score& score, const Part& part, const InstrumentEntry& e);

}  // namespace studio::composer_internal
