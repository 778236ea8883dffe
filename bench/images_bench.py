"""Peak memory and time of Warta's image work, each measured in a separate child process.

Run: ``python3 -m uv run python bench/images_bench.py [--runs 5] [--no-heic]``

Generates its photos in a temporary folder (no downloads):

- a 14400x14400 PNG (207 MP, about 630 KB: the "one small image" of issue 13),
- a 16330x12250 JPEG (200 MP, a phone's 200 MP mode: gradients and noise),
- a 6000x4000 JPEG (24 MP, about 13 MB, with EXIF orientation and GPS),
- a 6320x4740 HEIC (30 MP, ``WARTA_HEIC_MAX_PIXELS``: the largest HEIC accepted).

For each, one child process (Django set up as in a worker, every job module imported) does what
the web process does at upload (``newsroom.uploads.check_image``: header, limits, a streamed
decode of every pixel) and another does what the worker's job does (``images.renditions.render``
of all 12 renditions: 4 srcset widths in WebP and JPEG, Instagram 4:5 and 1:1, Facebook, X).
Each child's peak RSS is the kernel's high-water mark of that process (``VmHWM`` in
``/proc/<pid>/status``, read as it ends; ``ru_maxrss`` would include the parent's memory at the
fork), next to the same process's RSS before touching the image (Django and libraries loaded).
The 24 MP photo's renditions are timed over several runs in one child pinned to one CPU.

Goals (issue 13): peak RSS < 300 MB for each 200 MP photo; the 24 MP photo's 12 renditions < 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_RSS_MB = 300
GOAL_SECONDS = 1.0


# --- the photos ------------------------------------------------------------------------------
def write_photos(folder: Path, heic: bool) -> dict[str, Path]:
    """The test photos, made as streams (the parent never holds a 200 MP bitmap either)."""
    import pyvips

    from images.tests.helpers import flat_png

    photos = {"207 MP PNG": folder / "big.png"}
    photos["207 MP PNG"].write_bytes(flat_png(14400, 14400))
    width, height = 16330, 12250
    xyz = pyvips.Image.xyz(width, height)
    noise = pyvips.Image.gaussnoise(width, height, sigma=6)
    bands = [
        (xyz[0] * 255 / width + noise).cast("uchar"),
        (xyz[1] * 255 / height + noise).cast("uchar"),
        ((xyz[0] + xyz[1]) * 128 / (width + height) + noise).cast("uchar"),
    ]
    photos["200 MP JPEG"] = folder / "big.jpg"
    bands[0].bandjoin(bands[1:]).jpegsave(str(photos["200 MP JPEG"]), Q=85)
    photos["24 MP JPEG"] = folder / "phone.jpg"
    photos["24 MP JPEG"].write_bytes(phone_photo())
    if heic:
        photos["30 MP HEIC"] = folder / "phone.heic"
        photos["30 MP HEIC"].write_bytes(heic_photo(6320, 4740))
    return photos


def phone_photo(width: int = 6000, height: int = 4000) -> bytes:
    """A realistic-looking 24 MP JPEG: colour gradients plus Gaussian noise (so it is not
    trivially compressible, about 13 MB like a phone's), with EXIF orientation and GPS."""
    import io

    from PIL import Image, ImageChops

    red = Image.linear_gradient("L").resize((width, height))
    green = Image.radial_gradient("L").resize((width, height))
    blue = red.transpose(Image.Transpose.ROTATE_180)
    base = Image.merge("RGB", (red, green, blue))
    noise = Image.merge(
        "RGB", [Image.effect_noise((width, height), sigma) for sigma in (48, 56, 64)]
    )
    picture = ImageChops.blend(base, noise, 0.35)
    exif = Image.Exif()
    exif[0x0112] = 1
    exif.get_ifd(0x8825).update({1: "S", 2: (5.0, 25.0, 0.0), 3: "E", 4: (105.0, 16.0, 0.0)})
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=92, exif=exif.tobytes())
    return buffer.getvalue()


def heic_photo(width: int, height: int) -> bytes:
    """A HEIC of gradients (x265's fastest preset: encoding is not what is measured)."""
    import io

    from PIL import Image
    from pillow_heif import register_heif_opener

    register_heif_opener()
    red = Image.linear_gradient("L").resize((width, height))
    green = Image.radial_gradient("L").resize((width, height))
    picture = Image.merge("RGB", (red, green, red.transpose(Image.Transpose.ROTATE_180)))
    buffer = io.BytesIO()
    picture.save(buffer, "HEIF", quality=60, enc_params={"preset": "ultrafast"})
    return buffer.getvalue()


