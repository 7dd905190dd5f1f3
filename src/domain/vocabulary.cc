#include "domain/vocabulary.h"

#include "domain/limits.h"

namespace studio {

namespace {

InstrumentSound Melodic(int program) {
  InstrumentSound s;
  s.kind = InstrumentSound::Kind::kMelodic;
  s.program = program;
  return s;
}
InstrumentSound Kit(int preset) {
  InstrumentSound s;
  s.kind = InstrumentSound::Kind::kDrumKit;
  s.program = preset;
  return s;
}
InstrumentSound Piece(int note) {
  InstrumentSound s;
  s.kind = InstrumentSound::Kind::kDrumPiece;
  s.program = 0;
  s.drum_note = note;
  return s;
}
InstrumentSound Effect(PcmEffect effect) {
  InstrumentSound s;
  s.kind = InstrumentSound::Kind::kPcmEffect;
  s.effect = effect;
  return s;
}

}  // namespace

const std::vector<InstrumentFamily>& AllInstrumentFamilies() {
  using F = InstrumentFamily;
  static const std::vector<InstrumentFamily> kAll = {F::kKeys,   F::kStrings, F::kDrums,  F::kWinds,
                                                     F::kSynths, F::kWorld,   F::kTexture};
  return kAll;
}

const char* InstrumentFamilyName(InstrumentFamily family) {
  switch (family) {
    case InstrumentFamily::kKeys: return "keys";
    case InstrumentFamily::kStrings: return "strings";
    case InstrumentFamily::kDrums: return "drums";
    case InstrumentFamily::kWinds: return "winds";
    case InstrumentFamily::kSynths: return "synths";
    case InstrumentFamily::kWorld: return "world";
    case InstrumentFamily::kTexture: return "texture";
  }
  return "texture";
}

const char* InstrumentFamilyLabel(InstrumentFamily family) {
  switch (family) {
    case InstrumentFamily::kKeys: return "Keys";
    case InstrumentFamily::kStrings: return "Strings";
    case InstrumentFamily::kDrums: return "Drums";
    case InstrumentFamily::kWinds: return "Winds and brass";
    case InstrumentFamily::kSynths: return "Synths";
    case InstrumentFamily::kWorld: return "World";
    case InstrumentFamily::kTexture: return "Texture";
  }
  return "Texture";
}

const char* PcmEffectName(PcmEffect effect) {
  switch (effect) {
    case PcmEffect::kVinylNoise: return "vinyl-noise";
    case PcmEffect::kTapeSaturation: return "tape-saturation";
    case PcmEffect::kAmbientNoise: return "ambient-noise";
  }
  return "vinyl-noise";
}

const char* InstrumentSoundKindName(InstrumentSound::Kind kind) {
  switch (kind) {
    case InstrumentSound::Kind::kMelodic: return "gm_program";
    case InstrumentSound::Kind::kDrumKit: return "drum_kit";
    case InstrumentSound::Kind::kDrumPiece: return "drum_piece";
    case InstrumentSound::Kind::kPcmEffect: return "effect";
  }
  return "gm_program";
}

// GM programs are 0-based here (GM "1 Acoustic Grand Piano" is 0). Drum kits
// are the GS kit presets that FluidR3_GM and TimGM6mb both carry in bank 128;
// drum pieces are GM percussion keys.
const std::vector<InstrumentInfo>& AllInstruments() {
  using F = InstrumentFamily;
  using E = PcmEffect;
  static const std::vector<InstrumentInfo> kAll = {
      {"acoustic-piano", F::kKeys, Melodic(0)},
      {"electric-piano", F::kKeys, Melodic(4)},
      {"organ", F::kKeys, Melodic(16)},
      {"clavinet", F::kKeys, Melodic(7)},
      {"celesta", F::kKeys, Melodic(8)},
      {"acoustic-guitar", F::kStrings, Melodic(25)},
      {"electric-guitar-clean", F::kStrings, Melodic(27)},
      {"electric-guitar-distorted", F::kStrings, Melodic(30)},
      {"bass-guitar", F::kStrings, Melodic(33)},
      {"synth-bass", F::kStrings, Melodic(38)},
      {"violin", F::kStrings, Melodic(40)},
      {"viola", F::kStrings, Melodic(41)},
      {"cello", F::kStrings, Melodic(42)},
      {"double-bass", F::kStrings, Melodic(32)},
      {"harp", F::kStrings, Melodic(46)},
      {"acoustic-drum-kit", F::kDrums, Kit(0)},
      {"electronic-drum-kit", F::kDrums, Kit(24)},
      {"lofi-drum-kit", F::kDrums, Kit(32)},
      {"808-drums", F::kDrums, Kit(25)},
      {"909-drums", F::kDrums, Kit(16)},  // GS "Power": the punchy, gated kit closest to a 909
      {"kick-drum", F::kDrums, Piece(36)},
      {"snare-drum", F::kDrums, Piece(38)},
      {"hi-hat", F::kDrums, Piece(42)},
      {"cymbals", F::kDrums, Piece(49)},
      {"toms", F::kDrums, Piece(45)},
      {"saxophone", F::kWinds, Melodic(65)},
      {"trumpet", F::kWinds, Melodic(56)},
      {"trombone", F::kWinds, Melodic(57)},
      {"french-horn", F::kWinds, Melodic(60)},
      {"flute", F::kWinds, Melodic(73)},
      {"piccolo", F::kWinds, Melodic(72)},
      {"clarinet", F::kWinds, Melodic(71)},
      {"oboe", F::kWinds, Melodic(68)},
      {"bassoon", F::kWinds, Melodic(70)},
      {"analog-synth-lead", F::kSynths, Melodic(81)},
      {"analog-synth-pad", F::kSynths, Melodic(89)},
      {"digital-synth", F::kSynths, Melodic(80)},
      {"fm-synth", F::kSynths, Melodic(5)},
      {"mono-synth-bass", F::kSynths, Melodic(39)},
      {"poly-synth", F::kSynths, Melodic(90)},
      {"arpeggiator-synth", F::kSynths, Melodic(84)},
      {"acoustic-strings-ensemble", F::kWorld, Melodic(48)},
      {"taiko-drums", F::kWorld, Melodic(116)},
      {"kalimba", F::kWorld, Melodic(108)},
      {"sitar", F::kWorld, Melodic(104)},
      {"shamisen", F::kWorld, Melodic(106)},
      {"erhu", F::kWorld, Melodic(110)},
      {"vocal-pad", F::kTexture, Melodic(91)},
      {"choir", F::kTexture, Melodic(52)},
      {"breath-fx", F::kTexture, Melodic(121)},
      {"vinyl-noise", F::kTexture, Effect(E::kVinylNoise)},
      {"tape-saturation", F::kTexture, Effect(E::kTapeSaturation)},
      {"ambient-noise", F::kTexture, Effect(E::kAmbientNoise)},
  };
  return kAll;
}

const InstrumentInfo* FindInstrument(std::string_view name) {
  for (const auto& info : AllInstruments()) {
    if (info.name == name) return &info;
  }
  return nullptr;
}

const std::vector<Mode>& AllModes() {
  static const std::vector<Mode> kAll = {Mode::kMajor,    Mode::kMinor,  Mode::kDorian,
                                         Mode::kMixolydian, Mode::kPhrygian, Mode::kLydian,
                                         Mode::kPentatonic};
  return kAll;
}

const char* ModeName(Mode mode) {
  switch (mode) {
    case Mode::kMajor: return "major";
    case Mode::kMinor: return "minor";
    case Mode::kDorian: return "dorian";
    case Mode::kMixolydian: return "mixolydian";
    case Mode::kPhrygian: return "phrygian";
    case Mode::kLydian: return "lydian";
    case Mode::kPentatonic: return "pentatonic";
  }
  return "major";
}

std::optional<Mode> ParseModeName(std::string_view name) {
  for (Mode m : AllModes()) {
    if (name == ModeName(m)) return m;
  }
  return std::nullopt;
}

const std::vector<MoodWord>& AllMoodWords() {
  using M = MoodWord::ModeLean;
  using T = MoodWord::TempoLean;
  static const std::vector<MoodWord> kAll = {
      {"sad", M::kMinor, T::kNone},
      {"dark", M::kMinor, T::kNone},
      {"melancholic", M::kMinor, T::kNone},
      {"melancholy", M::kMinor, T::kNone},
      {"moody", M::kMinor, T::kNone},
      {"somber", M::kMinor, T::kNone},
      {"sombre", M::kMinor, T::kNone},
      {"gloomy", M::kMinor, T::kNone},
      {"tense", M::kMinor, T::kNone},
      {"mysterious", M::kMinor, T::kNone},
      {"haunting", M::kMinor, T::kNone},
      {"eerie", M::kMinor, T::kNone},
      {"lonely", M::kMinor, T::kNone},
      {"sorrow", M::kMinor, T::kNone},
      {"sorrowful", M::kMinor, T::kNone},
      {"tragic", M::kMinor, T::kNone},
      {"grief", M::kMinor, T::kNone},
      {"angry", M::kMinor, T::kNone},
      {"aggressive", M::kMinor, T::kFaster},
      {"ominous", M::kMinor, T::kNone},
      {"brooding", M::kMinor, T::kNone},
      {"bittersweet", M::kMinor, T::kNone},
      {"depressing", M::kMinor, T::kNone},
      {"heartbroken", M::kMinor, T::kNone},
      {"nostalgic", M::kMinor, T::kNone},
      {"spooky", M::kMinor, T::kNone},
      {"sinister", M::kMinor, T::kNone},
      {"mournful", M::kMinor, T::kNone},
      {"wistful", M::kMinor, T::kNone},
      {"minor", M::kMinor, T::kNone},
      {"happy", M::kMajor, T::kNone},
      {"bright", M::kMajor, T::kNone},
      {"uplifting", M::kMajor, T::kNone},
      {"joyful", M::kMajor, T::kNone},
      {"cheerful", M::kMajor, T::kNone},
      {"upbeat", M::kMajor, T::kFaster},
      {"sunny", M::kMajor, T::kNone},
      {"hopeful", M::kMajor, T::kNone},
      {"playful", M::kMajor, T::kNone},
      {"triumphant", M::kMajor, T::kNone},
      {"euphoric", M::kMajor, T::kNone},
      {"fun", M::kMajor, T::kNone},
      {"positive", M::kMajor, T::kNone},
      {"optimistic", M::kMajor, T::kNone},
      {"warm", M::kMajor, T::kNone},
      {"romantic", M::kMajor, T::kNone},
      {"peaceful", M::kMajor, T::kSlower},
      {"light", M::kMajor, T::kNone},
      {"carefree", M::kMajor, T::kNone},
      {"celebratory", M::kMajor, T::kNone},
      {"glad", M::kMajor, T::kNone},
      {"major", M::kMajor, T::kNone},
      {"heroic", M::kMajor, T::kNone},
      {"festive", M::kMajor, T::kNone},
      {"energetic", M::kNone, T::kFaster},
      {"fast", M::kNone, T::kFaster},
      {"driving", M::kNone, T::kFaster},
      {"intense", M::kNone, T::kFaster},
      {"frantic", M::kNone, T::kFaster},
      {"hype", M::kNone, T::kFaster},
      {"powerful", M::kNone, T::kFaster},
      {"excited", M::kNone, T::kFaster},
      {"exciting", M::kNone, T::kFaster},
      {"party", M::kNone, T::kFaster},
      {"calm", M::kNone, T::kSlower},
      {"relaxed", M::kNone, T::kSlower},
      {"relaxing", M::kNone, T::kSlower},
      {"slow", M::kNone, T::kSlower},
      {"chill", M::kNone, T::kSlower},
      {"sleepy", M::kNone, T::kSlower},
      {"dreamy", M::kNone, T::kSlower},
      {"gentle", M::kNone, T::kSlower},
      {"soft", M::kNone, T::kSlower},
      {"lazy", M::kNone, T::kSlower},
      {"mellow", M::kNone, T::kSlower},
      {"tranquil", M::kNone, T::kSlower},
      {"serene", M::kNone, T::kSlower},
  };
  return kAll;
}

const std::vector<StyleInfo>& AllStyles() {
  static const std::vector<StyleInfo> kAll = {
      {"lofi", {"lofi", "lo fi", "chillhop", "chill hop", "study beats", "chill"}},
      {"dnb", {"drum and bass", "drum n bass", "drum bass", "dnb", "d b", "jungle", "liquid funk"}},
      {"trap", {"trap", "drill"}},
      {"hiphop", {"hip hop", "hiphop", "boom bap", "rap", "trip hop"}},
      {"house", {"house", "deep house", "garage", "uk garage"}},
      {"techno", {"techno", "minimal", "industrial"}},
      {"trance", {"trance", "psytrance", "uplifting trance"}},
      {"dubstep", {"dubstep", "brostep", "bass music"}},
      {"synthwave", {"synthwave", "retrowave", "outrun", "80s", "vaporwave"}},
      {"chiptune", {"chiptune", "8 bit", "8bit", "video game", "retro game"}},
      {"edm", {"edm", "electronic", "dance", "electro", "big room", "future bass", "club"}},
      {"ambient", {"ambient", "drone", "meditation", "meditative", "new age", "atmospheric", "ethereal", "sleep", "spa"}},
      {"cinematic", {"cinematic", "orchestral", "orchestra", "epic", "film score", "soundtrack", "movie", "trailer", "score"}},
      {"classical", {"classical", "baroque", "sonata", "chamber", "string quartet", "etude", "nocturne", "piano solo"}},
      {"japanese", {"japanese", "japan", "zen", "koto", "samurai"}},
      {"chinese", {"chinese", "china", "guzheng"}},
      {"indian", {"indian", "bollywood", "raga"}},
      {"jazz", {"jazz", "jazzy", "bebop", "swing", "big band", "smooth jazz"}},
      {"latin", {"latin", "bossa nova", "bossa", "samba", "salsa", "reggaeton", "tango"}},
      {"blues", {"blues", "bluesy"}},
      {"funk", {"funk", "funky", "groove"}},
      {"disco", {"disco", "nu disco", "boogie"}},
      {"metal", {"metal", "heavy metal", "metalcore", "thrash", "djent"}},
      {"punk", {"punk", "pop punk", "hardcore"}},
      {"rock", {"rock", "grunge", "indie", "alternative", "garage rock"}},
      {"reggae", {"reggae", "dub", "ska", "dancehall", "roots"}},
      {"rnb", {"r b", "rnb", "soul", "neo soul", "motown", "gospel"}},
      {"folk", {"folk", "country", "acoustic", "americana", "bluegrass", "singer songwriter"}},
      {"ballad", {"ballad", "love song"}},
      {"pop", {"pop", "synthpop", "k pop", "dance pop", "upbeat pop"}},
  };
  return kAll;
}

const char* AdapterConfigTypeName(AdapterConfigKey::Type type) {
  switch (type) {
    case AdapterConfigKey::Type::kNumber: return "number";
    case AdapterConfigKey::Type::kInteger: return "integer";
    case AdapterConfigKey::Type::kMode: return "mode";
    case AdapterConfigKey::Type::kInstrumentOverrides: return "instrument_overrides";
  }
  return "number";
}

const std::vector<AdapterConfigKey>& AdapterConfigKeys() {
  using T = AdapterConfigKey::Type;
  static const std::vector<AdapterConfigKey> kAll = {
      {"tempo_scale", T::kNumber, 0.5, 2.0, 1.0,
       "multiplies the tempo (the result is clamped to the tempo range)"},
      {"transpose", T::kInteger, -12, 12, 0, "semitones added to every pitched note"},
      {"swing", T::kNumber, 0.0, 0.5, std::nullopt,
       "delays each off-beat eighth by this fraction of an eighth note (0.33 is triplet "
       "swing); replaces the style's own swing"},
      {"note_density", T::kNumber, 0.25, 2.0, 1.0,
       "scales how many notes the melody, comping and hats play"},
      {"velocity_scale", T::kNumber, 0.5, 1.5, 1.0,
       "scales every velocity (louder, harder timbres)"},
      {"energy", T::kNumber, 0.5, 1.5, 1.0,
       "velocity_scale under another name (if both are given they must agree)"},
      {"reverb", T::kNumber, 0.0, 1.0, std::nullopt,
       "reverb level and send; replaces the style's own"},
      {"chorus", T::kNumber, 0.0, 1.0, std::nullopt,
       "chorus level and send; replaces the style's own"},
      {"mode", T::kMode, 0, 0, std::nullopt, "one of the modes; overrides the mood's mode"},
      {"instrument_overrides", T::kInstrumentOverrides, 0, 0, std::nullopt,
       "role -> instrument; replaces whatever the prompt or the style chose for that role "
       "(drums takes a drum-family instrument or taiko-drums; the others a pitched one)"},
  };
  return kAll;
}

const AdapterConfigKey* FindAdapterConfigKey(std::string_view name) {
  for (const auto& key : AdapterConfigKeys()) {
    if (key.name == name) return &key;
  }
  return nullptr;
}

const std::vector<std::string_view>& AdapterOverrideRoles() {
  static const std::vector<std::string_view> kAll = {"lead", "chords", "bass", "drums", "pad"};
  return kAll;
}

const std::vector<LimitInfo>& AllLimits() {
  namespace l = limits;
  static const std::vector<LimitInfo> kAll = {
      {"text", "length", double(l::kPromptText.min), double(l::kPromptText.max), std::nullopt, "prompt"},
      {"tempo", "integer", double(l::kTempo.min), double(l::kTempo.max), std::nullopt, "prompt"},
      {"duration", "integer", double(l::kDuration.min), double(l::kDuration.max),
       double(l::kDefaultDurationSeconds), "prompt, generate"},
      {"style", "length", double(l::kStyleText.min), double(l::kStyleText.max), std::nullopt, "prompt"},
      {"mood", "length", double(l::kMoodText.min), double(l::kMoodText.max), std::nullopt, "prompt"},
      {"instruments", "count", 0, double(l::kMaxInstrumentsPerList), std::nullopt, "prompt"},
      {"num_samples", "integer", double(l::kNumSamples.min), double(l::kNumSamples.max),
       double(l::kDefaultNumSamples), "generate"},
      {"seed", "integer", double(l::kSeed.min), double(l::kSeed.max), std::nullopt, "generate"},
      {"temperature", "number", l::kTemperature.min, l::kTemperature.max, l::kDefaultTemperature,
       "generate"},
      {"top_k", "integer", double(l::kTopK.min), double(l::kTopK.max), double(l::kDefaultTopK),
       "generate"},
      {"top_p", "number", l::kTopP.min, l::kTopP.max, l::kDefaultTopP, "generate"},
      {"name", "length", double(l::kAdapterName.min), double(l::kAdapterName.max), std::nullopt,
       "adapter"},
      {"description", "length", double(l::kAdapterDescription.min),
       double(l::kAdapterDescription.max), std::nullopt, "adapter"},
      {"base_model", "length", double(l::kBaseModel.min), double(l::kBaseModel.max), std::nullopt,
       "adapter"},
      {"rating", "integer", double(l::kRating.min), double(l::kRating.max), std::nullopt, "feedback"},
      {"rating_criterion", "length", double(l::kRatingCriterion.min),
       double(l::kRatingCriterion.max), std::nullopt, "feedback"},
      {"tags", "count", 0, double(l::kMaxTags), std::nullopt, "feedback"},
      {"tag", "length", double(l::kTag.min), double(l::kTag.max), std::nullopt, "feedback"},
      {"notes", "length", double(l::kNotes.min), double(l::kNotes.max), std::nullopt, "feedback"},
      {"audio_ids", "count", double(l::kCompareAudioIds.min), double(l::kCompareAudioIds.max),
       std::nullopt, "audio/compare"},
  };
  return kAll;
}

}  // namespace studio
