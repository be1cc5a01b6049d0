"""espeak-ng through ctypes, from the ``espeakng-loader`` wheel (library and data bundled; no apt).

The library keeps global state and is not thread-safe: one instance per process, calls serialised.
"""

from __future__ import annotations

import ctypes
import threading
from functools import cache

import numpy as np

RATE = 22050
# Voice names for the contract's languages.
VOICES = {
    "en": "en-us",
    "es": "es",
    "fr": "fr",
    "de": "de",
    "it": "it",
    "pt": "pt",
    "ja": "ja",
    "ko": "ko",
    "zh": "cmn",
}

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_RATE, _VOLUME, _PITCH, _RANGE = 1, 2, 3, 4
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


class EspeakError(RuntimeError):
    pass


class Espeak:
    """Synthesise text to mono float32 at 22 050 Hz."""

    def __init__(self) -> None:
        import espeakng_loader

        self._lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self._lib.espeak_Initialize.restype = ctypes.c_int
        self._lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        self._lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self._lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        self._lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        rate = self._lib.espeak_Initialize(
            _AUDIO_OUTPUT_SYNCHRONOUS, 0, str(espeakng_loader.get_data_path()).encode(), 0
        )
        if rate != RATE:
            raise EspeakError(f"espeak-ng failed to start (returned {rate})")
        self._chunks: list[np.ndarray] = []
        self._callback = _CALLBACK(self._collect)  # keep a reference: the library holds the pointer
        self._lib.espeak_SetSynthCallback(self._callback)
        self._lock = threading.Lock()

    def _collect(self, wav, count, _events) -> int:
        if count > 0:
            self._chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).astype(np.float32) / 32768.0)
        return 0

    def synth(
        self,
        text: str,
        language: str,
        *,
        voice_variant: str = "",
        words_per_minute: int = 165,
        pitch: int = 50,
        pitch_range: int = 50,
    ) -> np.ndarray:
        """Speak ``text`` with the espeak voice for ``language`` (``+f2``-style ``voice_variant``)."""
        name = VOICES.get(language)
        if name is None:
            raise EspeakError(f"no espeak-ng voice for language {language!r}")
        data = text.encode("utf-8") + b"\0"
        with self._lock:
            if self._lib.espeak_SetVoiceByName((name + voice_variant).encode()) != 0:
                raise EspeakError(f"espeak-ng has no voice {name + voice_variant!r}")
            for param, value in (
                (_RATE, words_per_minute),
                (_PITCH, pitch),
                (_RANGE, pitch_range),
                (_VOLUME, 100),
            ):
                self._lib.espeak_SetParameter(param, int(value), 0)
            self._chunks = []
            buffer = ctypes.create_string_buffer(data)
            status = self._lib.espeak_Synth(buffer, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
            self._lib.espeak_Synchronize()
            chunks, self._chunks = self._chunks, []
        if status != 0:
            raise EspeakError(f"espeak-ng could not speak this text (error {status})")
        return np.concatenate(chunks) if chunks else np.zeros(0, np.float32)


@cache
def espeak() -> Espeak:
    """The process's one synthesiser."""
    return Espeak()
