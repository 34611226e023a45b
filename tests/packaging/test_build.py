"""The installable program: build the Linux bundle with packaging/build.sh (PyInstaller,
about 25 s here) and start the BUILT program offscreen on a demo store with
packaging/smoke_test.sh. Marked slow; it runs with the whole suite (CI included)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux build script"),
]


def _run(script: str, *args: str, timeout: int, dist: Path | None = None
         ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EKE_")}
    if dist is not None:
        env["EKE_DIST_DIR"] = str(dist)
    return subprocess.run(["bash", str(ROOT / "packaging" / script), *args], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    if shutil.which("npm") is None and not (
            ROOT / "resources" / "fonts" / "NotoSansMongolian-Regular.ttf").exists():
        pytest.fail("the Mongolian font is missing and npm is not installed")
    # A folder of this run's own: never the dist/ a developer or another run is using.
    dist = tmp_path_factory.mktemp("dist")
    built = _run("build.sh", timeout=900, dist=dist)
    assert built.returncode == 0, built.stderr[-2000:]
    return dist / "eke"


def test_the_built_program_starts_logs_in_and_exits_0(bundle):
    smoke = _run("smoke_test.sh", str(bundle), timeout=300)
    assert smoke.returncode == 0, smoke.stderr[-2000:]
    ready = json.loads(smoke.stdout.strip().splitlines()[-1])
    assert ready["unlock_s"] is not None and ready["startup_s"] > 0


def test_the_archive_holds_the_program_the_menu_entry_and_the_licences(bundle):
    import tarfile

    from desktop import __version__

    archives = list(bundle.parent.glob(f"eke-{__version__}-linux-*.tar.gz"))
    assert len(archives) == 1
    with tarfile.open(archives[0]) as tar:
        names = set(tar.getnames())
    for name in ("eke/eke", "eke/eke.desktop", "eke/install.sh",
                 "eke/_internal/LICENSES.txt",
                 "eke/_internal/resources/fonts/NotoSansMongolian-OFL.txt",
                 "eke/_internal/i18n/zh_Hans_CN/LC_MESSAGES/eke.po"):
        assert name in names, name


def test_a_broken_bundle_fails_the_smoke_test(bundle, tmp_path):
    """The smoke test can fail: a copy without its catalogs is refused."""
    broken = tmp_path / "eke"
    shutil.copytree(bundle, broken, symlinks=True)
    shutil.rmtree(broken / "_internal" / "i18n")
    smoke = _run("smoke_test.sh", str(broken), timeout=300)
    assert smoke.returncode != 0
    assert "missing from the bundle" in smoke.stderr
