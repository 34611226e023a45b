#!/usr/bin/env sh
# Add Eke to this user's application menu. Run from the unpacked archive:
#   tar xzf eke-<version>-linux-x86_64.tar.gz && sh eke/install.sh
# The records stay in ~/.local/share/Eke (never in this folder), so deleting this folder
# or unpacking a newer archive over it keeps them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
apps="${XDG_DATA_HOME:-$HOME/.local/share}/applications"
mkdir -p "$apps"
sed "s|@EKE_DIR@|$here|g" "$here/eke.desktop" > "$apps/eke.desktop"
chmod 644 "$apps/eke.desktop"
echo "Eke was added to the application menu ($apps/eke.desktop)."
