"""The contract's voice tiers and how much speech each needs. Checked before any training."""

from __future__ import annotations

from dataclasses import dataclass

from engine.errors import TierError


@dataclass(frozen=True, slots=True)
class Tier:
    name: str
    min_seconds: float
    max_seconds: float | None  # speech beyond this is not used by the tier
    clean_only: bool = False  # professional asks for clean audio


TIERS = {
    "instant": Tier("instant", 10, 30),
    "standard": Tier("standard", 60, 180),
    "premium": Tier("premium", 300, 600),
    "professional": Tier("professional", 900, None, clean_only=True),
}
VOICE_TYPES = tuple(TIERS)


def _fmt(seconds: float) -> str:
    return f"{seconds / 60:g} min" if seconds >= 120 and seconds % 60 == 0 else f"{seconds:.0f} s"


@dataclass(frozen=True, slots=True)
class TierCheck:
    voice_type: str
    ok: bool
    message: str
    usable_seconds: float
    need_seconds: float = 0.0

    def to_dict(self) -> dict[str, object]:
        return {
            "voiceType": self.voice_type,
            "ok": self.ok,
            "message": self.message,
            "usableSeconds": round(self.usable_seconds, 1),
        }


def check_tier(voice_type: str, speech_seconds: float, audio_quality: str = "good") -> TierCheck:
    """Whether ``speech_seconds`` of speech (after trimming) is enough for ``voice_type``."""
    tier = TIERS.get(voice_type)
    if tier is None:
        raise ValueError(f"voiceType must be one of {', '.join(VOICE_TYPES)}")
    have = round(speech_seconds)
    if speech_seconds < tier.min_seconds:
        return TierCheck(
            voice_type,
            False,
            f"{voice_type} needs at least {_fmt(tier.min_seconds)} of speech; you have {have} s.",
            speech_seconds,
            tier.min_seconds,
        )
    if tier.clean_only and audio_quality == "poor":
        return TierCheck(
            voice_type, False, f"{voice_type} needs clean audio; these samples are poor.", speech_seconds
        )
    if tier.max_seconds is not None and speech_seconds > tier.max_seconds:
        return TierCheck(
            voice_type,
            True,
            f"{voice_type} uses up to {_fmt(tier.max_seconds)} of speech; the clearest"
            f" {_fmt(tier.max_seconds)} of your {have} s will be used.",
            tier.max_seconds,
        )
    return TierCheck(voice_type, True, f"{have} s of speech is enough for {voice_type}.", speech_seconds)


def require_tier(voice_type: str, speech_seconds: float, audio_quality: str = "good") -> TierCheck:
    check = check_tier(voice_type, speech_seconds, audio_quality)
    if not check.ok:
        if check.need_seconds:  # too little speech: the figures, for the person's language
            raise TierError(
                check.message,
                voice_type=voice_type,
                need_s=check.need_seconds,
                have_s=round(check.usable_seconds, 1),
            )
        raise TierError(check.message, key="audio_error")
    return check
