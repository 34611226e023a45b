"""Fetch the fonts Eke bundles but does not commit (shared/mongolian.md, Fonts).

Noto Sans Mongolian 3.002 (SIL Open Font License) is taken from the npm registry package
@expo-google-fonts/noto-sans-mongolian; the licence goes beside it. Run by the set-up
script and by packaging; does nothing when the font is already in place.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

FONTS = Path(__file__).resolve().parent.parent / "resources" / "fonts"
PACKAGE = "@expo-google-fonts/noto-sans-mongolian@0.4.1"
MEMBERS = {
    "package/400Regular/NotoSansMongolian_400Regular.ttf": "NotoSansMongolian-Regular.ttf",
    "package/LICENSE_FONT": "NotoSansMongolian-OFL.txt",
}


def fetch(target: Path = FONTS) -> Path:
    font = target / "NotoSansMongolian-Regular.ttf"
    if font.exists() and font.stat().st_size > 100_000:
        return font
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed (Debian package: npm)")
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([npm, "pack", PACKAGE, "--silent"], cwd=tmp, check=True,
                             capture_output=True, text=True, timeout=300)
        tgz = Path(tmp) / out.stdout.strip().splitlines()[-1]
        with tarfile.open(tgz) as tar:
            for member, name in MEMBERS.items():
                src = tar.extractfile(member)
                if src is None:
                    raise RuntimeError(f"{member} missing from {PACKAGE}")
                (target / name).write_bytes(src.read())
    digest = hashlib.sha256(font.read_bytes()).hexdigest()
    (target / "SOURCE.txt").write_text(
        f"NotoSansMongolian-Regular.ttf from npm package {PACKAGE}\nsha256 {digest}\n"
        "Licence: SIL Open Font License 1.1 (NotoSansMongolian-OFL.txt)\n", encoding="utf-8")
    return font


if __name__ == "__main__":
    try:
        print(fetch())
    except (OSError, RuntimeError, subprocess.SubprocessError, tarfile.TarError) as exc:
        print(f"font fetch failed: {exc}", file=sys.stderr)
        sys.exit(1)
