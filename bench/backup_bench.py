"""The backup's memory stays flat: the peak resident memory of sealing an upload directory of
200 MiB into an archive and reading it back through every chunk (``clinic.backup``'s tar →
gzip → sealed chunks → file, and back) ÷ the same for 20 MiB (limit 1.1).

Each size runs in a process of its own (``python -m bench.backup_bench MIB``), so that its
peak (``VmHWM``) is its own; the files are random bytes, which gzip cannot shrink, like the
photos and scans the uploads are. Only the archive is measured, not the database's rows: the
rows are written one at a time into temporary files either way.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import result

SMALL, LARGE = 20, 200  # MiB of uploads
FILE_MIB = 5
LIMIT = 1.1


def _peak_mib() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def measure(mib: int) -> dict[str, float]:
    """Seal ``mib`` MiB of uploads and read the archive through: peak memory and seconds."""
    import django  # noqa: PLC0415  (the child process sets Django up itself)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")
    django.setup()
    import gzip  # noqa: PLC0415
    import tarfile  # noqa: PLC0415

    from clinic.backup import _write_archive  # noqa: PLC0415
    from clinic.lib.sealed import OpeningReader  # noqa: PLC0415

    key = os.urandom(32)
    with tempfile.TemporaryDirectory() as root:
        work, media = Path(root) / "work", Path(root) / "media"
        (work / "data").mkdir(parents=True)
        (work / "manifest.json").write_text("{}")
        for number in range(mib // FILE_MIB):
            folder = media / "cases" / str(number % 10)
            folder.mkdir(parents=True, exist_ok=True)
            with (folder / f"{number}.jpg").open("wb") as out:
                for _ in range(FILE_MIB):
                    out.write(os.urandom(1024 * 1024))
        archive = Path(root) / "clinic.sealed"
        started = time.perf_counter()
        with archive.open("wb") as out:
            _write_archive(out, key, work, media)
        with (
            archive.open("rb") as raw,
            gzip.GzipFile(fileobj=OpeningReader(raw, key)) as packed,
            tarfile.open(fileobj=packed, mode="r|") as tar,
        ):
            for member in tar:
                content = tar.extractfile(member)
                while content is not None and content.read(1024 * 1024):
                    pass
        seconds = time.perf_counter() - started
        return {
            "peak_mib": _peak_mib(),
            "seconds": seconds,
            "size_mib": archive.stat().st_size / 2**20,
        }


def _child(mib: int) -> dict[str, float]:
    done = subprocess.run(  # noqa: S603  (this module, by the running interpreter)
        [sys.executable, "-m", "bench.backup_bench", str(mib)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def run() -> list[dict[str, Any]]:
    small, large = _child(SMALL), _child(LARGE)
    return [
        result(
            f"backup_peak_memory_{LARGE}_vs_{SMALL}_mib",
            large["peak_mib"],
            small["peak_mib"],
            LIMIT,
            "MiB peak RSS",
        )
    ]


if __name__ == "__main__":
    print(json.dumps(measure(int(sys.argv[1]))))
