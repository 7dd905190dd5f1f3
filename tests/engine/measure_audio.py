#!/usr/bin/python3
"""Independent measurements of rendered WAVs for the engine tests.

Nothing here reads the composer's data: every figure comes from the audio
(numpy, python3-aubio) or, for `midi`, from the file through python3-mido.
Each subcommand prints one JSON object on stdout.

  loudness WAV            integrated loudness (BS.1770-4: K-weighting, 400 ms
                          blocks, absolute and relative gates) and true peak
                          (4x band-limited oversampling), both computed here
  tempo WAV               the heard tempo (see heard_tempo) and aubio's beat
                          tracker (median beat interval)
  clicktrack BPM S OUT    writes a plain metronome WAV (the reference aubio
                          is judged against)
  onsets WAV              aubio onset times and their rate per second
  envcorr WAV...          pairwise correlation of onset-strength envelopes
  form WAV                per-section (4 equal parts) onset rate, spectral
                          centroid and chroma, and the level of the last 2 s
  bands WAV               fraction of energy per frequency band
  features WAV...         min pairwise distance between average log spectra
  key WAV                 Krumhansl-Schmuckler key from a numpy chroma
  pitch WAV               median pitch (MIDI) of the strongest spectral peak
  brightness WAV          spectral centroid (energy weighted), Hz
  fill WAV                reverberance: median of frame energy over the local
                          maximum within +-0.5 s (tails fill the gaps)
  swing WAV BPM           median position of off-beat onsets within the beat
  midi MID                programs per channel, tempo, length (python3-mido)
"""
import json
import sys
import wave

import aubio
import numpy as np

SR = 44100


def read_wav(path):
    with wave.open(path, "rb") as w:
        n = w.getnframes()
        ch = w.getnchannels()
        rate = w.getframerate()
        data = np.frombuffer(w.readframes(n), dtype="<i2").astype(np.float64) / 32768.0
    return data.reshape(-1, ch), rate


def mono(x):
    return x.mean(axis=1)


# ---- loudness (ITU-R BS.1770-4) ----

def k_weighting_response(n, rate):
    """|H| of the two K-weighting biquads at the rfft bins of an n-point signal."""
    def biquad_mag(b, a, w):
        z = np.exp(-1j * w)
        return np.abs((b[0] + b[1] * z + b[2] * z * z) / (a[0] + a[1] * z + a[2] * z * z))

    w = 2 * np.pi * np.fft.rfftfreq(n, 1.0 / rate) / rate
    # High shelf: +4 dB above ~1.5 kHz.
    g, q, fc = 4.0, 1 / np.sqrt(2), 1500.0
    A = 10 ** (g / 40.0)
    w0 = 2 * np.pi * fc / rate
    al = np.sin(w0) / (2 * q)
    c = np.cos(w0)
    b = [A * ((A + 1) + (A - 1) * c + 2 * np.sqrt(A) * al), -2 * A * ((A - 1) + (A + 1) * c),
         A * ((A + 1) + (A - 1) * c - 2 * np.sqrt(A) * al)]
    a = [(A + 1) - (A - 1) * c + 2 * np.sqrt(A) * al, 2 * ((A - 1) - (A + 1) * c),
         (A + 1) - (A - 1) * c - 2 * np.sqrt(A) * al]
    shelf = biquad_mag(b, a, w)
    # High pass at 38 Hz.
    q, fc = 0.5, 38.0
    w0 = 2 * np.pi * fc / rate
    al = np.sin(w0) / (2 * q)
    c = np.cos(w0)
    b = [(1 + c) / 2, -(1 + c), (1 + c) / 2]
    a = [1 + al, -2 * c, 1 - al]
    return shelf * biquad_mag(b, a, w)


def integrated_loudness(x, rate):
    n = x.shape[0]
    h = k_weighting_response(n, rate)
    y = np.stack([np.fft.irfft(np.fft.rfft(x[:, c]) * h, n) for c in range(x.shape[1])], axis=1)
    block, step = int(0.4 * rate), int(0.1 * rate)
    if n < block:
        return float("-inf")
    starts = np.arange(0, n - block + 1, step)
    csum = np.concatenate([np.zeros((1, y.shape[1])), np.cumsum(y * y, axis=0)])
    z = (csum[starts + block] - csum[starts]) / block  # mean square per block, per channel
    power = z.sum(axis=1)  # channel weights 1.0 (L, R)
    with np.errstate(divide="ignore"):
        lk = -0.691 + 10 * np.log10(power)
    gated = power[lk > -70]
    if gated.size == 0:
        return float("-inf")
    rel = -0.691 + 10 * np.log10(gated.mean()) - 10
    final = power[(lk > -70) & (lk > rel)]
    return float(-0.691 + 10 * np.log10(final.mean()))


