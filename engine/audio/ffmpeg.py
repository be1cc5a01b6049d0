"""The ffmpeg executable from the imageio-ffmpeg wheel, for encoding what we produce (uploads are read
in-process: ``engine.audio.decode``).

Every run has ``-nostdin``, a wall-clock timeout that kills it, a CPU-time limit, and a zero
file-size limit (it may write only to its pipe).
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import subprocess
from functools import cache

from engine.errors import EncodeTimeoutError


@cache
def ffmpeg_exe() -> str:
    """The bundled ffmpeg (``IMAGEIO_FFMPEG_EXE`` may point elsewhere)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def limit_process(pid: int, cpu_seconds: int) -> None:
    """CPU-time and file-size limits on the running ffmpeg (set just after spawn: a ``preexec_fn``
    would force a full fork of this process, ~30 ms with torch loaded, instead of vfork)."""
    if not hasattr(resource, "prlimit"):  # not Linux: the wall-clock timeout still applies
        return
    try:
        resource.prlimit(pid, resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (0, 0))
    except ProcessLookupError:  # already finished
        pass


def run_ffmpeg(args: list[str], timeout_s: float) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg with the hardening flags; kill it and what it started (and raise) when the
    timeout passes."""
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-nostats", *args]
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    limit_process(proc.pid, int(timeout_s) + 1)
    try:
        out, err = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):  # its whole session: nothing it started lives on
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise EncodeTimeoutError(
            f"Making the audio took longer than {timeout_s:g} s and was stopped.", limit_s=timeout_s
        ) from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)
