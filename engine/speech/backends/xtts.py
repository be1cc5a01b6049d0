"""The XTTS-v2 engine (coqui-tts): zero-shot cloning from conditioning latents.

The model is found (a local folder, or coqui's model name fetched once by its manager after the
operator accepted the CPML licence), loaded once per worker process on CUDA when present, and warmed
up with one synthesis. A voice is its conditioning latents (GPT latent + speaker embedding) computed
from the cleaned samples as tensors (never through ``torchaudio.load``), plus one pair per emotion
that has tagged samples. Fine-tuned voices also carry their GPT weights (``xtts_finetune.py``).
"""

from __future__ import annotations

import io
import json
import math
import os
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from engine.audio.speaker import resample
from engine.speech import text as text_rules
from engine.speech.backends.base import AudioChunk, EngineUnavailable, ProgressFn, TrainingSample, by_emotion
from engine.speech.render import SpeechOptions

MODEL_FILES = ("config.json", "model.pth", "vocab.json")
DEFAULT_MODEL = "tts_models/multilingual/multi-dataset/xtts_v2"
RATE = 22050  # what the conditioning encoders take
OUTPUT_RATE = 24000
TOKENS_PER_S = 22050 / 1024  # GPT audio tokens per second of speech
FINETUNE_EPOCHS = {"premium": 3, "professional": 8}
LANGUAGE_CODES = {"zh": "zh-cn"}


class XttsUnavailable(EngineUnavailable):
    """Why the XTTS engine cannot run here, in words an operator can act on."""


@dataclass(frozen=True)
class XttsSettings:
    model_dir: Path | None = None
    model_name: str = DEFAULT_MODEL
    accept_licence: bool = False
    device: str = "cpu"

    @property
    def licence_accepted(self) -> bool:
        return self.accept_licence or os.environ.get("COQUI_TOS_AGREED") == "1"


def locate(settings: XttsSettings, download: bool = True) -> Path:
    """The model folder, or ``XttsUnavailable`` saying what is missing. Downloads only with the
    licence accepted and ``download`` set (never in tests)."""
    if settings.model_dir is not None:
        missing = [name for name in MODEL_FILES if not (settings.model_dir / name).is_file()]
        if missing:
            raise XttsUnavailable(
                f"XTTS weights not found in {settings.model_dir}: missing {', '.join(missing)}"
            )
        return settings.model_dir
    if not settings.licence_accepted:
        raise XttsUnavailable(
            "XTTS-v2 is under the Coqui Public Model License (CPML). Accept it with "
            "engine.xtts_accept_licence = true in the config or COQUI_TOS_AGREED=1, or point "
            "engine.xtts_model_dir at a local copy."
        )
    from TTS.utils.manage import ModelManager

    manager = ModelManager(progress_bar=False)
    cached = Path(manager.output_prefix) / settings.model_name.replace("/", "--")
    if all((cached / name).is_file() for name in MODEL_FILES):
        return cached
    if not download:
        raise XttsUnavailable(f"XTTS weights for {settings.model_name} are not downloaded yet")
    os.environ["COQUI_TOS_AGREED"] = "1"  # accepted in config: coqui's manager must not prompt
    try:
        path, _, _ = manager.download_model(settings.model_name)
    except Exception as exc:  # network, disk, hub: all mean "not here"
        raise XttsUnavailable(f"could not download {settings.model_name}: {exc}") from None
    return Path(path)


def status(settings: XttsSettings | None) -> dict[str, Any]:
    """What ``voicebot models`` and ``doctor`` show; loads nothing and downloads nothing."""
    if settings is None:
        return {"engine": "xtts", "configured": False, "ready": False, "detail": "not configured"}
    out: dict[str, Any] = {"engine": "xtts", "configured": True, "device": settings.device}
    out["licence"] = (
        "not needed (local folder)"
        if settings.model_dir
        else ("accepted" if settings.licence_accepted else "not accepted")
    )
    try:
        out["weights"] = str(locate(settings, download=False))
        out["ready"], out["detail"] = True, "weights found"
    except EngineUnavailable as exc:
        out["weights"], out["ready"], out["detail"] = None, False, exc.message
    if settings.device == "cuda":
        import torch

        free, total = torch.cuda.mem_get_info()
        out["vram"] = f"{free / 1024**3:.1f} GiB free of {total / 1024**3:.1f} GiB"
    return out


