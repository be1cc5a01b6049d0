"""Speaker adaptation with the WORLD vocoder (pyworld): F0 statistics and spectral-envelope selection.

A profile holds the speaker's log-F0 mean/std, the mean/std of the 40-dim coded spectral envelope of
voiced frames, and a pool of those envelopes. Converting a base rendering maps its log-F0 onto the
speaker's, then replaces each voiced frame's envelope with speaker frames near it: both sides are
normalised by their own mean/std, the base's frames moved by a linear map learnt at preparation
(``align``), and matched together with two frames either side (so a frame is found in a similar
transition, not only a similar spectrum); one chosen along a path that keeps runs of the speaker's
consecutive frames, blended with the mean of the nearest few.
Figures: docs/embedded-engine-notes.md.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np

FRAME_MS = 10.0
DIMS = 40
MATCH_DIMS = 20
CONTEXT = 2  # frames either side that take part in a match
CONTEXT_WEIGHT = 0.5  # their weight against the frame itself
ALIGN_ROUNDS = 6
ALIGN_SHARE = 0.5  # how far base frames are moved along the map: all the way bought similarity
# with words (content scores +0.03..0.05), half keeps most of the gain (docs/benchmarks-history.md)
ALIGN_FRAMES = 4000  # speaker frames the alignment is fitted on (it is a 21x20 map; more only costs)
CANDIDATES = 16  # nearest pool frames the path may choose from, per output frame
NEIGHBOURS = 4
MAX_STRETCH = 3.0  # most a coefficient's spread is widened by (_restore_spread)
PATH_WEIGHT = 0.65  # share of the path's frame in each envelope; the rest is the nearest few's mean
MAX_POOL = 12000  # frames kept per profile (~2 min of voiced speech)


def analyse(
    audio: np.ndarray, rate: int, aperiodicity: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """F0 (dio at 1/4 rate + stonemask: same contour as full rate here, 8x faster), envelope, and
    (when asked; it is the slowest step) aperiodicity."""
    import pyworld

    x = audio.astype(np.float64)
    f0, t = pyworld.dio(x, rate, f0_floor=60.0, f0_ceil=600.0, frame_period=FRAME_MS, speed=4)
    f0 = pyworld.stonemask(x, f0, t, rate)
    ap = pyworld.d4c(x, f0, t, rate) if aperiodicity else None
    return f0, pyworld.cheaptrick(x, f0, t, rate), ap


def _syllables(audio: np.ndarray, rate: int, f0: np.ndarray) -> tuple[int, float]:
    """Syllable nuclei (voiced peaks of the smoothed level, de Jong & Wempe 2009) and seconds of
    speech (frames within 35 dB of the loudest; pauses do not count): how fast someone articulates,
    measured the same way on a person and on espeak, so neither needs a transcript."""
    from scipy.ndimage import uniform_filter1d
    from scipy.signal import find_peaks

    hop = int(rate * FRAME_MS / 1000)
    frames = min(len(audio) // hop, len(f0))
    if frames < 10:
        return 0, 0.0
    power = (audio[: frames * hop].astype(np.float64).reshape(frames, hop) ** 2).mean(axis=1)
    level = uniform_filter1d(10 * np.log10(power + 1e-10), 5)
    speech = level > level.max() - 35
    peaks, _ = find_peaks(level, prominence=3.0, distance=8)
    peaks = peaks[(f0[peaks] > 0) & speech[peaks]]
    return len(peaks), float(speech.sum() * FRAME_MS / 1000)


def _code(envelope: np.ndarray, rate: int) -> np.ndarray:
    import pyworld

    return pyworld.code_spectral_envelope(envelope, rate, DIMS)


@dataclass(frozen=True)
class Profile:
    f0_mean: float  # of log F0 over voiced frames
    f0_std: float
    env_mean: np.ndarray
    env_std: np.ndarray
    pool: np.ndarray  # (frames, DIMS) coded envelopes of voiced frames
    ap_voiced: np.ndarray  # mean coded aperiodicity of voiced frames
    syllable_rate: float = 0.0  # voiced syllable nuclei per second of speech (0: not measured)

    @classmethod
    def from_audio(
        cls, clips: Sequence[np.ndarray], rate: int, seed: int = 0, aperiodicity: bool = True
    ) -> Profile:
        """``aperiodicity=False`` for a base voice's profile: only the target's is ever used."""
        import pyworld

        log_f0, coded, aps, nuclei, speech_s = [], [], [], 0, 0.0
        for clip in clips:
            f0, envelope, ap = analyse(clip, rate, aperiodicity)
            voiced = f0 > 0
            log_f0.append(np.log(f0[voiced]))
            coded.append(_code(envelope, rate)[voiced])
            if ap is not None:
                aps.append(pyworld.code_aperiodicity(ap, rate)[voiced])
            count, seconds = _syllables(clip, rate, f0)
            nuclei, speech_s = nuclei + count, speech_s + seconds
        f0s, envs = np.concatenate(log_f0), np.concatenate(coded)
        if len(envs) < 20:
            raise ValueError("too little voiced speech to learn from")
        if len(envs) > MAX_POOL:  # sorted: the pool keeps speech order, so runs of frames can be reused
            keep = np.sort(np.random.default_rng(seed).choice(len(envs), MAX_POOL, replace=False))
            envs_pool = envs[keep]
        else:
            envs_pool = envs
        return cls(
            float(f0s.mean()),
            float(f0s.std()),
            envs.mean(0),
            envs.std(0) + 1e-6,
            envs_pool.astype(np.float32),
            np.concatenate(aps).mean(0) if aps else np.zeros(pyworld.get_num_aperiodicities(rate)),
            nuclei / speech_s if speech_s else 0.0,
        )

    @cached_property
    def matchable(self) -> np.ndarray:
        """The pool as a match sees it (normalised, with context): once per loaded voice, not per
        sentence."""
        return _with_context(_normalised(self.pool, self))

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(
            buffer,
            f0=np.array([self.f0_mean, self.f0_std]),
            env_mean=self.env_mean,
            env_std=self.env_std,
            pool=self.pool,
            ap_voiced=self.ap_voiced,
            syllable_rate=np.array(self.syllable_rate),
        )
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Profile:
        with np.load(io.BytesIO(data)) as z:
            # Profiles saved before the pace was measured have no rate: 0, the default pace.
            rate = float(z["syllable_rate"]) if "syllable_rate" in z.files else 0.0
            return cls(
                float(z["f0"][0]),
                float(z["f0"][1]),
                z["env_mean"],
                z["env_std"],
                z["pool"],
                z["ap_voiced"],
                rate,
            )


def _select(dist: np.ndarray) -> np.ndarray:
    """One pool frame per output frame: among each frame's nearest candidates, the path that most
    often continues with the next frame of the same recording (Viterbi), so the speaker's own
    transitions are kept instead of jumping between unrelated frames."""
    top = np.argpartition(dist, CANDIDATES, axis=1)[:, :CANDIDATES]
    cost_here = np.take_along_axis(dist, top, axis=1)
    jump = float(np.median(cost_here))  # what leaving the recording's own order costs
    cost = cost_here[0].copy()
    back = np.zeros(top.shape, dtype=np.int64)
    for t in range(1, len(top)):
        follows = top[t][None, :] == top[t - 1][:, None] + 1
        total = cost[:, None] + np.where(follows, 0.0, jump)
        back[t] = total.argmin(axis=0)
        cost = total.min(axis=0) + cost_here[t]
    path = np.empty(len(top), dtype=np.int64)
    path[-1] = int(cost.argmin())
    for t in range(len(top) - 1, 0, -1):
        path[t - 1] = back[t, path[t]]
    return top[np.arange(len(top)), path]


@dataclass(frozen=True)
class Prosody:
    """Changes on top of the speaker's own prosody (emotion)."""

    semitones: float = 0.0
    range_scale: float = 1.0
    gain_db: float = 0.0