# --- the children ----------------------------------------------------------------------------
def child(task: str, path: str, runs: int) -> None:
    """In the child: set up Django like a worker, note the RSS, do the task, print JSON."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "warta.settings")
    import django

    django.setup()
    from django.utils.module_loading import autodiscover_modules

    autodiscover_modules("tasks")  # as run_huey does: every job module loaded
    from images import renditions

    before = _status_mb("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    timings: list[float] = []
    cpu_timings: list[float] = []
    if task == "upload":
        from django.core.files.uploadedfile import TemporaryUploadedFile

        from newsroom.uploads import check_image

        upload = TemporaryUploadedFile(Path(path).name, "application/octet-stream", 0, None)
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                upload.write(chunk)
        upload.size = upload.tell()
        upload.seek(0)
        checked = check_image(upload)
        detail = f"{checked.content_type} {checked.width}x{checked.height}"
    else:
        from images import decode

        width, height = decode.read_header(path).upright
        specs = renditions._all_specs(width, height)
        if task == "timed" and hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        for _run in range(runs):
            run_started, run_cpu = time.perf_counter(), time.process_time()
            encoded = renditions.render(path, specs, 0.5, 0.5)
            timings.append(time.perf_counter() - run_started)
            cpu_timings.append(time.process_time() - run_cpu)
        detail = f"{len(encoded)} renditions, {sum(map(len, encoded)) // 1024} KB"
    print(
        json.dumps(
            {
                "before_mb": before,
                "seconds": time.perf_counter() - started,
                "cpu": time.process_time() - cpu,
                "timings": timings,
                "cpu_timings": cpu_timings,
                "detail": detail,
                "peak_mb": _status_mb("VmHWM"),
            }
        )
    )


def _status_mb(field: str) -> float:
    """A memory figure of this process from the kernel (kB in /proc/self/status)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def measure(task: str, path: Path, runs: int = 1) -> dict[str, float | str | list[float]]:
    """Run one child process and return what it measured of itself."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, __file__, "--child", task, str(path), "--runs", str(runs)]
    done = subprocess.run(command, stdout=subprocess.PIPE, cwd=ROOT, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"child {task} {path.name} failed ({done.returncode})")
    result: dict[str, float | str | list[float]] = json.loads(
        done.stdout.decode().strip().splitlines()[-1]
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-heic", action="store_true", help="skip the (slow to make) HEIC")
    parser.add_argument("--child", nargs=2, metavar=("TASK", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("WARTA_VAR_DIR", tempfile.mkdtemp(prefix="warta-bench-"))
    if args.child:
        child(args.child[0], args.child[1], args.runs)
        return 0
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="warta-images-bench-") as folder:
        made = time.perf_counter()
        photos = write_photos(Path(folder), heic=not args.no_heic)
        print(f"photos made in {time.perf_counter() - made:.0f} s (not measured)")
        worst = 0.0
        for label, path in photos.items():
            size = path.stat().st_size / 1e6
            for task, role in (("upload", "web: upload check"), ("render", "worker: renditions")):
                result = measure(task, path)
                if label.startswith("20"):
                    worst = max(worst, float(result["peak_mb"]))
                print(
                    f"{label:11} {size:6.1f} MB  {role:20} peak RSS {result['peak_mb']:4.0f} MB "
                    f"(before the image {result['before_mb']:3.0f} MB)  "
                    f"{result['seconds']:5.2f} s, CPU {result['cpu']:5.2f} s  {result['detail']}"
                )
        timed = measure("timed", photos["24 MP JPEG"], args.runs)
        timings = list(timed["timings"])  # type: ignore[arg-type]
        cpu = list(timed["cpu_timings"])  # type: ignore[arg-type]
        print(
            f"24 MP JPEG, 12 renditions on one CPU, {args.runs} runs: "
            f"min {min(timings):.3f} s, median {statistics.median(timings):.3f} s, "
            f"max {max(timings):.3f} s (goal < {GOAL_SECONDS} s); "
            f"CPU time min {min(cpu):.3f} s, median {statistics.median(cpu):.3f} s"
        )
        print(
            f"200 MP photos: highest peak RSS {worst:.0f} MB (goal < {GOAL_RSS_MB} MB); "
            f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