class XttsModel:
    """The loaded model; one per process, calls serialised."""

    def __init__(self, folder: Path, device: str) -> None:
        import torch
        from TTS.tts.configs.xtts_config import XttsConfig
        from TTS.tts.models.xtts import Xtts

        self.folder, self.device, self._torch = folder, device, torch
        self.config = XttsConfig()
        self.config.load_json(str(folder / "config.json"))
        self.model = Xtts(self.config)
        self.model.load_checkpoint(self.config, checkpoint_dir=str(folder), eval=True)
        self.model.to(device)
        self.lock = threading.Lock()
        self._base_gpt: dict[str, Any] | None = None  # kept when a fine-tuned GPT is swapped in

    @property
    def max_audio_tokens(self) -> int:
        """The most a single generation may produce: the position table also holds start and stop."""
        return int(self.config.model_args.gpt_max_audio_tokens) - 2

    def latents(self, clips: Sequence[np.ndarray]) -> tuple[Any, Any]:
        """GPT conditioning latent from the clips together (≤ 30 s), speaker embedding as the mean
        of each clip's."""
        torch = self._torch
        tensors = [torch.from_numpy(np.ascontiguousarray(c, dtype=np.float32))[None, :] for c in clips]
        with self.lock, torch.inference_mode():
            speaker = torch.stack([self.model.get_speaker_embedding(t, RATE) for t in tensors]).mean(0)
            gpt = self.model.get_gpt_cond_latents(torch.cat(tensors, dim=1), RATE, length=30, chunk_length=6)
        return gpt.cpu(), speaker.cpu()

    def speak(
        self, text: str, language: str, gpt: Any, speaker: Any, speed: float, gpt_state: Any
    ) -> np.ndarray:
        torch = self._torch
        # A bound on audio tokens from the text length: random or confused weights never stop.
        seconds = 1.5 + len(text) / 8.0
        max_tokens = min(self.max_audio_tokens, math.ceil(seconds * TOKENS_PER_S / min(speed, 1.0)))
        with self.lock, torch.inference_mode():
            self._use_gpt(gpt_state)
            out = self.model.inference(
                text,
                LANGUAGE_CODES.get(language, language),
                gpt.to(self.device),
                speaker.to(self.device),
                speed=speed,
                max_new_tokens=max_tokens,
                enable_text_splitting=False,
            )
        wav = out["wav"]
        return (wav.cpu().numpy() if hasattr(wav, "cpu") else np.asarray(wav)).astype(np.float32)

    def _use_gpt(self, state: dict[str, Any] | None) -> None:
        """Swap a voice's fine-tuned GPT weights in (or the base back)."""
        gpt = self.model.gpt
        if state is None:
            if self._base_gpt is not None:
                gpt.load_state_dict(self._base_gpt, strict=False)
                self._base_gpt = None
            return
        if self._base_gpt is None:
            self._base_gpt = {k: v.clone() for k, v in gpt.state_dict().items()}
        gpt.load_state_dict(state, strict=False)


@dataclass
class XttsVoice:
    languages: tuple[str, ...]
    gpt: Any
    speaker: Any
    emotions: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    gpt_state: dict[str, Any] | None = None  # fine-tuned GPT weights, when the voice has them