def _normalised(coded: np.ndarray, profile: Profile) -> np.ndarray:
    return ((coded - profile.env_mean) / profile.env_std)[:, :MATCH_DIMS].astype(np.float64)


def _distances(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a**2).sum(1)[:, None] - 2 * a @ b.T + (b**2).sum(1)[None, :]


def _with_context(frames: np.ndarray) -> np.ndarray:
    padded = np.pad(frames, ((CONTEXT, CONTEXT), (0, 0)), mode="edge")
    return np.hstack(
        [
            padded[i : i + len(frames)] * (1.0 if i == CONTEXT else CONTEXT_WEIGHT)
            for i in range(2 * CONTEXT + 1)
        ]
    )


def _restore_spread(frames: np.ndarray, target: Profile) -> np.ndarray:
    """Averaging frames flattens how the envelope moves over time (muffled speech): give each
    coefficient back the speaker's own spread (global variance, Toda et al. 2007); the level (c0)
    stays as chosen, and the stretch is capped so a very short sentence is not blown up."""
    centre = frames.mean(axis=0)
    scale = np.minimum(target.env_std / (frames.std(axis=0) + 1e-6), MAX_STRETCH)
    scale[0] = 1.0
    return centre + (frames - centre) * scale


def _moved(frames: np.ndarray, alignment: np.ndarray | None) -> np.ndarray:
    if alignment is None:
        return frames
    return np.hstack([frames, np.ones((len(frames), 1))]) @ alignment


