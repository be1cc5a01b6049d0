"""What each benchmark's printed JSON says, as table rows: (measure, figure, target, met, elsewhere).

``met`` is None where there is no target. "Elsewhere" holds only what a source says (named), never a
guess; an empty one is shown as "—".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Row = tuple[str, str, str, bool | None, str]
Figures = Callable[[list[list[dict]]], tuple[list[Row], list[str]]]

XTTS_GPU = "XTTS-v2, real weights on a GPU with DeepSpeed: RTF 0.25, first chunk 212 ms (Coqui, huggingface.co/coqui/XTTS-v2 discussion 10)"  # noqa: E501
TELEGRAM_LIMITS = "Telegram: about 1 message a second per chat, 30 a second in all (Bot API FAQ)"
DISCORD_DEADLINE = "Discord: an interaction must be answered within 3 s (its API documentation)"


@dataclass(frozen=True)
class Bench:
    name: str
    title: str
    runs: list[tuple[str, list[str]]]  # (label, the script and its arguments)
    figures: Figures
    timeout_s: float = 3600


def _find(objects: list[dict], key: str) -> dict:
    """The last printed object that has ``key``."""
    return next((o for o in reversed(objects) if key in o), {})


def _fraction(text: str) -> tuple[int, int]:
    a, b = text.split("/")
    return int(a), int(b)


def ingest(outs):
    rows = []
    for out in outs:
        r = out[-1]
        kind = "the short prompt files" if r["note_seconds"] <= 0 else f"{r['note_seconds']:g} s notes"
        kind += " + removeNoise" if r["remove_noise"] else ""
        x = r["x_real_time_median"]
        rows.append(
            (
                f"ingest, {kind} ({r['files']} files, {r['audio_seconds']:g} s), one core",
                f"{x:g}× real time",
                "≥ 50×",
                x >= 50,
                "",
            )
        )
    return rows, [
        "Median of 3 timed runs after a warm-up: decode, VAD, cleaning, measures, speaker embedding."
    ]


def cleaning(outs):
    r = outs[0][-1]
    noise = r["removeNoise"]
    rows = [
        (
            "removeNoise: SNR of 12 dB noisy speech",
            f"{noise['snr_before_db']} → {noise['snr_after_db']} dB",
            "",
            None,
            "",
        ),
        (
            "removeNoise: signal-to-error against the clean speech",
            f"{noise['signal_to_error_before_db']} → {noise['signal_to_error_after_db']} dB",
            "higher after",
            noise["signal_to_error_after_db"] > noise["signal_to_error_before_db"],
            "",
        ),
        ("removeNoise speed, one core", f"{noise['x_real_time_one_core']}× real time", "", None, ""),
    ]
    for label, lufs in r["normalizeVolume_to_-23_LUFS"].items():
        rows.append(
            (f"normalizeVolume, {label}", f"{lufs} LUFS", "−23 ± 0.5 LUFS", abs(lufs + 23) <= 0.5, "")
        )
    return rows, []


def embedded(outs):
    rows = []
    for o in outs[0]:
        for name, r in o.items():
            if not isinstance(r, dict):
                rows.append((f"{name}: similarity (the ceiling)", f"{r}", "", None, ""))
                continue
            rows += [
                (
                    f"{name}: speaker similarity, mean (min)",
                    f"{r['similarity_mean']} ({r['similarity_min']})",
                    "≥ 0.75",
                    r["similarity_mean"] >= 0.75,
                    "",
                ),
                (
                    f"{name}: synthesis speed, one core",
                    f"{r['synthesis_x_real_time']}× real time",
                    "≥ 20×",
                    r["synthesis_x_real_time"] >= 20,
                    "",
                ),
                (
                    f"{name}: preparation",
                    f"{r['prepare_s']} s",
                    "≤ 10 s" if "instant" in name else "",
                    r["prepare_s"] <= 10 if "instant" in name else None,
                    "",
                ),
                (
                    f"{name}: content check, highest score",
                    f"{r['content_score_max']}",
                    f"< {r['content_threshold']}",
                    r["content_score_max"] < r["content_threshold"],
                    "",
                ),
            ]
    return rows, [
        "Similarity: resemblyzer embeddings of the engine's speech against the speaker's held-out clips."
    ]


def queue(outs):
    out = outs[0]
    over = _find(out, "median_ms")
    rows = [
        (
            "overhead per job (submit → claim → done → caller sees it), median / p95",
            f"{over['median_ms']} / {over['p95_ms']} ms",
            "",
            None,
            "",
        )
    ]
    for r in (o for o in out if "jobs_per_s" in o):
        work = f"{r['work_per_job_ms']:g} ms jobs" if r["work_per_job_ms"] else "no-op jobs"
        rows.append(
            (
                f"throughput, {work}, {r['workers']} worker process(es)",
                f"{r['jobs_per_s']} jobs/s",
                "",
                None,
                "",
            )
        )
        rows.append(
            (
                f"… each job once, caller's loop lag max ({work}, {r['workers']})",
                f"{r['succeeded_once']}/{r['jobs']}, {r['caller_loop_lag_max_ms']} ms",
                "all once",
                r["succeeded_once"] == r["jobs"],
                "",
            )
        )
    return rows, ["SQLite in WAL mode, every state change fsynced; stand-in jobs."]


def xtts(outs):
    r = outs[0][-1]
    rows = [
        ("load + warm-up", f"{r['load_and_warm_up_s']} s", "", None, ""),
        ("cloning: latents from 8 clips", f"{r['clone_8_clips_s']} s", "", None, ""),
        ("synthesis real-time factor, median", f"{r['synthesis_rtf_median']}", "", None, XTTS_GPU),
    ]
    if "finetune_premium_4_clips_s" in r:
        rows.append(
            (
                "fine-tuning, premium, 4 clips, incl. set-up",
                f"{r['finetune_premium_4_clips_s']} s",
                "",
                None,
                "",
            )
        )
    return rows, [
        f"Model: {r['model']}, on {r['device']} ({r['threads']} threads). The tiny random model"
        " measures the pipeline around the GPT, not XTTS-v2's own speed."
    ]


def telegram(outs):
    r = outs[0][-1]
    ratio = r["round_trip_over_engine_time_median"]
    return [
        (
            "speech round trip (update → voice note at the server), median",
            f"{r['speech_round_trip_s_median']} s",
            "",
            None,
            "",
        ),
        ("round trip ÷ the engine's own time", f"{ratio}", "≤ 1.05", ratio <= 1.05, ""),
        (
            "`/status` reply while 21 jobs run, p99",
            f"{r['status_latency_ms_p99']} ms",
            "≤ 50 ms",
            r["status_latency_ms_p99"] <= 50,
            TELEGRAM_LIMITS,
        ),
    ], []


def discord(outs):
    r = outs[0][-1]
    return [
        (
            "`/say` → first voice packet (in the channel), median",
            f"{r['first_packet_ms_median']} ms",
            "",
            None,
            "",
        ),
        (
            "… minus the engine's first sentence, median (max)",
            f"{r['over_first_sentence_ms_median']} ({r['over_first_sentence_ms_max']}) ms",
            "≤ 100 ms",
            r["over_first_sentence_ms_median"] <= 100,
            "",
        ),
        ("cold `/say` (joins the channel) → first packet", f"{r['cold_first_packet_ms']} ms", "", None, ""),
        (
            f"acknowledgement under 20 people ({r['acks_under_20_people']}), p99",
            f"{r['ack_ms_p99']} ms",
            "< 1000 ms",
            r["ack_ms_p99"] < 1000,
            DISCORD_DEADLINE,
        ),
    ], []


def watermark(outs):
    out = outs[0]
    carriers = [o for o in out if len(o) == 1 and isinstance(next(iter(o.values())), dict)
                and "none" in next(iter(o.values()))]  # fmt: skip
    rows = []
    treatments = list(next(iter(carriers[0].values()))) if carriers else []
    for treatment in treatments:
        hit = [_fraction(next(iter(c.values()))[treatment]["detected"]) for c in carriers]
        false = [_fraction(next(iter(c.values()))[treatment]["false_positives"]) for c in carriers]
        found, total = sum(a for a, _ in hit), sum(b for _, b in hit)
        wrong, asked = sum(a for a, _ in false), sum(b for _, b in false)
        rows.append((f"marked speech, {treatment}: detected", f"{found}/{total}", "all", found == total, ""))
        rows.append(
            (f"unmarked speech, {treatment}: taken as marked", f"{wrong}/{asked}", "0", wrong == 0, "")
        )
    every = _find(out, "every real clip, unmarked")["every real clip, unmarked"]
    wrong, asked = _fraction(every["false_positives"])
    rows.append(
        ("every real test clip ≥ 1 s, unmarked: taken as marked", f"{wrong}/{asked}", "0", wrong == 0, "")
    )
    cost = _find(out, "cost")["cost"]
    rows += [
        ("marking speed, one core", f"{cost['mark_x_real_time_one_core']}× real time", "", None, ""),
        (
            "speaker similarity lost to the mark, mean (max)",
            f"{cost['speaker_similarity_drop_mean']} ({cost['speaker_similarity_drop_max']})",
            "",
            None,
            "",
        ),
    ]
    return rows, [
        "Carriers: real speech of both test speakers and the embedded engine's sentences (resemble-perth)."
    ]


def speaker(outs):
    from engine.audio.speaker_check import THRESHOLD

    report = _find(outs[0], "speakers")
    rows = []
    for r in report.get("files (12 s; two low windows in a row decide)", []):
        default = " (the default)" if r["threshold"] == THRESHOLD else ""
        same, other, mixed = (
            _fraction(r[k])
            for k in ("one speaker, rejected", "another speaker, accepted", "11 s right + 12 s other, caught")
        )
        rows.append(
            (
                f"threshold {r['threshold']}{default}: a file of the right speaker rejected",
                f"{same[0]}/{same[1]}",
                "",
                None,
                "",
            )
        )
        rows.append(
            (
                f"threshold {r['threshold']}{default}: a file of another speaker accepted",
                f"{other[0]}/{other[1]}",
                "≤ 1 %" if default else "",
                other[0] <= other[1] / 100 if default else None,
                "",
            )
        )
        rows.append(
            (
                f"threshold {r['threshold']}{default}: half right, half another, caught",
                f"{mixed[0]}/{mixed[1]}",
                "",
                None,
                "",
            )
        )
    speakers = ", ".join(report.get("speakers", {}))
    return rows, [f"Speakers: {speakers}. Method: docs/audio-analysis.md."]


def code(outs):
    r = outs[0][-1]
    right, asked = _fraction(r["right code accepted"])
    wrong, _ = _fraction(r["another code accepted"])
    return [
        ("spoken code: the right code accepted", r["right code accepted"], "all", right == asked, ""),
        ("spoken code: another code accepted", r["another code accepted"], "0", wrong == 0, ""),
        ("every digit heard right", r["every digit heard right"], "", None, ""),
        ("time per check", f"{r['seconds per check']} s", "", None, ""),
    ], []


def http(outs):
    r = outs[0][-1]
    status = r["status"]
    rows = [
        (
            f"`GET …/status`, {status['concurrency']} keep-alive clients",
            f"{status['rps']} requests/s, p50 {status['p50_ms']} ms, p99 {status['p99_ms']} ms",
            "",
            None,
            "",
        ),
        (
            "the engine alone: first sentence (synthesis + watermark)",
            f"{r['engine_first_sentence_ms']} ms",
            "",
            None,
            "",
        ),
    ]
    for fmt in ("pcm", "mp3"):
        alone = r[f"alone_{fmt}"]
        over = alone["median_over_engine_ms"]
        rows.append(
            (
                f"`/v1/audio/speech` `{fmt}`: first byte over the engine's first sentence, median",
                f"{over:+} ms (first bytes {', '.join(map(str, alone['first_byte_ms']))} ms)",
                "≤ 50 ms",
                over <= 50,
                "",
            )
        )
    eight = r["eight_streams"]
    rows.append(
        (
            "8 streams at once: every first byte before any end",
            f"last first byte {max(eight['first_byte_s'])} s, first end {min(eight['end_s'])} s",
            "yes",
            eight["fair"],
            "",
        )
    )
    return rows, []


def pool(outs):
    results = _find(outs[0], "results")["results"]
    rows = []
    for r in results:
        db = "PostgreSQL + Procrastinate" if r["database"] == "postgresql" else "SQLite"
        rows.append(
            (
                f"{db}, {r['workers']} workers: jobs/s (speed-up)",
                f"{r['jobs_per_s']} ({r['speedup']}×)",
                "≥ 3.2× at 4" if r["workers"] == 4 else "",
                r["speedup"] >= 3.2 if r["workers"] == 4 else None,
                "",
            )
        )
        target = r["database"] == "postgresql"
        rows.append(
            (
                f"{db}, {r['workers']} workers: chunk → caller p99, done once",
                f"{r['chunk_to_caller_p99_ms']} ms, {r['succeeded_once']}/{r['jobs']}",
                "≤ 20 ms" if target else "",
                r["chunk_to_caller_p99_ms"] <= 20 if target else None,
                "",
            )
        )
    return rows, [
        "300 stand-in jobs of 50 ms, all watched by one caller; PostgreSQL 16 from the pgserver wheel."
    ]


def check(outs):
    results = _find(outs[0], "results")["results"]
    return [
        (
            f"a voice note answered, {r['setup']}: median (p90)",
            f"{r['median_s']} ({r['p90_s']}) s",
            "",
            None,
            "",
        )
        for r in results
    ], []


def _single(name: str, title: str, figures: Figures) -> Bench:
    """A benchmark that is one script, ``bench/NAME_bench.py``, run once without arguments."""
    script = f"bench/{name}_bench.py"
    return Bench(name, f"{title} (`{script}`)", [("", [script])], figures)


BENCHES = [
    Bench(
        "ingest",
        "Ingest + clean + analyse (`bench/ingest_bench.py`)",
        [
            ("short prompts", ["bench/ingest_bench.py", "--minutes", "10", "--note-seconds", "0"]),
            ("10 s notes", ["bench/ingest_bench.py", "--minutes", "10", "--note-seconds", "10"]),
            ("30 s notes", ["bench/ingest_bench.py", "--minutes", "10", "--note-seconds", "30"]),
            ("120 s notes", ["bench/ingest_bench.py", "--minutes", "10", "--note-seconds", "120"]),
            ("30 s notes, removeNoise", ["bench/ingest_bench.py", "--minutes", "10", "--remove-noise"]),
        ],
        ingest,
    ),
    _single("cleaning", "What cleaning does", cleaning),
    _single("embedded", "Embedded engine", embedded),
    _single("queue", "Job queue and worker", queue),
    _single("xtts", "XTTS engine", xtts),
    _single("telegram", "Telegram end to end", telegram),
    _single("discord", "Discord end to end", discord),
    _single("watermark", "Watermark", watermark),
    _single("speaker", "Speaker check", speaker),
    _single("code", "Spoken code check", code),
    _single("http", "HTTP API", http),
    _single("pool", "The queue of a pool", pool),
    _single("check", "A voice note checked by a worker", check),
]
