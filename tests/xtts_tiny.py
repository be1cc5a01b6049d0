"""A tiny, randomly initialised XTTS-v2 model directory for tests and benchmarks (never committed).

Same files and loading path as the real model (``config.json``, ``model.pth``, ``vocab.json``, plus
``dvae.pth`` and ``mel_stats.pth`` for fine-tuning); only the GPT is shrunk (2 layers, 64 channels,
256 audio tokens ≈ 12 s). HiFi-GAN, the speaker encoder and the DVAE keep their real shapes, so the
folder is ~250 MB.
Random weights never emit the stop token: callers must bound ``max_new_tokens``.
"""

from __future__ import annotations

import json
import string
from pathlib import Path

SPECIALS = ["[STOP]", "[UNK]", "[SPACE]", "[START]"]
LANGUAGE_TOKENS = ["[en]", "[es]", "[fr]", "[de]", "[it]", "[pt]", "[ja]", "[ko]", "[zh-cn]"]
CHARACTERS = list(string.ascii_lowercase + string.digits + ".,!?'-:;\"()") + list("àèéìòùáíóúñçäöüßâêîôûãõ")


def build(folder: Path) -> Path:
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from TTS.tts.configs.xtts_config import XttsConfig
    from TTS.tts.layers.xtts.dvae import DiscreteVAE
    from TTS.tts.layers.xtts.tokenizer import VoiceBpeTokenizer
    from TTS.tts.models.xtts import Xtts

    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    vocab = {token: i for i, token in enumerate(SPECIALS + LANGUAGE_TOKENS + CHARACTERS)}
    tokenizer = Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token="[UNK]"))
    tokenizer.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer.add_special_tokens(SPECIALS + LANGUAGE_TOKENS)
    tokenizer.save(str(folder / "vocab.json"))

    config = XttsConfig()
    config.model_args.gpt_layers = 2
    config.model_args.gpt_n_model_channels = 64
    config.model_args.gpt_n_heads = 4
    config.model_args.decoder_input_dim = 64
    config.model_args.gpt_max_audio_tokens = 256
    config.model_args.gpt_num_audio_tokens = 1026
    config.model_args.gpt_start_audio_token = 1024
    config.model_args.gpt_stop_audio_token = 1025
    config.model_args.gpt_use_perceiver_resampler = True
    config.languages = ["en", "es", "fr", "de", "it", "pt", "ja", "ko", "zh-cn"]
    model = Xtts(config)
    model.tokenizer = VoiceBpeTokenizer(str(folder / "vocab.json"))
    model.init_models()
    torch.save(
        {"model": {k: v.half() if v.is_floating_point() else v for k, v in model.state_dict().items()}},
        folder / "model.pth",
    )
    (folder / "config.json").write_text(json.dumps(config.to_dict(), indent=2))

    dvae = DiscreteVAE(
        channels=80,
        normalization=None,
        positional_dims=1,
        num_tokens=1024,
        codebook_dim=512,
        hidden_dim=512,
        num_resnet_blocks=3,
        kernel_size=3,
        num_layers=2,
        use_transposed_convs=False,
    )
    torch.save(dvae.state_dict(), folder / "dvae.pth")
    torch.save(torch.ones(80), folder / "mel_stats.pth")
    return folder