def align(source: Profile, target: Profile, seed: int = 0) -> np.ndarray:
    """A linear map from the base voice's normalised envelopes to the speaker's, learnt with no
    parallel speech (INCA, Erro et al. 2010): pair every frame with its nearest on the other side,
    fit the map by ridge least squares, move the base frames, repeat. Per-dimension normalisation
    alone leaves the two voices' vowels apart; the map brings them together (docs/benchmarks-history.md)."""
    x = np.hstack([_normalised(source.pool, source), np.ones((len(source.pool), 1))])
    y = _normalised(target.pool, target)
    if len(y) > ALIGN_FRAMES:
        y = y[np.random.default_rng(seed).choice(len(y), ALIGN_FRAMES, replace=False)]
    identity = np.vstack([np.eye(MATCH_DIMS), np.zeros((1, MATCH_DIMS))])
    alignment = identity
    for _ in range(ALIGN_ROUNDS):
        moved = x @ alignment
        to_y = _distances(moved, y).argmin(axis=1)
        from_y = _distances(y, moved).argmin(axis=1)
        inputs, outputs = np.vstack([x, x[from_y]]), np.vstack([y[to_y], y])
        alignment = np.linalg.solve(inputs.T @ inputs + np.eye(MATCH_DIMS + 1), inputs.T @ outputs)
    return (identity + ALIGN_SHARE * (alignment - identity)).astype(np.float32)


def convert(
    base: np.ndarray,
    rate: int,
    source: Profile,
    target: Profile,
    prosody: Prosody = Prosody(),
    alignment: np.ndarray | None = None,
) -> np.ndarray:
    """Re-synthesise ``base`` (rendered by the voice ``source`` describes) with the target speaker;
    ``alignment`` from ``align(source, target)`` (None: normalisation only)."""
    import pyworld

    f0, envelope, _ = analyse(base, rate, aperiodicity=False)
    voiced = f0 > 0
    new_f0 = np.zeros_like(f0)
    z = (np.log(f0[voiced]) - source.f0_mean) / source.f0_std
    new_f0[voiced] = np.exp(
        z * target.f0_std * prosody.range_scale + target.f0_mean + prosody.semitones * np.log(2) / 12
    )

    coded = _code(envelope, rate)
    mapped = (coded - source.env_mean) / source.env_std * target.env_std + target.env_mean
    if voiced.any():
        query = _with_context(_moved(_normalised(coded, source), alignment))[voiced]
        dist = _distances(query, target.matchable)
        # The frame on the path (the speaker's own transitions) mixed with the mean of the nearest
        # few (smoother): the mix measured best over both test speakers (docs/benchmarks-history.md).
        nearest = np.argpartition(dist, NEIGHBOURS, axis=1)[:, :NEIGHBOURS]
        chosen = PATH_WEIGHT * target.pool[_select(dist)] + (1 - PATH_WEIGHT) * target.pool[nearest].mean(
            axis=1
        )
        mapped[voiced] = _restore_spread(chosen, target)
    size = pyworld.get_cheaptrick_fft_size(rate)
    new_envelope = pyworld.decode_spectral_envelope(
        np.ascontiguousarray(mapped, dtype=np.float64), rate, size
    )
    # Aperiodicity: the speaker's average breathiness in voiced frames, pure noise in unvoiced ones
    # (measuring the base's own with d4c would cost as much as everything else together).
    coded_ap = np.where(voiced[:, None], target.ap_voiced[None, :], 0.0)
    aperiodicity = pyworld.decode_aperiodicity(np.ascontiguousarray(coded_ap), rate, size)
    aperiodicity[~voiced] = 1.0
    out = pyworld.synthesize(new_f0, new_envelope, aperiodicity, rate, FRAME_MS)
    return (out * 10 ** (prosody.gain_db / 20)).astype(np.float32)
