import type { Vocabulary } from '../api';

// A small GET /api/vocabulary answer for component tests: the same shape as
// the server's (src/http/json_io.cc VocabularyJson), fewer rows, and ranges
// that differ from the real ones so a test can tell they were read from here.
export const VOCABULARY: Vocabulary = {
  instrument_families: [
    { id: 'keys', label: 'Keys' },
    { id: 'drums', label: 'Drums' },
    { id: 'texture', label: 'Texture' },
  ],
  instruments: [
    { name: 'acoustic-piano', family: 'keys', maps_to: { kind: 'gm_program', program: 0 } },
    { name: 'organ', family: 'keys', maps_to: { kind: 'gm_program', program: 16 } },
    { name: '909-drums', family: 'drums', maps_to: { kind: 'drum_kit', program: 24 } },
    { name: 'kick-drum', family: 'drums', maps_to: { kind: 'drum_piece', note: 36 } },
    { name: 'vinyl-noise', family: 'texture', maps_to: { kind: 'effect', effect: 'vinyl-noise' } },
  ],
  modes: ['major', 'minor', 'dorian'],
  moods: [
    { word: 'sad', mode: 'minor', tempo: null },
    { word: 'calm', mode: null, tempo: 'slower' },
  ],
  styles: [
    { name: 'lofi', keywords: ['lofi', 'chillhop'] },
    { name: 'pop', keywords: ['pop'] },
  ],
  adapter_config: [
    { key: 'tempo_scale', type: 'number', min: 0.5, max: 2, default: 1, description: 'multiplies the tempo' },
    { key: 'transpose', type: 'integer', min: -12, max: 12, default: 0, description: 'semitones' },
    { key: 'mode', type: 'mode', min: null, max: null, default: null, description: 'overrides the mood', choices: ['major', 'minor', 'dorian'] },
  ],
  limits: {
    text: { kind: 'length', min: 1, max: 2000, default: null, applies_to: 'prompt' },
    tempo: { kind: 'integer', min: 41, max: 199, default: null, applies_to: 'prompt' },
    duration: { kind: 'integer', min: 1, max: 29, default: 10, applies_to: 'prompt, generate' },
    instruments: { kind: 'count', min: 0, max: 2, default: null, applies_to: 'prompt' },
    num_samples: { kind: 'integer', min: 1, max: 3, default: 1, applies_to: 'generate' },
    seed: { kind: 'integer', min: 0, max: 4294967295, default: null, applies_to: 'generate' },
    temperature: { kind: 'number', min: 0.1, max: 1.9, default: 1, applies_to: 'generate' },
    name: { kind: 'length', min: 1, max: 100, default: null, applies_to: 'adapter' },
    description: { kind: 'length', min: 0, max: 2000, default: null, applies_to: 'adapter' },
  },
};
