"""``voicebot voice create|status|list|delete|renew``, ``speak``, ``batch``, ``job``: the handlers, from a
terminal."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import shutil
import sys
from pathlib import Path
from typing import Any

from bot.cli.options import add_sample_options
from bot.cli.output import emit, fail, user_locale
from bot.cli.requests import RequestError
from bot.config import Config
from engine.speech.backends import ENGINES
from engine.speech.render import EMOTIONS, FORMATS, SAMPLE_RATES

CLI = {"platform": "cli"}  # where a receipt says the speech was made


def add_commands(commands: Any) -> None:
    voice = commands.add_parser("voice", help="create, inspect and delete voices")
    actions = voice.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="build a voice from samples (needs --consent)")
    create.add_argument("--name", required=True, help="voiceName, unique among your voices")
    create.add_argument("--consent", help="the consent statement the speaker accepted, word for word")
    create.add_argument("--challenge", help="a challenge id (`voicebot consent challenge`)")
    create.add_argument(
        "--consent-recording", type=Path, help="the speaker reading that challenge's sentence, code included"
    )
    add_sample_options(create)
    create.add_argument("--engine", choices=ENGINES, help="default: engine.backend in the config")
    create.add_argument(
        "--wait", action="store_true", help="wait for the training (runs it here when no worker is running)"
    )
    for action in ("status", "delete", "renew"):
        actions.add_parser(action, help=f"{action} one of your voices").add_argument("voice_id")
    actions.add_parser("list", help="list your voices")

    speak = commands.add_parser("speak", help="say TEXT with a voice and write an audio file")
    speak.add_argument("voice_id")
    speak.add_argument("text")
    _speech_options(speak)
    speak.add_argument("-o", "--output", type=Path, help="also copy the audio here")

    batch = commands.add_parser("batch", help="say each line of TEXTS_FILE: one file per line plus a zip")
    batch.add_argument("voice_id")
    batch.add_argument("texts_file", type=Path)
    batch.add_argument("-o", "--output", type=Path, required=True, help="folder for the files and batch.zip")
    _speech_options(batch)

    challenge = commands.add_parser("consent", help="voice-verified consent: a challenge to read aloud")
    challenge.add_argument("action", choices=["challenge"])
    challenge.add_argument("--language", default="en", help="the voice's language (default en)")
    commands.add_parser("history", help="what was done with your data (your audit log)")
    commands.add_parser("usage", help="your receipts: when and where your voices spoke, and how much")
    forget = commands.add_parser(
        "forget", help="delete everything kept for you: voices, samples, speech, jobs"
    )
    forget.add_argument("--yes", action="store_true", help="confirm: this cannot be undone")

    job = commands.add_parser("job", help="status or cancel of one of your jobs")
    job_actions = job.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action in ("status", "cancel"):
        job_actions.add_parser(action, help=f"{action} a job").add_argument("job_id")


def _speech_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--speed", type=float, default=1.0)
    parser.add_argument("--pitch", type=float, default=0.0, help="semitones, -12..+12")
    parser.add_argument("--emotion", default="neutral", choices=EMOTIONS)
    parser.add_argument("--format", dest="output_format", default="mp3", choices=FORMATS)
    parser.add_argument("--sample-rate", type=int, default=44100, choices=SAMPLE_RATES)
    parser.add_argument("--language", help="language to speak (default: the voice's first)")


class _Bar:
    """A progress bar on stderr when it is a terminal; silent when piped. Fed the job's events."""

    def __init__(self) -> None:
        self.live = sys.stderr.isatty()

    def event(self, event: Any) -> None:
        if event.type == "progress":
            self(event.data["step"], event.data["percent"])
        elif event.type == "queued":
            self("queued", 0.0)

    def __call__(self, step: str, percent: float) -> None:
        if self.live:
            filled = int(percent / 5)
            sys.stderr.write(f"\r[{'#' * filled}{' ' * (20 - filled)}] {percent:5.1f}% {step:<28}")
            sys.stderr.flush()
            if percent >= 100:
                sys.stderr.write("\n")


def run_command(args: argparse.Namespace, config: Config) -> int:
    return asyncio.run(_run(args, config))


