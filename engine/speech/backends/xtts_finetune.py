"""Fine-tuning XTTS's GPT on one voice (premium / professional), with coqui's GPT trainer.

The run lives in a work folder the caller keeps (the voice's folder in the file store): a crash
resumes from the last checkpoint there; a stop request saves one first. Only the GPT changes, so the
result is the GPT's weights, swapped in when the voice speaks.
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from engine.speech.backends.base import EngineUnavailable

NEEDED = ("dvae.pth", "mel_stats.pth")  # besides the model itself
RATE = 22050
MIN_CLIP_S = 1.0
BATCH_SIZE = 2
SAVE_EVERY = 25  # steps between checkpoints


@dataclass(frozen=True, slots=True)
class Item:
    name: str  # shown to the user when left out
    audio: np.ndarray  # mono float32 at RATE
    text: str
    language: str


class StopTraining(Exception):
    """Raised from the step callback when the job is cancelled or the worker stops."""


def check_ready(model_dir: Path, gpt_parameters: int, device: str) -> None:
    """Refuse before starting when files or memory are missing (a clear message, not an OOM)."""
    missing = [name for name in NEEDED if not (model_dir / name).is_file()]
    if missing:
        raise EngineUnavailable(
            f"fine-tuning needs {' and '.join(missing)} next to the XTTS model in {model_dir} "
            "(from the XTTS-v2 release); the voice keeps its zero-shot cloning"
        )
    # Weights, gradients and two Adam moments in fp32, plus a margin for activations.
    needed = gpt_parameters * 16 * 1.5 + 512 * 1024**2
    if device == "cuda":
        import torch

        free = torch.cuda.mem_get_info()[0]
        where = "GPU memory"
    else:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        where = "free memory"
    if needed > free:
        raise EngineUnavailable(
            f"fine-tuning this model needs about {needed / 1024**3:.1f} GiB of {where}; "
            f"{free / 1024**3:.1f} GiB is available"
        )


def usable(items: Sequence[Item], max_seconds: float) -> tuple[list[Item], list[str]]:
    """Items the trainer can use, and the names of the others with why."""
    kept, left_out = [], []
    for item in items:
        seconds = len(item.audio) / RATE
        if not item.text.strip():
            left_out.append(f"{item.name}: no transcript")
        elif seconds < MIN_CLIP_S or seconds > max_seconds:
            left_out.append(
                f"{item.name}: {seconds:.1f} s (fine-tuning takes {MIN_CLIP_S:.0f}–{max_seconds:.0f} s)"
            )
        else:
            kept.append(item)
    return kept, left_out


def finetune(
    model_dir: Path,
    work_dir: Path,
    items: Sequence[Item],
    *,
    epochs: int,
    on_step: Callable[[int, int], None],
    should_stop: Callable[[], bool],
) -> bytes:
    """Train, resuming a run found in ``work_dir``; returns the GPT weights (``torch.save`` bytes)."""
    import torch
    from trainer import Trainer, TrainerArgs
    from TTS.tts.configs.xtts_config import XttsAudioConfig, XttsConfig
    from TTS.tts.layers.xtts.trainer.gpt_trainer import GPTArgs, GPTTrainer, GPTTrainerConfig

    base = XttsConfig()
    base.load_json(str(model_dir / "config.json"))
    args = GPTArgs(
        **{k: v for k, v in base.model_args.to_dict().items() if k in GPTArgs.__dataclass_fields__}
    )
    args.max_conditioning_length, args.min_conditioning_length = 6 * RATE, int(0.5 * RATE)
    args.max_wav_length = max_samples(base)
    args.max_text_length = 200
    args.mel_norm_file, args.dvae_checkpoint = str(model_dir / "mel_stats.pth"), str(model_dir / "dvae.pth")
    args.xtts_checkpoint, args.tokenizer_file = str(model_dir / "model.pth"), str(model_dir / "vocab.json")

    wavs = work_dir / "wavs"
    wavs.mkdir(parents=True, exist_ok=True)
    samples = []
    for index, item in enumerate(items):
        path = wavs / f"item_{index:03d}.wav"
        if not path.exists():
            soundfile.write(path, item.audio, RATE, subtype="PCM_16")
        samples.append(
            {
                "text": item.text,
                "audio_file": str(path),
                "speaker_name": "voice",
                "language": item.language,
                "root_path": str(work_dir),
                "audio_unique_name": path.stem,
            }
        )
    config = GPTTrainerConfig(
        epochs=epochs,
        output_path=str(work_dir / "run"),
        model_args=args,
        run_name="voice",
        project_name="voicebot",
        dashboard_logger="tensorboard",
        audio=XttsAudioConfig(sample_rate=RATE, dvae_sample_rate=RATE, output_sample_rate=24000),
        batch_size=BATCH_SIZE,
        eval_batch_size=BATCH_SIZE,
        batch_group_size=0,
        num_loader_workers=0,
        num_eval_loader_workers=0,
        print_step=50,
        plot_step=10**9,
        log_model_step=10**9,
        save_step=SAVE_EVERY,
        save_n_checkpoints=1,
        save_checkpoints=True,
        print_eval=False,
        run_eval=False,
        optimizer="AdamW",
        optimizer_wd_only_on_weights=True,
        optimizer_params={"betas": [0.9, 0.96], "eps": 1e-8, "weight_decay": 1e-2},
        lr=5e-6,
        lr_scheduler="MultiStepLR",
        lr_scheduler_params={"milestones": [10**9], "gamma": 0.5, "last_epoch": -1},
        test_sentences=[],
    )
    total = epochs * math.ceil(len(samples) / BATCH_SIZE)

    def step_end(trainer: Trainer) -> None:
        on_step(trainer.total_steps_done, total)
        if should_stop():
            trainer.save_checkpoint()  # the next try resumes here
            raise StopTraining

    # The trainer's dataset reads clips with torchaudio.load, which needs FFmpeg's shared libraries
    # from torch 2.9 on; we wrote those WAVs ourselves, so soundfile reads them anywhere.
    from TTS.tts.layers.xtts.trainer import dataset

    dataset.load_audio = _load_wav
    previous = _last_run(work_dir / "run")
    trainer = Trainer(
        TrainerArgs(continue_path=str(previous) if previous else "", grad_accum_steps=1),
        config,
        output_path=str(work_dir / "run"),
        model=GPTTrainer(config),
        train_samples=samples,
        eval_samples=samples[:1],
        callbacks={"on_train_step_end": step_end},
    )
    trainer._fit()  # not fit(): that one calls sys.exit on any error
    state = {
        k: v.half() if v.is_floating_point() else v for k, v in trainer.model.xtts.gpt.state_dict().items()
    }
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def _load_wav(path: str, rate: int):
    import torch

    audio, source_rate = soundfile.read(path, dtype="float32", always_2d=True)
    mono = audio.mean(axis=1)
    if source_rate != rate:
        from engine.audio.speaker import resample

        mono = resample(mono, source_rate, rate)
    return torch.from_numpy(np.clip(mono, -1.0, 1.0)).unsqueeze(0)


def max_samples(config) -> int:
    """Longest clip the GPT's position table holds (coqui's default cap is ~11.6 s)."""
    return min(
        255995, (int(config.model_args.gpt_max_audio_tokens) - 3) * int(config.model_args.gpt_code_stride_len)
    )


def _last_run(runs: Path) -> Path | None:
    """The run folder holding a checkpoint to resume from, if a previous try left one."""
    if not runs.is_dir():
        return None
    found = [p.parent for p in runs.glob("*/checkpoint_*.pth")] + [
        p.parent for p in runs.glob("*/best_model*.pth")
    ]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None
