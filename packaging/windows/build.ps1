# Build the Windows program folder and installer (run in PowerShell from the repository root):
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build.ps1
# Needs Python 3.11+ (python.org, 64-bit), Node.js (npm, for the Mongolian font) and
# Inno Setup 6 (iscc on PATH or in its default folder). See packaging/README.md.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")
if (-not (Test-Path .venv)) { python -m venv .venv }
.\.venv\Scripts\python -m pip install -q --upgrade pip
.\.venv\Scripts\python -m pip install -q -e ".[packaging]"
.\.venv\Scripts\python packaging\fetch_fonts.py
.\.venv\Scripts\python -m PyInstaller --noconfirm --clean --distpath dist --workpath build\pyinstaller packaging\eke.spec
$version = .\.venv\Scripts\python -c "import desktop; print(desktop.__version__)"
$iscc = (Get-Command iscc -ErrorAction SilentlyContinue).Source
if (-not $iscc) { $iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
& $iscc "/DAppVersion=$version" packaging\windows\eke.iss
Write-Host "built dist\eke\ and dist\eke-$version-windows-setup.exe"