async def _run(args: argparse.Namespace, config: Config) -> int:
    from bot.app import open_context
    from engine.errors import AudioError
    from handlers.errors import Refusal
    from handlers.messages import spoken, unexpected
    from storage.files import no_room

    args.default_voice_type = config.voices.default_voice_type
    if args.command == "forget" and not args.yes:
        return fail(
            "invalid_request", "This deletes every voice, sample and speech file kept for you; add --yes."
        )
    try:
        request = _request(args, config)
    except RequestError as exc:
        return fail("invalid_request", str(exc))
    except AudioError as exc:
        return fail(exc.code, exc.message)
    args.locale = user_locale()
    async with open_context(config) as ctx:
        user = await ctx.storage.users.get_or_create("cli", getpass.getuser())
        try:
            result = await _dispatch(args, ctx, user.id, request)
        except (Refusal, AudioError) as exc:
            # a refusal is already in the person's words; an engine's error is said in them
            said = spoken(args.locale, exc) if isinstance(exc, AudioError) else exc.message
            details = getattr(exc, "details", None)
            return fail(exc.code, said, **({"leftOut": details} if details else {}))
        except OSError as exc:
            if not no_room(exc):
                raise
            return fail("storage_full", unexpected(args.locale, exc))
    emit(result)
    return 0


def _request(args: argparse.Namespace, config: Config) -> Any:
    """Validate the arguments before any model is loaded."""
    if args.command == "voice" and args.action == "create":
        from bot.cli.requests import analysis_request

        return analysis_request(args, config)
    if args.command in ("speak", "batch"):
        from engine.speech.render import SpeechOptions

        return SpeechOptions(args.speed, args.pitch, args.emotion, args.output_format, args.sample_rate)
    return None


def _save_batch(result: dict[str, Any], folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for item in result["items"]:
        shutil.copyfile(item["path"], folder / item["filename"])
        item["output"] = str(folder / item["filename"])
    shutil.copyfile(result["zip"], folder / "batch.zip")
    result["zip"] = str(folder / "batch.zip")


async def _dispatch(args: argparse.Namespace, ctx: Any, owner_id: int, request: Any) -> dict[str, Any]:
    from handlers import jobs, privacy, receipts, speech, voice_consent, voices
    from handlers.samples import SampleMeta

    if args.command == "speak":
        queued = await speech.submit_speech(
            ctx, owner_id, args.voice_id, args.text, request, args.language, where=CLI, locale=args.locale
        )
        result = await jobs.wait_result(ctx, owner_id, queued["jobId"], _Bar().event, args.locale)
        result = {"text": args.text, **result}
        if args.output:
            shutil.copyfile(result["path"], args.output)
            result["output"] = str(args.output)
        return result
    if args.command == "batch":
        lines = (await asyncio.to_thread(args.texts_file.read_text, encoding="utf-8")).splitlines()
        queued = await speech.submit_batch(
            ctx, owner_id, args.voice_id, lines, request, args.language, where=CLI, locale=args.locale
        )
        result = await jobs.wait_result(ctx, owner_id, queued["jobId"], _Bar().event, args.locale)
        await asyncio.to_thread(_save_batch, result, args.output)
        return result
    if args.command == "consent":
        return await voice_consent.new_challenge(ctx, owner_id, args.language)
    if args.command == "history":
        return await privacy.history(ctx, owner_id)
    if args.command == "usage":
        return await receipts.listed(ctx, owner_id)
    if args.command == "forget":
        return await privacy.forget(ctx, owner_id)
    if args.command == "job":
        if args.action == "cancel":
            return await jobs.cancel_job(ctx, owner_id, args.job_id)
        return await jobs.job_status(ctx, owner_id, args.job_id)
    if args.action == "create":
        uploads = [
            voices.Upload(ref.path.name, ref.path, SampleMeta(ref.transcript, ref.language, ref.emotion))
            for ref in request.samples
        ]
        queued = await voices.submit_voice(
            ctx,
            owner_id,
            name=args.name,
            language=request.language,
            voice_type=request.voice_type or args.default_voice_type,
            uploads=uploads,
            consent_statement=args.consent,
            cleaning=request.options,
            consistency_threshold=request.threshold,
            engine=args.engine,
            challenge_id=args.challenge,
            consent_recording=args.consent_recording,
            locale=args.locale,
        )
        if not args.wait:
            if not await ctx.engine.queue.live_workers():
                sys.stderr.write("Queued. No worker is running: start `voicebot worker`, or use --wait.\n")
            return queued
        return await jobs.wait_result(ctx, owner_id, queued["jobId"], _Bar().event, args.locale)
    if args.action == "status":
        return await voices.voice_status(ctx, owner_id, args.voice_id)
    if args.action == "delete":
        return await voices.delete_voice(ctx, owner_id, args.voice_id)
    if args.action == "renew":
        return await voices.renew_voice(ctx, owner_id, args.voice_id)
    return await voices.list_voices(ctx, owner_id)
