"""The hostile corpus (tests/hostile.py) through the real ``voicebot`` command in a French terminal
(``LANG=fr_FR.UTF-8``): each bad file is left out with its reason in French, the voice is made from
the honest ones only, a file alone that cannot be used is refused in French with nothing kept, and
every bad text is refused in French, by ``speak`` and by ``batch``; never a traceback."""

from __future__ import annotations

from handlers.voices import shown
from tests.audio import clips
from tests.bot.test_cli import run
from tests.bot.test_cli_voices import _challenge, _json
from tests.hostile import TEXTS, says, stored

FRENCH = {"LANG": "fr_FR.UTF-8"}


def _refused(result, code: str) -> str:
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-2000:]
    error = _json(result)["error"]
    assert error["code"] == code, error
    return error["message"]


def test_cli_leaves_out_every_hostile_file_in_french_and_refuses_every_bad_text(tmp_path, corpus):
    data, folder = tmp_path / "data", tmp_path / "sent"
    sent = []  # each in a folder of its own, under its own name (a path separator cannot be in one)
    for n, upload in enumerate(corpus):
        path = folder / f"{n:02d}" / upload.name.replace("/", "\u2215")
        path.parent.mkdir(parents=True)
        path.write_bytes(upload.data)
        sent.append((upload, path))

    def create(*files, wait: bool = True):
        options = ["--wait"] * wait + ["--name", f"Voix {len(files)}", "--type", "instant"]
        consent = ["--consent", "Je suis la personne qui parle et j'accepte.", *_challenge(data, tmp_path)]
        return run(
            "--data-dir", str(data), "voice", "create", *options, *consent, *map(str, files), env=FRENCH
        )

    (oversized,) = [path for upload, path in sent if upload.declared_size is not None]
    (empty,) = [path for upload, path in sent if not upload.data]
    alone = _refused(create(oversized, wait=False), "nothing_usable")
    assert says(alone, "nothing_usable_one") and says(alone, "file_too_large"), alone  # one file: singular
    assert says(_refused(create(empty, wait=False), "nothing_usable"), "empty_file")
    assert not [p for p in stored(data) if p.parts[0] in ("samples", "voices")]  # nothing kept

    honest = clips("allison_en")[:4]
    rest = [(u, p) for u, p in sent if p not in (oversized, empty)]
    made = create(*honest, *(p for _, p in rest))
    assert made.returncode == 0 and "Traceback" not in made.stderr, made.stdout + made.stderr[-2000:]
    voice = _json(made)
    assert voice["status"] == "completed", voice
    left = {entry["name"]: entry for entry in voice["leftOut"]}
    for upload, path in rest:
        entry = left.get(shown(path.name))
        if upload.refused is None:
            assert entry is None, (upload.label, entry)
        else:
            assert entry and entry["code"] in upload.refused, (upload.label, entry)
            assert any(says(entry["message"], key) for key in upload.refused), (upload.label, entry)
    kept = len(honest) + sum(u.refused is None for u, _ in rest)
    assert len(list((data / "files" / "samples").rglob("*.flac"))) == kept

    for label, text, refusal in TEXTS:
        if refusal is None:
            continue
        if "\x00" in text:  # not an argument a program can be given: a line of a batch file
            lines = tmp_path / "lines.txt"
            lines.write_text(text + "\n", encoding="utf-8")
            said = run(
                "--data-dir",
                str(data),
                "batch",
                voice["voiceId"],
                str(lines),
                "-o",
                str(tmp_path / "out"),
                env=FRENCH,
            )
        else:
            said = run("--data-dir", str(data), "speak", voice["voiceId"], text, env=FRENCH)
        assert says(_refused(said, "invalid_request"), refusal), (label, said.stdout)
    assert not (data / "files" / "outputs").exists() or not list((data / "files" / "outputs").rglob("*.*"))
