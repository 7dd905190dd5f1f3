// The instruments a prompt may name. Mirrors the server's fixed list in
// src/domain/instruments.cc (SPEC section 2): the server answers 422 for any
// other name, so keep the two in step when the list changes.
export const INSTRUMENT_FAMILIES: { family: string; instruments: string[] }[] = [
  { family: 'Keys', instruments: ['acoustic-piano', 'electric-piano', 'organ', 'clavinet', 'celesta'] },
  {
    family: 'Strings',
    instruments: ['acoustic-guitar', 'electric-guitar-clean', 'electric-guitar-distorted', 'bass-guitar', 'synth-bass',
      'violin', 'viola', 'cello', 'double-bass', 'harp'],
  },
  {
    family: 'Drums',
    instruments: ['acoustic-drum-kit', 'electronic-drum-kit', 'lofi-drum-kit', '808-drums', '909-drums', 'kick-drum',
      'snare-drum', 'hi-hat', 'cymbals', 'toms'],
  },
  {
    family: 'Winds and brass',
    instruments: ['saxophone', 'trumpet', 'trombone', 'french-horn', 'flute', 'piccolo', 'clarinet', 'oboe', 'bassoon'],
  },
  {
    family: 'Synths',
    instruments: ['analog-synth-lead', 'analog-synth-pad', 'digital-synth', 'fm-synth', 'mono-synth-bass', 'poly-synth',
      'arpeggiator-synth'],
  },
  { family: 'World', instruments: ['acoustic-strings-ensemble', 'taiko-drums', 'kalimba', 'sitar', 'shamisen', 'erhu'] },
  { family: 'Texture', instruments: ['vocal-pad', 'choir', 'breath-fx', 'vinyl-noise', 'tape-saturation', 'ambient-noise'] },
];

// Suggestions only: style and mood are free text; these are the words the
// built-in composer recognises (src/engine/composer.cc).
export const STYLE_SUGGESTIONS = ['lofi', 'jazz', 'rock', 'pop', 'ambient', 'cinematic', 'classical', 'hiphop', 'house',
  'techno', 'trance', 'synthwave', 'chiptune', 'dnb', 'funk', 'disco', 'blues', 'latin', 'reggae', 'rnb', 'folk',
  'metal', 'punk', 'ballad', 'japanese', 'chinese', 'indian'];
export const MOOD_SUGGESTIONS = ['calm', 'happy', 'sad', 'dark', 'energetic', 'dreamy', 'epic', 'melancholic', 'uplifting'];
