"""Typed audio errors: ``code`` is stable for programs; ``values`` are the figures a front end puts in
the person's language (``handlers.messages`` has a sentence per code); ``message`` is the English
fallback for logs and for code that has no catalog."""

from __future__ import annotations


class AudioError(Exception):
    code = "audio_error"

    def __init__(self, message: str, key: str | None = None, **values: object) -> None:
        super().__init__(message)
        self.message = message
        self.key = key or self.code  # the catalog's sentence: ``audio.<key>``
        self.values = values

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class EmptyFileError(AudioError):
    code = "empty_file"


class FileTooLargeError(AudioError):
    code = "file_too_large"


class TooLongError(AudioError):
    code = "too_long"


class NotAudioError(AudioError):
    code = "not_audio"


class NoAudioTrackError(NotAudioError):
    code = "no_audio_track"


class UnsupportedFormatError(AudioError):
    code = "unsupported_format"


class CorruptAudioError(AudioError):
    code = "corrupt_audio"


class DecodeTimeoutError(AudioError):
    code = "decode_timeout"


class EncodeTimeoutError(AudioError):
    """ffmpeg making the audio we send did not finish in time (hung, or the machine far behind)."""

    code = "encode_timeout"


class SilentAudioError(AudioError):
    code = "silent"


class NoSpeechError(AudioError):
    code = "no_speech"


class TooShortError(AudioError):
    code = "too_short"


class TierError(AudioError):
    code = "not_enough_audio"


class InvalidRequestError(AudioError):
    """A speech request the user can fix: empty or too long text, an option out of range."""

    code = "invalid_request"


class TextTooLongError(InvalidRequestError):
    """Text over the limit; carries both numbers so a chat can say it in the person's language."""

    def __init__(self, length: int, limit: int) -> None:
        super().__init__(
            f"text is {length} characters; the limit is {limit}. Split it, or use a batch.",
            key="text_too_long",
            length=length,
            limit=limit,
        )
        self.length, self.limit = length, limit


class OtherSpeakerError(AudioError):
    """Another voice than the consent recording's speaks in a sample (``at``: seconds of speech)."""

    code = "other_speaker"


class UnverifiableSpeakerError(AudioError):
    """Too noisy or distorted to tell whether the consent recording's speaker is the one speaking."""

    code = "unverifiable_speaker"
