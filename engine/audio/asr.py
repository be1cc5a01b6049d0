"""Optional speech recognition, for fine-tuning samples sent without a transcript.

faster-whisper is an optional extra (``pip install 'voicebot[asr]'``) and its model must already be
on this machine (a local CTranslate2 folder, or one faster-whisper has cached): nothing downloads.
"""

from __future__ import annotations

import threading
from typing import Protocol

import numpy as np

from engine.audio.speaker import resample
from engine.speech.backends.base import EngineUnavailable


class Transcriber(Protocol):
    def transcribe(self, audio: np.ndarray, rate: int, language: str | None) -> str: ...


class WhisperTranscriber:
    def __init__(self, model: str, device: str = "cpu") -> None:
        self.model_name, self.device = model, device
        self._model = None
        self._lock = threading.Lock()

    def _load(self):
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise EngineUnavailable(
                "speech recognition needs the optional extra: pip install 'voicebot[asr]'"
            ) from None
        compute = "float16" if self.device == "cuda" else "int8"
        try:
            return WhisperModel(
                self.model_name, device=self.device, compute_type=compute, local_files_only=True
            )
        except Exception as exc:  # missing or broken model folder
            raise EngineUnavailable(
                f"whisper model {self.model_name!r} is not available here: {exc}"
            ) from None

    def transcribe(self, audio: np.ndarray, rate: int, language: str | None) -> str:
        with self._lock:
            if self._model is None:
                self._model = self._load()
            segments, _ = self._model.transcribe(resample(audio, rate, 16000), language=language, beam_size=1)
            return " ".join(s.text.strip() for s in segments).strip()