class XttsBackend:
    name = "xtts"
    handles_speed = True  # XTTS speaks at the asked speed itself; render must not stretch again

    def __init__(self, settings: XttsSettings, download: bool = True) -> None:
        self.settings = settings
        self._download = download
        self._model: XttsModel | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> XttsModel:
        with self._lock:
            if self._model is None:
                self._model = XttsModel(locate(self.settings, self._download), self.settings.device)
            return self._model

    def ready(self) -> None:
        self.model  # noqa: B018 (loads it, or raises XttsUnavailable)

    def warm_up(self) -> None:
        """Load and speak once, so the first user waits for nothing."""
        model = self.model
        gpt, speaker = model.latents([np.zeros(RATE, dtype=np.float32) + 1e-3])
        model.speak("Ready.", "en", gpt, speaker, 1.0, None)

    def prepare(
        self,
        samples: Sequence[TrainingSample],
        voice_type: str,
        progress: ProgressFn,
        languages: Sequence[str] = ("en",),
    ) -> dict[str, bytes]:
        import torch

        progress("conditioning latents", 10.0)
        clips = [resample(s.audio, s.rate, RATE) for s in samples]
        gpt, speaker = self.model.latents(clips)
        tensors: dict[str, Any] = {"gpt": gpt, "speaker": speaker}
        for emotion, tagged in by_emotion(clips, samples, RATE).items():
            tensors[f"gpt:{emotion}"], tensors[f"speaker:{emotion}"] = self.model.latents(tagged)
        buffer = io.BytesIO()
        torch.save(tensors, buffer)
        progress("done", 100.0)
        meta = {"engine": self.name, "voiceType": voice_type, "languages": list(languages)}
        return {"xtts-latents.pt": buffer.getvalue(), "voice.json": json.dumps(meta).encode()}

    def finetune(
        self,
        samples: Sequence[TrainingSample],
        names: Sequence[str],
        voice_type: str,
        work_dir: Path,
        progress: ProgressFn,
        should_stop: Callable[[], bool],
    ) -> tuple[dict[str, bytes], dict[str, Any]]:
        """Premium / professional: the GPT trained on this voice's transcribed samples. Raises
        ``EngineUnavailable`` (files, memory, no usable sample) and ``StopTraining``."""
        from engine.speech.backends import xtts_finetune as ft

        model = self.model
        ft.check_ready(
            model.folder, sum(p.numel() for p in model.model.gpt.parameters()), self.settings.device
        )
        items = [
            ft.Item(name, resample(s.audio, s.rate, RATE), s.transcript or "", s.language or "en")
            for s, name in zip(samples, names, strict=True)
        ]
        kept, left_out = ft.usable(items, ft.max_samples(model.config) / RATE)
        if not kept:
            raise EngineUnavailable(
                "no sample has both a transcript and a usable length, so the voice was not fine-tuned: "
                + "; ".join(left_out)
            )
        state = ft.finetune(
            model.folder,
            work_dir,
            kept,
            epochs=FINETUNE_EPOCHS[voice_type],
            on_step=lambda done, total: progress("fine-tuning", 100.0 * min(done, total) / total),
            should_stop=should_stop,
        )
        return {"xtts-gpt.pt": state}, {"samplesUsed": len(kept), "leftOut": left_out}

    def load(self, files: Mapping[str, bytes]) -> XttsVoice:
        import torch

        meta = json.loads(files["voice.json"])
        tensors = torch.load(io.BytesIO(files["xtts-latents.pt"]), map_location="cpu", weights_only=True)
        emotions = {
            key.split(":", 1)[1]: (tensors[key], tensors["speaker:" + key.split(":", 1)[1]])
            for key in tensors
            if key.startswith("gpt:")
        }
        gpt_state = None
        if "xtts-gpt.pt" in files:
            gpt_state = torch.load(io.BytesIO(files["xtts-gpt.pt"]), map_location="cpu", weights_only=True)
        return XttsVoice(tuple(meta["languages"]), tensors["gpt"], tensors["speaker"], emotions, gpt_state)

    def synthesize(
        self, voice: XttsVoice, text: str, language: str, options: SpeechOptions
    ) -> Iterator[AudioChunk]:
        """One chunk per sentence piece, each under XTTS's per-language limit."""
        gpt, speaker = voice.emotions.get(options.emotion, (voice.gpt, voice.speaker))
        model = self.model
        for index, chunk in enumerate(text_rules.prepare(text, language)):
            audio = model.speak(chunk, language, gpt, speaker, options.speed, voice.gpt_state)
            yield AudioChunk(index, chunk, audio, OUTPUT_RATE)
