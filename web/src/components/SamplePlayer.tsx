import { useEffect, useRef, useState } from 'react';
import WaveSurfer from 'wavesurfer.js';
import { audioStreamUrl } from '../api';

// One sample: its waveform (wavesurfer.js, click to seek), the browser's own
// audio controls driving the same <audio> element, and a download link.
export function SamplePlayer({ audioId, label }: { audioId: string; label: string }) {
  const waveRef = useRef<HTMLDivElement>(null);
  const audioRef = useRef<HTMLAudioElement>(null);
  const [failed, setFailed] = useState(false);
  const [ready, setReady] = useState(false);

  useEffect(() => {
    const ws = WaveSurfer.create({
      container: waveRef.current!,
      media: audioRef.current!,
      url: audioStreamUrl(audioId),
      height: 64,
      waveColor: '#9bb3d6',
      progressColor: '#2f5fa7',
      cursorColor: '#1d3b6b',
      barWidth: 2,
      barGap: 1,
      barRadius: 1,
    });
    ws.on('error', () => setFailed(true));
    ws.on('ready', () => setReady(true));
    return () => ws.destroy();
  }, [audioId]);

  return (
    <div className="player">
      <div ref={waveRef} className="waveform" data-ready={ready} aria-label={`Waveform of sample ${label}`} />
      {failed && <p className="error">The waveform could not be drawn.</p>}
      <div className="player-controls">
        <audio ref={audioRef} controls preload="auto" aria-label={`Sample ${label}`} data-audio-id={audioId} />
        <a href={audioStreamUrl(audioId)} download={`sample-${label}.wav`}>Download</a>
      </div>
    </div>
  );
}
