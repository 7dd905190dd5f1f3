// Composer internals: writing the band — channels, the main parts (lead,
// chords, bass, pad, taiko, pulse) and the colour parts.
#include "engine/composer/band.h"

#include <algorithm>
#include <string>
#include <vector>

#include "engine/composer/parts.h"
#include "engine/composer/drums.h"

namespace studio::composer_internal {
namespace {

// The melodic channels (all but kDrumChannel), handed out in order.
class Channels {
 public:
  explicit Channels(Composition* out) : out_(out) {
    for (int c = 0; c < 16; ++c) {
      if (c != kDrumChannel) free_channels_.push_back(c);
    }
  }

  // A new Part on the next channel (the last one again when none is left),
  // appended to out->parts. The reference is valid until the next NewPart.
  Part& NewPart(const InstrumentEntry& e, PartRole role, bool requested, int volume, int pan) {
    Part p;
    p.instrument = std::string(e.name);
    p.role = role;
    p.channel = free_channels_[std::min(next_channel, free_channels_.size() - 1)];
    ++next_channel;
    p.program = e.sound.program;
    p.volume = volume;
    p.pan = pan;
    p.requested = requested;
    out_->parts.push_back(p);
    return out_->parts.back();
  }

  size_t next_channel = 0;

 private:
  Composition* out_;
  std::vector<int> free_channels_;
};

void WriteMainParts(const Context& ctx, Score& score, const Arrangement& arr,
                    const StyleProfile& style, Channels& channels) {
  // Without a drum kit the beat rests on taiko or on a plucked pulse; the
  // bass pulses with it and the sustained parts step back, so that the beat
  // stays clear.
  const bool no_kit = arr.kits.empty();
  const bool pulse_carries_beat = no_kit && !arr.taiko && arr.style_band;
  const int sustained_volume = no_kit ? 76 : 92;

  // Parts are copied out of out->parts before writing because later
  // push_backs may move the vector.
  if (arr.lead) {
    Part p = channels.NewPart(*arr.lead->entry, PartRole::kLead, arr.lead->requested, 108, 64);
    WriteMelody(ctx, score, p, *arr.lead->entry, 0, 1.0, 92, "lead");
  }
  if (arr.chords) {
    const CompStyle comp = CompFor(style, *arr.chords->entry);
    Part& chords = channels.NewPart(*arr.chords->entry, PartRole::kChords,
                                    arr.chords->requested, sustained_volume, 48);
    if (comp == CompStyle::kArpeggio) chords.release_offset = -2400;
    Part p = chords;
    // Without a kit the chords wait out the intro too: the opening bar is
    // pulse, bass and pad only, and the beat is unmistakable from the start.
    WriteChords(ctx, score, p, *arr.chords->entry, comp, 74, pulse_carries_beat ? ctx.intro_bars : 0);
  }
  if (arr.bass) {
    Part p = channels.NewPart(*arr.bass->entry, PartRole::kBass, arr.bass->requested, 106, 64);
    WriteBass(ctx, score, p, *arr.bass->entry,
              no_kit ? BassStyle::kPulsing : style.bass_style, 96);
  }
  if (arr.pad) {
    Part p = channels.NewPart(*arr.pad->entry, PartRole::kPad, arr.pad->requested,
                              sustained_volume - 8, 80);
    WritePad(ctx, score, p, *arr.pad->entry, 60);
  }
  if (arr.taiko) {
    Part p = channels.NewPart(*FindEntry("taiko-drums"), PartRole::kPercussion,
                              arr.taiko_requested, 110, 64);
    WriteTaiko(ctx, score, p, arr.taiko_requested);
  }
  if (pulse_carries_beat) {
    const std::string_view pulse = style.pulse.empty() ? "timpani" : style.pulse;
    Part& pulse_part = channels.NewPart(*FindEntry(pulse), PartRole::kPulse, false, 120, 60);
    pulse_part.release_offset = -2400;
    Part p = pulse_part;
    WritePulse(ctx, score, p, *FindEntry(pulse));
  }
}

void WriteColourParts(const Context& ctx, Score& score, const Arrangement& arr,
                      Channels& channels) {
  // Colour parts: with many of them they take turns phrase by phrase, so the
  // mix stays clear and every one of them is heard.
  const int colors = static_cast<int>(arr.colors.size());
  if (colors > 0) {
    const int groups = (colors + 2) / 3;
    const int phrases = (ctx.bars + ctx.phrase_bars - 1) / ctx.phrase_bars;
    const bool by_bar = phrases < groups;
    const int unit = by_bar ? 1 : ctx.phrase_bars;
    const size_t first_color_channel = channels.next_channel;
    for (int i = 0; i < colors; ++i) {
      const ColorVoice& cv = arr.colors[i];
      const int group = i % groups;
      const int slot = i / groups;
      // Same-group colours play together and need their own channels;
      // colours of different groups alternate and may share one.
      channels.next_channel = first_color_channel + slot;
      const int pan = i % 2 == 0 ? 36 : 92;
      Part& color =
          channels.NewPart(*cv.voice.entry, PartRole::kColor, cv.voice.requested, 96, pan);
      if (cv.kind == ColorKind::kArpeggio) color.release_offset = -2400;
      Part p = color;
      const std::string tag = "color" + std::to_string(i);
      for (int slot_start = group * unit; slot_start < ctx.bars; slot_start += groups * unit) {
        const int end = std::min(ctx.bars, slot_start + unit);
        // Colour enters after the intro, unless its turn is only one bar long.
        const int start = unit > ctx.intro_bars ? std::max(slot_start, ctx.intro_bars) : slot_start;
        switch (cv.kind) {
          case ColorKind::kCounter:
            WriteCounterLine(ctx, score, p, *cv.voice.entry, 76, start, end, tag);
            break;
          case ColorKind::kArpeggio:
            WriteArpeggio(ctx, score, p, *cv.voice.entry, 66, start, end, tag);
            break;
          case ColorKind::kPad:
            WritePad(ctx, score, p, *cv.voice.entry, 62, start, end, tag);
            break;
          case ColorKind::kBreath: WriteBreath(ctx, score, p, 84, start, end, tag); break;
          case ColorKind::kLowLine:
            WriteLowLine(ctx, score, p, *cv.voice.entry, 80, start, end, tag);
            break;
        }
      }
    }
    channels.next_channel = first_color_channel + std::min(colors, 3);
  }
}

}  // namespace

void WriteBand(const Context& ctx, Score& score, const Arrangement& arr, const StyleProfile& style,
               Composition* out) {
  Channels channels(out);
  WriteMainParts(ctx, score, arr, style, channels);
  WriteColourParts(ctx, score, arr, channels);
}

}  // namespace studio::composer_internal
