"""The embedded engine: espeak-ng speech re-synthesised toward the speaker with WORLD.

Runs anywhere with no download and no GPU. "Training" learns the speaker's profile
(``world.Profile``, with how fast they speak) and, per language, the espeak voice variant whose
converted rendering sounds closest to the speaker (by resemblyzer embedding), together with that
variant's own profile and the map that aligns its envelopes with the speaker's (``world.align``).
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from engine.audio.speaker import resample
from engine.speech import text as text_rules
from engine.speech.backends.base import MIN_EMOTION_S, AudioChunk, ProgressFn, TrainingSample, by_emotion
from engine.speech.backends.world import Profile, Prosody, align, convert
from engine.speech.espeak import RATE, espeak
from engine.speech.render import SpeechOptions

VARIANTS = ("", "+f1", "+f2", "+f3", "+f4", "+f5", "+m1", "+m2", "+m3", "+m4", "+m5", "+m6", "+m7")
# A few sentences per language with varied sounds: what each variant is judged and profiled on.
REFERENCE = {
    "en": "The weather is lovely today, so we will walk to the park. Please call me back when you can.",
    "es": "Hoy hace muy buen tiempo, así que iremos al parque. Por favor, llámame cuando puedas.",
    "fr": "Il fait très beau aujourd'hui, nous irons au parc. Rappelle-moi quand tu peux, s'il te plaît.",
    "de": "Heute ist das Wetter schön, also gehen wir in den Park. Ruf mich bitte zurück, wenn du kannst.",
    "it": "Oggi il tempo è bellissimo, quindi andremo al parco. Per favore, richiamami quando puoi.",
    "pt": "Hoje o tempo está ótimo, então vamos ao parque. Por favor, liga-me quando puderes.",
    "ja": "今日はとても良い天気なので、公園に行きましょう。時間があるときに電話してください。",
    "ko": "오늘은 날씨가 아주 좋아서 공원에 갈 거예요. 시간 될 때 전화해 주세요.",
    "zh": "今天天气很好，所以我们去公园散步。有空的时候请给我回电话。",
}
# Emotion as prosody on top of the speaker's own: F0 shift and range, speaking rate, level.
EMOTION = {
    "neutral": (Prosody(), 1.0),
    "happy": (Prosody(semitones=2.0, range_scale=1.3, gain_db=1.5), 1.08),
    "sad": (Prosody(semitones=-2.0, range_scale=0.6, gain_db=-3.0), 0.85),
    "angry": (Prosody(semitones=1.0, range_scale=1.4, gain_db=4.0), 1.12),
    "excited": (Prosody(semitones=3.0, range_scale=1.6, gain_db=3.0), 1.15),
    "calm": (Prosody(semitones=-1.0, range_scale=0.75, gain_db=-2.0), 0.92),
}
# The pace base renderings are made and profiled at (espeak's default is 165). A voice speaks at
# the person's own pace instead: this scaled by how fast they articulate against the base (_pace).
WORDS_PER_MINUTE = 130
PACE_LIMITS = (90, 180)  # words per minute a voice's own pace is kept within
SHORTLIST = 3  # variants (best raw renderings) tried through the conversion when matching a voice
JUDGED_AT = (0.9, 1.0, 1.15)  # paces, relative to the person's, each shortlisted variant is scored at
HIGH_VOICE_HZ = 165.0  # a speaker's mean F0 above this: the female variants are theirs, else the male


@dataclass
class EmbeddedVoice:
    target: Profile
    variants: dict[str, str]  # language -> espeak variant
    sources: dict[str, Profile] = field(default_factory=dict)  # language -> that variant's profile
    emotions: dict[str, Profile] = field(default_factory=dict)  # learnt from emotion-tagged samples
    alignments: dict[str, np.ndarray] = field(default_factory=dict)  # language -> world.align map

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(self.variants)


class EmbeddedBackend:
    name = "embedded"
    handles_speed = False  # speed comes from the shared render step

    def ready(self) -> None:
        """Always: espeak-ng and WORLD ship with the wheels."""

    def __init__(self, encoder=None) -> None:
        self._encoder = encoder  # SpeakerEncoder; only preparation needs it

    def _render_base(self, language: str, variant: str, wpm: int = WORDS_PER_MINUTE) -> np.ndarray:
        return espeak().synth(REFERENCE[language], language, voice_variant=variant, words_per_minute=wpm)

    def prepare(
        self,
        samples: Sequence[TrainingSample],
        voice_type: str,
        progress: ProgressFn,
        languages: Sequence[str] = ("en",),
    ) -> dict[str, bytes]:
        if self._encoder is None:
            from engine.audio.speaker import SpeakerEncoder

            self._encoder = SpeakerEncoder()
        progress("analysing samples", 5.0)
        clips = [resample(s.audio, s.rate, RATE) for s in samples]
        target = Profile.from_audio(clips, RATE)
        reference = self._encoder.embed(np.concatenate(clips), RATE)
        files = {}
        for emotion, tagged in by_emotion(clips, samples, RATE).items():
            files[f"emotion-{emotion}.npz"] = Profile.from_audio(tagged, RATE).to_bytes()
        plain = [c for c, s in zip(clips, samples, strict=True) if s.emotion in (None, "neutral")]
        if files and sum(len(c) for c in plain) >= MIN_EMOTION_S * RATE:
            # The everyday pitch comes from the untagged samples; the timbre from all of them.
            neutral = Profile.from_audio(plain, RATE)
            target = replace(target, f0_mean=neutral.f0_mean, f0_std=neutral.f0_std)
        files["target.npz"] = target.to_bytes()
        chosen = {}
        for i, language in enumerate(languages):
            progress(f"matching the voice ({language})", 20.0 + 70.0 * i / len(languages))
            best, source, alignment = self._match(language, target, reference)
            chosen[language] = best
            files[f"source-{language}.npz"] = source.to_bytes()
            files[f"align-{language}.npy"] = _npy(alignment)
        files["voice.json"] = json.dumps(
            {"engine": self.name, "voiceType": voice_type, "variants": chosen}
        ).encode()
        progress("done", 100.0)
        return files

    def _match(
        self, language: str, target: Profile, reference: np.ndarray
    ) -> tuple[str, Profile, np.ndarray]:
        """The espeak variant whose *converted* rendering sounds most like the speaker: variants
        shortlisted by their raw rendering, then each converted at three paces around the person's
        and scored by the mean (one rendering's score is too noisy to rank by;
        docs/embedded-engine-notes.md)."""
        assert self._encoder is not None
        raw = {v: self._render_base(language, v) for v in _register(target)}
        ranked = sorted(raw, key=lambda v: -float(self._encoder.embed(raw[v], RATE) @ reference))
        scores, sources = {}, {}
        for variant in ranked[:SHORTLIST]:
            source = Profile.from_audio([raw[variant]], RATE, aperiodicity=False)
            alignment = align(source, target)
            sources[variant] = source, alignment
            pace = _pace(target, source)
            marks = []
            for factor in JUDGED_AT:
                render = self._render_base(language, variant, round(pace * factor))
                converted = convert(render, RATE, source, target, alignment=alignment)
                marks.append(float(self._encoder.embed(converted, RATE) @ reference))
            scores[variant] = float(np.mean(marks))
        best = max(scores, key=scores.__getitem__)
        return best, *sources[best]

    def load(self, files: Mapping[str, bytes]) -> EmbeddedVoice:
        meta = json.loads(files["voice.json"])
        sources = {lang: Profile.from_bytes(files[f"source-{lang}.npz"]) for lang in meta["variants"]}
        emotions = {
            name[len("emotion-") : -len(".npz")]: Profile.from_bytes(data)
            for name, data in files.items()
            if name.startswith("emotion-")
        }
        # Voices prepared before alignment existed have no map: normalisation only.
        alignments = {
            lang: np.load(io.BytesIO(files[f"align-{lang}.npy"]))
            for lang in meta["variants"]
            if f"align-{lang}.npy" in files
        }
        return EmbeddedVoice(
            Profile.from_bytes(files["target.npz"]), dict(meta["variants"]), sources, emotions, alignments
        )

    def _source(self, voice: EmbeddedVoice, language: str) -> tuple[str, Profile, np.ndarray | None]:
        if language not in voice.sources:
            # A language the samples did not cover: a variant by pitch, profiled once and kept.
            variant = "+f3" if np.exp(voice.target.f0_mean) > HIGH_VOICE_HZ else "+m3"
            voice.variants[language] = variant
            base = self._render_base(language, variant)
            voice.sources[language] = Profile.from_audio([base], RATE, aperiodicity=False)
            voice.alignments[language] = align(voice.sources[language], voice.target)
        return voice.variants[language], voice.sources[language], voice.alignments.get(language)

    def synthesize(
        self, voice: EmbeddedVoice, text: str, language: str, options: SpeechOptions
    ) -> Iterator[AudioChunk]:
        """Lazily, one chunk per sentence; speed and pitch are left to ``render``."""
        chunks = text_rules.prepare(text, language)
        variant, source, alignment = self._source(voice, language)
        prosody, rate_scale = EMOTION[options.emotion]
        target = voice.target
        learnt = voice.emotions.get(options.emotion)
        if learnt is not None:
            # The speaker's own pitch for this emotion replaces the preset shift; level and pace stay.
            target = replace(target, f0_mean=learnt.f0_mean, f0_std=learnt.f0_std)
            prosody = replace(prosody, semitones=0.0, range_scale=1.0)
        pace = int(_pace(voice.target, source) * rate_scale)
        for index, chunk in enumerate(chunks):
            base = espeak().synth(chunk, language, voice_variant=variant, words_per_minute=pace)
            audio = convert(base, RATE, source, target, prosody, alignment)
            yield AudioChunk(index, chunk, audio, RATE)


def _register(target: Profile) -> tuple[str, ...]:
    """espeak's default voice and the variants of the speaker's register: bridging a female
    variant's formants to a male speaker (or back) cost similarity and made the choice erratic."""
    kind = "+f" if np.exp(target.f0_mean) > HIGH_VOICE_HZ else "+m"
    return ("", *(v for v in VARIANTS if v.startswith(kind)))


def _pace(target: Profile, source: Profile) -> int:
    """Words per minute for the person's own pace: the base's, scaled by how many syllables a second
    they articulate against the base rendering (both measured the same way, world._syllables)."""
    if not (target.syllable_rate and source.syllable_rate):  # profiles from before it was measured
        return WORDS_PER_MINUTE
    pace = round(WORDS_PER_MINUTE * target.syllable_rate / source.syllable_rate)
    return int(np.clip(pace, *PACE_LIMITS))


def _npy(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()
