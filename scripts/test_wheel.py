"""`make test-wheel`: the wheel in `dist/` installed where no Rust toolchain is, on every
supported Python, and the sdist built into a working install.

For each of Python 3.11, 3.12 and 3.13: a fresh virtualenv whose PATH holds no cargo or rustc
installs the wheel with its `fastapi` extra, then `python -m dynomodel --version` must print
Cargo's version, the package must be imported from the virtualenv (not this source tree),
`examples/quickstart.py` must run on `memory://`, and a smoke subset of the test suite must
pass against the installed package. Then a virtualenv with Rust installs the sdist and runs the
quickstart. Any failure stops the run with the command's output.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
PYTHONS = ("3.11", "3.12", "3.13")
EXTRAS = ("fastapi",)
TEST_REQUIREMENTS = (
    "pytest>=8",
    "pytest-asyncio>=0.24",
    "hypothesis>=6.100",
    "httpx>=0.27",
    "uvicorn>=0.30",
    "boto3>=1.35",
)
SMOKE = (
    "tests/schema/test_codec.py",
    "tests/ops/test_items.py",
    "tests/ops/test_reads.py",
    "tests/ops/test_batches.py",
    "tests/ops/test_transactions.py",
    "tests/fastapi",
    "tests/test_pytest_plugin.py",
)
QUICKSTART_SAYS = "saved and read back equal: True"
MAX_MEGABYTES = 15


def version() -> str:
    cargo = tomllib.loads((ROOT / "Cargo.toml").read_text())
    return str(cargo["workspace"]["package"]["version"])


def interpreter(wanted: str) -> str:
    """A `pythonX.Y` that runs: on PATH, else one pyenv installed."""
    candidates = [shutil.which(f"python{wanted}")]
    candidates += sorted(
        glob.glob(os.path.expanduser(f"~/.pyenv/versions/{wanted}.*/bin/python{wanted}"))
    )
    for candidate in filter(None, candidates):
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == wanted:
            return candidate
    sys.exit(f"test-wheel: no Python {wanted} found (on PATH or under ~/.pyenv/versions)")


def rustless_path() -> str:
    """PATH without the folders that hold cargo or rustc."""
    kept = [
        folder
        for folder in os.environ.get("PATH", "").split(os.pathsep)
        if folder and not any(Path(folder, tool).exists() for tool in ("cargo", "rustc"))
    ]
    return os.pathsep.join(kept)


def wheel_for(python: str) -> Path:
    tag = "cp" + python.replace(".", "")
    found = sorted(DIST.glob(f"dynomodel-*-{tag}-{tag}-*.whl")) or sorted(
        DIST.glob("dynomodel-*-abi3-*.whl")
    )
    if not found:
        sys.exit(f"test-wheel: no wheel for Python {python} in {DIST}: run `make wheel`")
    return found[-1]


def run(command: list[str], env: dict[str, str], cwd: Path, expect: str | None = None) -> str:
    print("  $", " ".join(command), flush=True)
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    output = done.stdout + done.stderr
    if done.returncode != 0 or (expect is not None and expect not in output):
        sys.exit(f"test-wheel: failed: {' '.join(command)}\n{output}")
    return output


def virtualenv(python: str, where: Path, path: str) -> tuple[Path, dict[str, str]]:
    subprocess.run([python, "-m", "venv", str(where)], check=True)
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("VIRTUAL_ENV", "PYTHON", "CARGO", "RUSTUP", "AWS_", "DYNOMODEL_"))
    }
    env["PATH"] = os.pathsep.join([str(where / "bin"), path])
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return where / "bin" / "python", env


def check_install(python: Path, env: dict[str, str], work: Path, venv: Path) -> None:
    run([str(python), "-m", "dynomodel", "--version"], env, work, f"dynomodel {version()}")
    where = run([str(python), "-c", "import dynomodel; print(dynomodel.__file__)"], env, work)
    if not where.strip().startswith(str(venv)):
        sys.exit(f"test-wheel: dynomodel was imported from {where.strip()}, not the install")
    quickstart = {**env, "AWS_ENDPOINT_URL_DYNAMODB": "memory://"}
    run([str(python), str(ROOT / "examples" / "quickstart.py")], quickstart, work, QUICKSTART_SAYS)


def test_wheel(wanted: str, work: Path) -> None:
    wheel_file = wheel_for(wanted)
    size = wheel_file.stat().st_size / 1e6
    print(f"Python {wanted}: {wheel_file.name} ({size:.1f} MB), no Rust on PATH", flush=True)
    if size > MAX_MEGABYTES:
        sys.exit(f"test-wheel: {wheel_file.name} is {size:.1f} MB, over {MAX_MEGABYTES} MB")
    # The platform tag must be one pip takes on a manylinux system: auditwheel checks that the
    # extension links nothing beyond what that policy allows.
    audit = [sys.executable, "-m", "auditwheel", "show", str(wheel_file)]
    run(audit, dict(os.environ), ROOT, "manylinux_")
    path = rustless_path()
    if shutil.which("cargo", path=path) or shutil.which("rustc", path=path):
        sys.exit("test-wheel: cargo is still on the stripped PATH")
    venv = work / f"wheel-{wanted}"
    python, env = virtualenv(interpreter(wanted), venv, path)
    wheel = f"{wheel_for(wanted)}[{','.join(EXTRAS)}]"
    run([str(python), "-m", "pip", "install", "--quiet", wheel, *TEST_REQUIREMENTS], env, work)
    check_install(python, env, work, venv)
    smoke = {**env, "DYNOMODEL_TEST_BACKENDS": "memory"}
    command = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(ROOT)]
    output = run([*command, *(str(ROOT / test) for test in SMOKE)], smoke, ROOT, " passed")
    print(f"  {output.strip().splitlines()[-1]}", flush=True)


def test_sdist(work: Path) -> None:
    (sdist,) = DIST.glob("dynomodel-*.tar.gz")
    print(f"sdist: {sdist.name}, built with Rust", flush=True)
    venv = work / "sdist"
    python, env = virtualenv(sys.executable, venv, os.environ.get("PATH", ""))
    # Reuse compiled dependencies when the caller has a cache (`.ci/run` does).
    for name in ("CARGO_TARGET_DIR", "CARGO_HOME", "RUSTUP_HOME"):
        if name in os.environ:
            env[name] = os.environ[name]
    run([str(python), "-m", "pip", "install", "--quiet", str(sdist)], env, work)
    check_install(python, env, work, venv)


def main() -> None:
    if sys.argv[1:] == ["--interpreters"]:  # what `make wheel` builds for
        print("\n".join(interpreter(wanted) for wanted in PYTHONS))
        return
    with tempfile.TemporaryDirectory(prefix="dynomodel-wheel-") as folder:
        work = Path(folder)
        for wanted in PYTHONS:
            test_wheel(wanted, work)
        test_sdist(work)
    print("test-wheel: every install works", flush=True)


if __name__ == "__main__":
    main()