def true_peak(x):
    peak = 0.0
    for c in range(x.shape[1]):
        s = x[:, c]
        n = s.size
        spec = np.fft.rfft(s)
        up = np.fft.irfft(spec, 4 * n) * 4  # band-limited 4x interpolation
        peak = max(peak, float(np.abs(up).max()), float(np.abs(s).max()))
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


# ---- onsets and tempo ----

def stft_mag(y, n_fft=2048, hop=441):
    win = np.hanning(n_fft)
    pad = np.concatenate([np.zeros(n_fft // 2), y, np.zeros(n_fft)])
    frames = 1 + (len(y)) // hop
    idx = np.arange(n_fft)[None, :] + hop * np.arange(frames)[:, None]
    return np.abs(np.fft.rfft(pad[idx] * win, axis=1))


def onset_envelope(y, hop=441):
    """Spectral flux (half-wave rectified, magnitude), 100 frames/s."""
    mag = stft_mag(y, hop=hop)
    flux = np.maximum(mag[1:] - mag[:-1], 0).sum(axis=1)
    return np.concatenate([[0], flux])


def heard_tempo(env, fps, lo=40, hi=200):
    """The tempo a listener taps: among the periods from lo to hi bpm at
    which the onset envelope repeats (peaks of its autocorrelation), the
    fastest one that repeats at least 85 % as strongly as the strongest.
    A period of off-beat eighths repeats less (the off-beats are weaker), so
    eighth notes under the beat do not double it; a period of two beats
    repeats no more than the beat itself when every beat is marked, so a
    steady beat is not halved."""
    e = env - env.mean()
    n = len(e)
    spec = np.fft.rfft(e, 2 * n)
    acf = np.fft.irfft(spec * np.conj(spec))[:n]
    acf = acf / (n - np.arange(n))  # unbiased: long lags are not penalised
    acf = acf / acf[0]
    lag_lo = int(np.floor(fps * 60.0 / hi)) - 1
    lag_hi = int(np.ceil(fps * 60.0 / lo)) + 1
    peaks = []
    for L in range(max(lag_lo, 2), min(lag_hi, n // 2)):
        if acf[L] >= acf[L - 1] and acf[L] > acf[L + 1]:
            a, b, c = acf[L - 1], acf[L], acf[L + 1]
            shift = 0.5 * (a - c) / (a - 2 * b + c) if (a - 2 * b + c) != 0 else 0.0
            lag = L + shift
            bpm = 60.0 * fps / lag
            if lo * 0.98 <= bpm <= hi * 1.02:
                peaks.append((bpm, b - 0.25 * (a - c) * shift))
    if not peaks:
        return -1.0
    best = max(v for _, v in peaks)
    return float(max(bpm for bpm, v in peaks if v >= 0.85 * best))


def aubio_events(path, make):
    """Times (s) at which the aubio detector `make(buf, hop, rate)` fires."""
    hop, buf = 256, 1024
    src = aubio.source(path, 0, hop)
    det = make(buf, hop, src.samplerate)
    times = []
    while True:
        samples, read = src()
        if det(samples)[0]:
            times.append(det.get_last_s())
        if read < hop:
            break
    return times


def aubio_beats(path):
    return aubio_events(path, lambda buf, hop, rate: aubio.tempo("default", buf, hop, rate))


def aubio_onsets(path):
    def make(buf, hop, rate):
        det = aubio.onset("default", buf, hop, rate)
        det.set_minioi_ms(30)
        return det
    return aubio_events(path, make)


# ---- spectra, chroma, key ----

def band_fractions(y, rate, edges):
    spec = np.abs(np.fft.rfft(y)) ** 2
    f = np.fft.rfftfreq(len(y), 1.0 / rate)
    total = spec.sum()
    return [float(spec[(f >= a) & (f < b)].sum() / total) for a, b in zip(edges[:-1], edges[1:])]


def chroma(y, rate):
    mag = stft_mag(y, n_fft=8192, hop=2205)
    f = np.fft.rfftfreq(8192, 1.0 / rate)
    sel = (f > 60) & (f < 2000)
    midi = 69 + 12 * np.log2(f[sel] / 440.0)
    pc = np.mod(np.rint(midi), 12).astype(int)
    energy = (mag[:, sel] ** 2).sum(axis=0)
    c = np.bincount(pc, weights=energy, minlength=12)
    return c / c.sum()


MAJOR = np.array([6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88])
MINOR = np.array([6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17])


def estimate_key(c):
    best = (-2, 0, "major")
    for tonic in range(12):
        rolled = np.roll(c, -tonic)
        for name, prof in (("major", MAJOR), ("minor", MINOR)):
            r = np.corrcoef(rolled, prof)[0, 1]
            if r > best[0]:
                best = (r, tonic, name)
    return {"tonic": best[1], "mode": best[2], "r": float(best[0])}


def centroid(y, rate):
    mag = stft_mag(y)
    f = np.fft.rfftfreq(2048, 1.0 / rate)
    p = mag ** 2
    return float((p * f).sum() / p.sum())


def log_spectrum(y, rate, bands=48):
    mag = stft_mag(y)
    f = np.fft.rfftfreq(2048, 1.0 / rate)
    edges = np.geomspace(40, 16000, bands + 1)
    p = (mag ** 2).mean(axis=0)
    out = []
    for a, b in zip(edges[:-1], edges[1:]):
        out.append(10 * np.log10(p[(f >= a) & (f < b)].sum() + 1e-12))
    return np.array(out)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "loudness":
        x, rate = read_wav(args[0])
        out = {"lufs": integrated_loudness(x, rate), "true_peak_dbtp": true_peak(x)}
    elif cmd == "tempo":
        x, rate = read_wav(args[0])
        env = onset_envelope(mono(x), hop=220)
        beats = aubio_beats(args[0])
        iv = np.diff(beats)
        out = {"heard_bpm": heard_tempo(env, rate / 220.0),
               "aubio_bpm": float(60.0 / np.median(iv)) if len(iv) else -1}
    elif cmd == "clicktrack":
        # A metronome: 30 ms noise bursts on every beat, to ask aubio what it
        # makes of a plain pulse at this tempo.
        bpm, seconds, path = float(args[0]), float(args[1]), args[2]
        n = int(seconds * SR)
        y = np.zeros(n)
        burst = np.random.RandomState(0).randn(int(0.03 * SR)) * np.exp(
            -np.arange(int(0.03 * SR)) / (0.005 * SR))
        t = 0.0
        while t < seconds - 0.1:
            i = int(t * SR)
            m = min(len(burst), n - i)
            y[i:i + m] += 0.25 * burst[:m]
            t += 60.0 / bpm
        with wave.open(path, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(SR)
            w.writeframes((np.clip(y, -1, 1) * 32767).astype("<i2").tobytes())
        out = {"path": path}
    elif cmd == "onsets":
        x, rate = read_wav(args[0])
        on = aubio_onsets(args[0])
        out = {"count": len(on), "rate": len(on) / (x.shape[0] / rate)}
    elif cmd == "envcorr":
        envs = []
        for p in args:
            x, rate = read_wav(p)
            envs.append(onset_envelope(mono(x)))
        n = min(len(e) for e in envs)
        m = np.corrcoef(np.stack([e[:n] for e in envs]))
        out = {"matrix": m.tolist(), "max_offdiag": float(np.max(m - 2 * np.eye(len(args))))}
    elif cmd == "form":
        x, rate = read_wav(args[0])
        y = mono(x)
        on = np.array(aubio_onsets(args[0]))
        dur = len(y) / rate
        parts = []
        for i in range(4):
            a, b = int(i * len(y) / 4), int((i + 1) * len(y) / 4)
            seg_on = on[(on >= a / rate) & (on < b / rate)]
            parts.append({"onset_rate": len(seg_on) / ((b - a) / rate),
                          "centroid": centroid(y[a:b], rate),
                          "chroma": chroma(y[a:b], rate).tolist(),
                          "log_spectrum": log_spectrum(y[a:b], rate).tolist()})
        rms = lambda s: float(np.sqrt(np.mean(s * s)) + 1e-12)
        tail_on = on[on >= dur - 2.0]
        out = {"parts": parts, "duration": dur,
               "last2s_vs_body_db": 20 * np.log10(rms(y[-2 * rate:]) / rms(y[:-2 * rate])),
               "onsets_last2s": int(len(tail_on)),
               "onsets_per_2s_body": float(len(on[on < dur - 2.0]) / ((dur - 2.0) / 2.0))}
    elif cmd == "bands":
        x, rate = read_wav(args[0])
        edges = [float(e) for e in args[1:]]
        out = {"fractions": band_fractions(mono(x), rate, edges)}
    elif cmd == "features":
        specs = []
        for p in args:
            x, rate = read_wav(p)
            y = mono(x)
            env = onset_envelope(y)
            specs.append(np.concatenate([log_spectrum(y, rate), [10 * np.log10(env.mean() + 1e-9)]]))
        n = len(specs)
        dmin, pair = 1e9, None
        for i in range(n):
            for j in range(i + 1, n):
                d = float(np.mean(np.abs(specs[i] - specs[j])))
                if d < dmin:
                    dmin, pair = d, [i, j]
        out = {"min_distance_db": dmin, "closest_pair": pair}
    elif cmd == "key":
        x, rate = read_wav(args[0])
        out = estimate_key(chroma(mono(x), rate))
    elif cmd == "pitch":
        # The median, over frames within 30 dB of the loudest, of the pitch
        # (MIDI) of the strongest spectral peak between 80 Hz and 5 kHz.
        x, rate = read_wav(args[0])
        mag = stft_mag(mono(x), n_fft=4096, hop=1024)
        f = np.fft.rfftfreq(4096, 1.0 / rate)
        sel = (f > 80) & (f < 5000)
        peak = mag[:, sel].max(axis=1)
        loud = peak > peak.max() * 10 ** (-30 / 20)
        freqs = f[sel][np.argmax(mag[:, sel], axis=1)][loud]
        midi = 69 + 12 * np.log2(freqs / 440.0)
        out = {"median_midi": float(np.median(midi)) if len(midi) else -1, "frames": int(len(midi))}
    elif cmd == "brightness":
        x, rate = read_wav(args[0])
        out = {"centroid_hz": centroid(mono(x), rate)}
    elif cmd == "fill":
        x, rate = read_wav(args[0])
        y = mono(x)
        hop = 441
        n = len(y) // hop
        e = np.array([np.mean(y[i * hop:(i + 1) * hop] ** 2) for i in range(n)]) + 1e-12
        w = 50
        local = np.array([e[max(0, i - w):i + w + 1].max() for i in range(n)])
        body = slice(100, n - 150)  # skip the first second and the fade
        out = {"fill_db": float(np.median(10 * np.log10(e[body] / local[body])))}
    elif cmd == "swing":
        bpm = float(args[1])
        on = np.array(aubio_onsets(args[0]))
        beat = 60.0 / bpm
        # The piece starts on a beat at t = 0: phase of each onset in its beat.
        phase = np.mod(on / beat, 1.0)
        off = phase[(phase > 0.3) & (phase < 0.85)]
        out = {"offbeat_phase": float(np.median(off)) if len(off) else -1, "count": int(len(off))}
    elif cmd == "midi":
        import mido
        mid = mido.MidiFile(args[0])
        programs = {}
        tempo = None
        for track in mid.tracks:
            for msg in track:
                if msg.type == "program_change":
                    programs.setdefault(msg.channel, [])
                    if msg.program not in programs[msg.channel]:
                        programs[msg.channel].append(msg.program)
                if msg.type == "set_tempo" and tempo is None:
                    tempo = mido.tempo2bpm(msg.tempo)
        notes = sum(1 for t in mid.tracks for m in t if m.type == "note_on" and m.velocity > 0)
        out = {"type": mid.type, "programs": {str(k): v for k, v in programs.items()},
               "bpm": tempo, "length_s": float(mid.length), "notes": notes}
    else:
        raise SystemExit("unknown command " + cmd)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
